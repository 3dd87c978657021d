package org.fmplab.progress;

/** Thrown by toolkit loops when their thread is interrupted; the work done so far is discarded. */
public final class InterruptedWorkException extends RuntimeException {
    public InterruptedWorkException(String message) {
        super(message);
    }
}
