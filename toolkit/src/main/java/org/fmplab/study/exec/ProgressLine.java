package org.fmplab.study.exec;

import java.io.PrintStream;
import java.util.Locale;

/**
 * One progress line for the whole study: tasks done, running, waiting and failed. Redrawn in place on a
 * terminal; elsewhere (CI logs, Slurm output) printed only when a count changes.
 */
final class ProgressLine {
    private final PrintStream out;
    private final boolean terminal;
    private final String what;
    private final long start = System.nanoTime();
    private String last = "";

    ProgressLine(PrintStream out, boolean terminal, String what) {
        this.out = out;
        this.terminal = terminal;
        this.what = what;
    }

    synchronized void update(int total, int done, int running, int failed) {
        int waiting = total - done - running - failed;
        int width = 24;
        int filled = total == 0 ? width : (done + failed) * width / total;
        String counts = String.format(Locale.ROOT, "%s [%s%s] %d/%d tasks done, %d running, %d waiting, %d failed",
                what, "#".repeat(filled), ".".repeat(width - filled), done, total, running, waiting, failed);
        if (counts.equals(last)) {
            if (terminal) out.print("\r" + counts + elapsed());
            return;
        }
        last = counts;
        out.print(terminal ? "\r" + counts + elapsed() : counts + elapsed() + "\n");
        out.flush();
    }

    synchronized void finish() {
        if (terminal) out.println();
    }

    private String elapsed() {
        long s = (System.nanoTime() - start) / 1_000_000_000L;
        return String.format(Locale.ROOT, " (%d:%02d)", s / 60, s % 60);
    }
}
