package org.fmplab.progress;

import java.util.Map;

/**
 * Helper for loops that report progress: counts units, measures elapsed time and checks for thread
 * interruption so that a notebook interrupt or Ctrl-C stops the loop cleanly.
 */
public final class ProgressTracker {
    private final ProgressListener listener;
    private final String stage;
    private final String unit;
    private final long total;
    private final long start = System.nanoTime();
    private long done;

    public ProgressTracker(ProgressListener listener, String stage, String unit, long total) {
        this.listener = listener == null ? ProgressListener.NONE : listener;
        this.stage = stage;
        this.unit = unit;
        this.total = total;
    }

    /** Marks {@code units} more done and reports; throws if the thread was interrupted. */
    public void step(long units, Map<String, Double> metrics) {
        done += units;
        listener.onProgress(new Progress(stage, done, total, unit, System.nanoTime() - start, metrics));
        checkInterrupted();
    }

    /** Seconds since this tracker was created. */
    public double elapsedSeconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * Throws {@link InterruptedWorkException} when the current thread has been interrupted. Long
     * loops call it once per batch or channel.
     */
    public static void checkInterrupted() {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedWorkException("interrupted");
        }
    }
}
