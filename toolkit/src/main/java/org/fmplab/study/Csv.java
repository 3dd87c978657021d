package org.fmplab.study;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** The CSV dialect of study files: RFC 4180 quoting, plain shortest-round-trip numbers, NaN as an empty field. */
final class Csv {
    private Csv() { }

    /** A text field, quoted only when it holds a comma, a quote or a line break. */
    static String text(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /** The shortest decimal that parses back to the same double, never in E notation; NaN → "". */
    static String num(double v) {
        if (Double.isNaN(v)) return "";
        if (Double.isInfinite(v)) throw new IllegalArgumentException("cannot write " + v + " to CSV");
        String s = BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
        return s.equals("-0") ? "0" : s;
    }

    /** "" → NaN, else the number. */
    static double parseNum(String s) {
        return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
    }

    /** Splits one CSV line into fields, undoing {@link #text}'s quoting. */
    static List<String> split(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    f.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(f.toString());
                f.setLength(0);
            } else {
                f.append(c);
            }
        }
        if (quoted) throw new IllegalArgumentException("unterminated quote in CSV line: " + line);
        out.add(f.toString());
        return out;
    }
}
