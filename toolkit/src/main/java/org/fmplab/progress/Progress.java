package org.fmplab.progress;

import java.util.Map;

/**
 * One progress event of a long-running stage (training, ranking, fine-tuning ...).
 *
 * @param stage   short name of the stage, e.g. {@code "train"} or {@code "rank"}
 * @param done    units of work finished so far (batches, channels ...)
 * @param total   total units of work, or {@code -1} if unknown
 * @param unit    what one unit is, e.g. {@code "batch"}
 * @param elapsedNanos wall time since the stage started
 * @param metrics a few named figures to show next to the bar (loss, img/s, epoch ...)
 */
public record Progress(String stage, long done, long total, String unit, long elapsedNanos,
                       Map<String, Double> metrics) {
    public Progress {
        metrics = Map.copyOf(metrics);
    }

    /** Fraction done in [0,1], or NaN when the total is unknown. */
    public double fraction() {
        return total <= 0 ? Double.NaN : Math.min(1.0, (double) done / total);
    }

    /** Estimated seconds left, or NaN when it cannot be estimated yet. */
    public double etaSeconds() {
        if (total <= 0 || done <= 0) return Double.NaN;
        double perUnit = elapsedNanos / 1e9 / done;
        return perUnit * (total - done);
    }

    /** True once every unit of work is done. */
    public boolean finished() {
        return total > 0 && done >= total;
    }
}
