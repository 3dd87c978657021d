package org.fmplab.kernel;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * IPython's timing magics: {@code %%time} as a cell's first line times the rest of the cell;
 * {@code %time CODE} as a cell's first line times CODE, then runs the rest of the cell untimed.
 * The kernel prints the wall time after the timed code has run.
 */
final class Timing {
    private static final Pattern CELL = Pattern.compile("\\A[ \\t]*%%time[ \\t]*(?:\\r?\\n|\\z)");
    private static final Pattern LINE = Pattern.compile("\\A[ \\t]*%time[ \\t]+([^\\n]*)(?:\\n|\\z)");

    /** A cell split into the timed code and the code after it. */
    record Cell(String timed, String rest) { }

    private Timing() { }

    /** The timed parts of a cell, or {@code null} when it starts with neither magic. */
    static Cell parse(String code) {
        Matcher m = CELL.matcher(code);
        if (m.find()) return new Cell(code.substring(m.end()), "");
        m = LINE.matcher(code);
        if (m.find()) return new Cell(m.group(1), code.substring(m.end()));
        return null;
    }

    /** "Wall time: 812 ms" or "Wall time: 3.41 s". */
    static String wall(long nanos) {
        double ms = nanos / 1e6;
        return ms < 1000 ? String.format(Locale.ROOT, "Wall time: %.3g ms", ms)
                : String.format(Locale.ROOT, "Wall time: %.3g s", ms / 1000);
    }
}
