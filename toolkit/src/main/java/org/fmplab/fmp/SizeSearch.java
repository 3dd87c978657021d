package org.fmplab.fmp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.data.ImageDataset;
import org.fmplab.data.Subsets;
import org.fmplab.metrics.Metrics;
import org.fmplab.model.Inference;
import org.fmplab.params.Seeds;
import org.fmplab.progress.ProgressListener;
import org.fmplab.prune.ChannelMask;
import org.fmplab.prune.FineTuning;
import org.fmplab.prune.Pruner;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

/**
 * Chooses FMP's pruning size on the defender's clean data only (never on triggered data): the
 * largest per-layer ratio whose pruned model, after a short fine-tune on part of the clean subset,
 * keeps its accuracy on the held-out rest within {@code maxDrop} of the unpruned model fine-tuned the
 * same way. Pruning more removes more of the backdoor (measured: see {@link FmpConfig#defaults()}),
 * so the search prunes as much as clean accuracy allows.
 *
 * @param ratios   candidate per-layer ratios, each in (0, 1), tried in increasing order
 * @param holdout  share of the clean subset held out for the accuracy check, in (0, 1)
 * @param epochs   fine-tuning epochs per candidate, ≥ 1
 * @param maxDrop  largest tolerated held-out accuracy drop (fraction, e.g. 0.02), in [0, 1]
 */
public record SizeSearch(double[] ratios, double holdout, int epochs, double maxDrop) {
    public SizeSearch {
        if (ratios == null || ratios.length == 0) throw new IllegalArgumentException("ratios must not be empty");
        ratios = ratios.clone();
        Arrays.sort(ratios);
        for (double r : ratios) {
            if (!(r > 0 && r < 1)) throw new IllegalArgumentException("ratios contains " + r + "; each must be in (0, 1)");
        }
        if (!(holdout > 0 && holdout < 1)) throw new IllegalArgumentException("holdout = " + holdout + " must be in (0, 1)");
        if (epochs < 1) throw new IllegalArgumentException("epochs = " + epochs + " must be >= 1");
        if (!(maxDrop >= 0 && maxDrop <= 1)) throw new IllegalArgumentException("maxDrop = " + maxDrop + " must be in [0, 1]");
    }

    @Override
    public double[] ratios() {
        return ratios.clone();
    }

    /** One candidate's held-out accuracy. */
    public record Trial(double ratio, int pruned, double heldOutAccuracy) { }

    /**
     * The outcome: the held-out accuracy of the unpruned model after the same fine-tune, every trial
     * (the search stops at the first candidate that fails), and the chosen ratio (NaN if even the
     * smallest candidate failed).
     */
    public record Result(double reference, List<Trial> trials, double chosenRatio) {
        /** The chosen selector, or null when no candidate kept the accuracy (prune nothing). */
        public Selector chosen() {
            return Double.isNaN(chosenRatio) ? null : new Selector.LayerRatio(chosenRatio);
        }

        /** ratio, pruned, held-out accuracy (first row: ratio 0, the unpruned reference). */
        public Table table() {
            DoubleColumn r = DoubleColumn.create("ratio");
            IntColumn n = IntColumn.create("pruned");
            DoubleColumn acc = DoubleColumn.create("held-out accuracy");
            r.append(0.0);
            n.append(0);
            acc.append(reference);
            for (Trial t : trials) {
                r.append(t.ratio());
                n.append(t.pruned());
                acc.append(t.heldOutAccuracy());
            }
            return Table.create("FMP pruning-size search", r, n, acc);
        }
    }

    /**
     * Runs the search for {@code ranking} of {@code model} on {@code clean}, fine-tuning each candidate
     * like {@code tuner} (batch size, mask) but for {@link #epochs()} epochs.
     */
    public Result run(ComputationGraph model, Ranking ranking, ImageDataset clean, FineTuning tuner, long seed,
                      ProgressListener listener) {
        int[] order = Subsets.shuffled(clean.size(), Seeds.heldOutSplit(seed));
        int nHold = Math.max(1, (int) Math.round(holdout * clean.size()));
        if (nHold >= clean.size()) throw new IllegalArgumentException("holdout = " + holdout + " leaves no training images in "
                + clean.size());
        ImageDataset held = clean.subset(Arrays.copyOfRange(order, 0, nHold));
        ImageDataset train = clean.subset(Arrays.copyOfRange(order, nHold, order.length));
        tuner = tuner.withEpochs(epochs);
        double reference = accuracy(tuner.fineTune(model, train, null, seed, listener).model(), held);
        List<Trial> trials = new ArrayList<>();
        double chosen = Double.NaN;
        for (double r : ratios) {
            ChannelMask mask = new Selector.LayerRatio(r).select(ranking);
            ComputationGraph tuned = tuner.fineTune(Pruner.prune(model, mask), train, mask, seed, listener).model();
            double acc = accuracy(tuned, held);
            trials.add(new Trial(r, mask.total(), acc));
            if (acc < reference - maxDrop) break;
            chosen = r;
        }
        return new Result(reference, trials, chosen);
    }

    private static double accuracy(ComputationGraph net, ImageDataset data) {
        return Metrics.accuracy(Inference.predict(net, data), data.labels());
    }
}
