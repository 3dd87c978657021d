package org.fmplab.kernel;

import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.fmplab.progress.Progress;
import org.fmplab.progress.ProgressListener;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Shows toolkit progress in a notebook as ONE display that updates in place: a row per stage
 * (train, rank, fine-tune ...) with a bar, counts, elapsed time, ETA and the stage's metrics.
 * Updates are throttled to {@link #MIN_UPDATE_NANOS}; the final state of a stage is always shown.
 * Obtain one with {@code progressBar()} in a notebook.
 */
public final class ProgressBar implements ProgressListener {

    /** At most ten updates a second reach the notebook. */
    public static final long MIN_UPDATE_NANOS = 100_000_000L;

    private final Map<String, Progress> stages = new LinkedHashMap<>();
    private String displayId;
    private long lastUpdate;

    @Override
    public synchronized void onProgress(Progress progress) {
        stages.put(progress.stage(), progress);
        long now = System.nanoTime();
        if (displayId == null) {
            displayId = Notebook.display(render());
            lastUpdate = now;
        } else if (progress.finished() || now - lastUpdate >= MIN_UPDATE_NANOS) {
            Notebook.updateDisplay(displayId, render());
            lastUpdate = now;
        }
    }

    /** The current state of every stage as HTML and plain text. */
    public synchronized DisplayData render() {
        StringBuilder html = new StringBuilder("<div style=\"font-family:monospace;line-height:1.6\">");
        StringBuilder text = new StringBuilder();
        for (Progress p : stages.values()) {
            double f = p.fraction();
            String pct = Double.isNaN(f) ? "" : String.format(Locale.ROOT, "%3.0f%%", 100 * f);
            String counts = p.done() + (p.total() > 0 ? "/" + p.total() : "") + " " + p.unit();
            String details = details(p);
            html.append("<div>").append(Renderers.escape(p.stage())).append(' ')
                    .append(Double.isNaN(f)
                            ? "<progress style=\"width:16em\"></progress>"
                            : "<progress style=\"width:16em\" value=\"" + String.format(Locale.ROOT, "%.4f", f) + "\" max=\"1\"></progress>")
                    .append(' ').append(pct).append(' ').append(Renderers.escape(counts))
                    .append(Renderers.escape(details)).append("</div>");
            text.append(p.stage()).append(" [").append(bar(f, 24)).append("] ").append(pct).append(' ')
                    .append(counts).append(details).append('\n');
        }
        html.append("</div>");
        DisplayData d = new DisplayData();
        d.putHTML(html.toString());
        d.putText(text.toString().stripTrailing());
        return d;
    }

    private static String details(Progress p) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, " · %s", seconds(p.elapsedNanos() / 1e9)));
        double eta = p.etaSeconds();
        if (!p.finished() && !Double.isNaN(eta)) sb.append(" · ETA ").append(seconds(eta));
        p.metrics().forEach((k, v) -> sb.append(String.format(Locale.ROOT, " · %s %.4g", k, v)));
        return sb.toString();
    }

    private static String seconds(double s) {
        return s < 120 ? String.format(Locale.ROOT, "%.1f s", s)
                : String.format(Locale.ROOT, "%d min %02d s", (long) s / 60, (long) s % 60);
    }

    private static String bar(double f, int width) {
        if (Double.isNaN(f)) return "?".repeat(width);
        int full = (int) Math.round(f * width);
        return "#".repeat(full) + ".".repeat(width - full);
    }
}
