package org.fmplab.experiment;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * What the command line does with an unexpected exception: one line on stderr with the cause and where
 * the full stack trace was written ({@code runs/crash-TIMESTAMP.txt}, else the temporary folder),
 * exit code 1. Expected failures (bad options, missing data) are reported by {@link Main} without this.
 */
final class Crash {
    static final int EXIT_CODE = 1;

    private Crash() { }

    /** Writes the trace, prints the line; returns the exit code. */
    static int report(Throwable e, String[] argv, Path runsDir) {
        StringWriter trace = new StringWriter();
        try (PrintWriter w = new PrintWriter(trace)) {
            w.println("fmplab " + Help.version() + ", args: " + String.join(" ", argv));
            e.printStackTrace(w);
        }
        Path file = write(trace.toString(), runsDir);
        System.err.println(line(e, file));
        return EXIT_CODE;
    }

    /** "error: unexpected X: message (cause: Y: message); full trace in FILE". */
    static String line(Throwable e, Path file) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String cause = root == e ? "" : " (cause: " + describe(root) + ")";
        String where = file == null ? "; the trace could not be written" : "; full trace in " + file;
        return ("error: unexpected " + describe(e) + cause).replace('\n', ' ') + where;
    }

    private static String describe(Throwable t) {
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private static Path write(String trace, Path runsDir) {
        String name = "crash-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS", Locale.ROOT)) + ".txt";
        for (Path dir : new Path[] {runsDir, Path.of(System.getProperty("java.io.tmpdir"))}) {
            try {
                Files.createDirectories(dir);
                return Files.writeString(dir.resolve(name), trace);
            } catch (IOException | SecurityException ignored) {
                // not writable: try the next folder
            }
        }
        return null;
    }
}
