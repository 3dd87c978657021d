package org.fmplab.kernel;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The inputs (and plain-text outputs) of this kernel session, in memory, for Jupyter's history
 * requests: tail, range and glob search. Each entry is a Jupyter history tuple
 * {@code [session, line, input]} or, with output, {@code [session, line, [input, output]]}.
 * Earlier sessions are not kept.
 */
final class History {

    /** The number this kernel reports as its session. */
    static final int SESSION = 1;

    private record Cell(int number, String input, String output) { }

    private final List<Cell> cells = new ArrayList<>();

    /** Records an executed cell. */
    synchronized void add(int number, String input, String output) {
        cells.add(new Cell(number, input, output == null ? "" : output));
    }

    /** The last {@code n} cells (all when {@code n <= 0}). */
    synchronized List<List<Object>> tail(int n, boolean output) {
        return rows(last(cells, n), output);
    }

    /** Cells numbered {@code start <= number < stop} ({@code stop <= 0}: to the end) of a session. */
    synchronized List<List<Object>> range(int session, int start, int stop, boolean output) {
        if (session > 0 && session != SESSION) return List.of();
        List<Cell> hits = cells.stream()
                .filter(c -> c.number() >= start && (stop <= 0 || c.number() < stop)).toList();
        return rows(hits, output);
    }

    /** The last {@code n} cells whose input matches an sqlite glob; with {@code unique}, no repeats. */
    synchronized List<List<Object>> search(String glob, int n, boolean unique, boolean output) {
        Predicate<String> matches = globToRegex(glob == null || glob.isEmpty() ? "*" : glob).asMatchPredicate();
        List<Cell> hits = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (int i = cells.size() - 1; i >= 0; i--) { // newest first, so "unique" keeps the latest
            Cell c = cells.get(i);
            if (matches.test(c.input()) && (!unique || seen.add(c.input()))) hits.add(0, c);
        }
        return rows(last(hits, n), output);
    }

    private static List<Cell> last(List<Cell> list, int n) {
        return n <= 0 ? list : list.subList(Math.max(0, list.size() - n), list.size());
    }

    private static List<List<Object>> rows(List<Cell> cells, boolean output) {
        return cells.stream()
                .map(c -> List.<Object>of(SESSION, c.number(), output ? List.of(c.input(), c.output()) : c.input()))
                .toList();
    }

    /** An sqlite GLOB pattern ({@code * ? [abc] [^abc]}) as a regular expression. */
    static Pattern globToRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char ch = glob.charAt(i);
            int close = ch == '[' ? glob.indexOf(']', i + 2) : -1;
            if (ch == '*') {
                re.append("[\\s\\S]*");
            } else if (ch == '?') {
                re.append("[\\s\\S]");
            } else if (close > 0) {
                // sqlite and regex agree on ranges and on ^ for negation
                re.append('[').append(glob.substring(i + 1, close).replace("\\", "\\\\").replace("[", "\\[")).append(']');
                i = close;
            } else {
                re.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
