package org.fmplab.data;

import java.nio.file.Path;

/**
 * A dataset file or folder is missing, truncated or malformed. The message always names the file and
 * the problem, so that a user can fix the input without a debugger.
 */
public class DatasetException extends RuntimeException {
    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Builds an exception whose message starts with the offending path. */
    public static DatasetException at(Path file, String problem) {
        return new DatasetException(file + ": " + problem);
    }

    public static DatasetException at(Path file, String problem, Throwable cause) {
        return new DatasetException(file + ": " + problem, cause);
    }
}
