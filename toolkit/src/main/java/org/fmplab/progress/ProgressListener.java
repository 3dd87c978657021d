package org.fmplab.progress;

/**
 * Receives progress of long-running toolkit work. The library never prints: the CLI shows these
 * events as a console progress bar, the notebook kernel as one updating display.
 */
@FunctionalInterface
public interface ProgressListener {
    /** A listener that ignores every event. */
    ProgressListener NONE = p -> { };

    void onProgress(Progress progress);
}
