package org.fmplab.fmp;

import java.util.Locale;
import java.util.Map;

/** Parsing of string parameters for {@link FmpConfig#fromParams}, with messages naming key and value. */
final class Params {
    private Params() { }

    static double parse(String key, String v) {
        try {
            String t = v.trim();
            int slash = t.indexOf('/');
            return slash > 0 ? Double.parseDouble(t.substring(0, slash)) / Double.parseDouble(t.substring(slash + 1))
                    : Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " = '" + v + "' is not a number");
        }
    }

    static double number(Map<String, String> p, String key) {
        return parse(key, p.get(key));
    }

    static int integer(Map<String, String> p, String key) {
        try {
            return Integer.parseInt(p.get(key).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " = '" + p.get(key) + "' is not an integer");
        }
    }

    static long longInteger(Map<String, String> p, String key) {
        try {
            return Long.parseLong(p.get(key).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " = '" + p.get(key) + "' is not an integer");
        }
    }

    static boolean bool(Map<String, String> p, String key) {
        String v = p.get(key).trim().toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) throw new IllegalArgumentException(key + " = '" + p.get(key) + "' must be true or false");
        return v.equals("true");
    }

    static <E extends Enum<E>> E choice(Map<String, String> p, String key, Class<E> type) {
        try {
            return Enum.valueOf(type, p.get(key).trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " = '" + p.get(key) + "' must be one of "
                    + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT).replace('_', '-'));
        }
    }

    /** {@code divisor:P}, {@code layer:R}, {@code global:R} or {@code cluster:K}. */
    static Selector selector(String spec) {
        String[] f = spec.trim().split(":", 2);
        if (f.length != 2) throw new IllegalArgumentException("select = '" + spec + "' must be divisor:P, layer:R, global:R or cluster:K");
        return switch (f[0]) {
            case "divisor" -> new Selector.Divisor(integer(Map.of("select", f[1]), "select"));
            case "layer" -> new Selector.LayerRatio(parse("select", f[1]));
            case "global" -> new Selector.GlobalRatio(parse("select", f[1]));
            case "cluster" -> new Selector.Cluster(integer(Map.of("select", f[1]), "select"));
            default -> throw new IllegalArgumentException("select = '" + spec + "' must be divisor:P, layer:R, global:R or cluster:K");
        };
    }
}
