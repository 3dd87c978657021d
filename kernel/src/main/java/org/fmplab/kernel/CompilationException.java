package org.fmplab.kernel;

/**
 * A cell that does not compile (or uses a declaration that is not complete yet). The message holds
 * the compiler's diagnostics with the offending source line, ready to show in the notebook.
 */
public final class CompilationException extends RuntimeException {

    /** @param message the compiler's diagnostics, possibly several lines */
    public CompilationException(String message) {
        super(message, null, false, false);
    }
}
