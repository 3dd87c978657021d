package org.fmplab.experiment;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import org.fmplab.progress.Progress;
import org.fmplab.progress.ProgressListener;

/**
 * The CLI's progress bar: one redrawn line per stage with percentage, ETA and the stage's figures. On a
 * non-terminal (CI logs) it prints a plain line every 10% instead of redrawing.
 */
public final class ConsoleProgress implements ProgressListener {
    private final PrintStream out;
    private final boolean terminal;
    private String stage;
    private long lastDraw;
    private int lastDecile = -1;

    public ConsoleProgress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** A bar on stderr that redraws when a console is attached. */
    public static ConsoleProgress stderr() {
        return new ConsoleProgress(System.err, System.console() != null);
    }

    @Override
    public synchronized void onProgress(Progress p) {
        if (!p.stage().equals(stage)) {
            stage = p.stage();
            lastDecile = -1;
            lastDraw = 0;
        }
        long now = System.nanoTime();
        if (terminal) {
            if (!p.finished() && now - lastDraw < 200_000_000L) return;
            lastDraw = now;
            out.print("\r" + line(p) + (p.finished() ? "\n" : ""));
            out.flush();
        } else {
            int decile = Double.isNaN(p.fraction()) ? -1 : (int) Math.floor(p.fraction() * 10);
            if (decile > lastDecile || p.finished()) {
                lastDecile = decile;
                out.println(line(p));
            }
        }
    }

    /** The text of one progress line. */
    static String line(Progress p) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-10s ", p.stage()));
        if (!Double.isNaN(p.fraction())) {
            int width = 24;
            int filled = (int) Math.round(p.fraction() * width);
            sb.append('[').append("#".repeat(filled)).append(".".repeat(width - filled)).append(']');
            sb.append(String.format(Locale.ROOT, " %3.0f%% %d/%d %s", 100 * p.fraction(), p.done(), p.total(), p.unit()));
            double eta = p.etaSeconds();
            sb.append(p.finished() ? String.format(Locale.ROOT, "  done in %s", time(p.elapsedNanos() / 1e9))
                    : "  ETA " + (Double.isNaN(eta) ? "?" : time(eta)));
        } else {
            sb.append(p.done()).append(' ').append(p.unit());
        }
        for (Map.Entry<String, Double> e : new java.util.TreeMap<>(p.metrics()).entrySet()) {
            sb.append(String.format(Locale.ROOT, "  %s %.4g", e.getKey(), e.getValue()));
        }
        return sb.toString();
    }

    static String time(double seconds) {
        long s = Math.round(seconds);
        return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
