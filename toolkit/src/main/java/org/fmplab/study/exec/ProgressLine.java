package org.fmplab.study.exec;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * One progress line for the whole study: tasks done, running, waiting and failed, and the study's cells
 * done with an ETA from the rate at which cells have finished since this line began. Redrawn in place on a
 * terminal; elsewhere (CI logs, Slurm output) printed when a task count changes, and at most once a minute
 * for cells alone.
 */
final class ProgressLine {
    static final long QUIET_NANOS = 60_000_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private final String what;
    private final Executor.Cells cells;
    private final LongSupplier clock;
    private final long start;
    private final int cellsAtStart;
    private String lastCounts = "";
    private int lastCells = -1;
    private long lastPrint;

    ProgressLine(PrintStream out, boolean terminal, String what, Executor.Cells cells) {
        this(out, terminal, what, cells, System::nanoTime);
    }

    ProgressLine(PrintStream out, boolean terminal, String what, Executor.Cells cells, LongSupplier clock) {
        this.out = out;
        this.terminal = terminal;
        this.what = what;
        this.cells = cells;
        this.clock = clock;
        this.start = clock.getAsLong();
        this.cellsAtStart = cells.done().getAsInt();
    }

    synchronized void update(int total, int done, int running, int failed) {
        int waiting = total - done - running - failed;
        int width = 24;
        int filled = total == 0 ? width : (done + failed) * width / total;
        String counts = String.format(Locale.ROOT, "%s [%s%s] %d/%d tasks done, %d running, %d waiting, %d failed",
                what, "#".repeat(filled), ".".repeat(width - filled), done, total, running, waiting, failed);
        long now = clock.getAsLong();
        int cellsDone = cells.total() > 0 ? cells.done().getAsInt() : 0;
        boolean changed = !counts.equals(lastCounts) || (cellsDone != lastCells && now - lastPrint >= QUIET_NANOS);
        if (!terminal && !changed) return;
        String line = counts + cellPart(cellsDone, now) + elapsed(now);
        lastCounts = counts;
        lastCells = cellsDone;
        lastPrint = now;
        out.print(terminal ? "\r" + line : line + "\n");
        out.flush();
    }

    synchronized void finish() {
        if (terminal) out.println();
    }

    // ", cells 40/232, ETA 1:05:00": the remaining cells at the rate of those finished since the start.
    private String cellPart(int cellsDone, long now) {
        if (cells.total() <= 0) return "";
        int fresh = cellsDone - cellsAtStart;
        String eta = fresh <= 0 ? "–" : clock(Math.round((now - start) / 1e9 * (cells.total() - cellsDone) / fresh));
        return String.format(Locale.ROOT, ", cells %d/%d, ETA %s", cellsDone, cells.total(), eta);
    }

    private String elapsed(long now) {
        return " (" + clock((now - start) / 1_000_000_000L) + ")";
    }

    private static String clock(long s) {
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
