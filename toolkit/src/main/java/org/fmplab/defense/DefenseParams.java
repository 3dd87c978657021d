package org.fmplab.defense;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * String-keyed defense parameters (from the CLI's {@code --defense-param k=v} or a notebook's map) with
 * typed, range-checked getters. Every message names the defense, the key, the value and the allowed
 * range; {@link #rejectUnknown()} fails on keys that no getter asked for (typos).
 */
public final class DefenseParams {
    private final String defense;
    private final Map<String, String> values;
    private final Set<String> used = new HashSet<>();

    public DefenseParams(String defense, Map<String, String> values) {
        this.defense = defense;
        this.values = values == null ? Map.of() : Map.copyOf(values);
    }

    /**
     * Parses a compact parameter list {@code "key=value;key=value"} (blank entries skipped, order kept), as the
     * bench sweep scripts take them on the command line.
     *
     * @throws IllegalArgumentException naming the entry when it has no {@code =} or an empty key
     */
    public static Map<String, String> parseSpec(String spec) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String kv : spec.split(";")) {
            if (kv.isBlank()) continue;
            int eq = kv.indexOf('=');
            if (eq <= 0 || kv.substring(0, eq).isBlank()) {
                throw new IllegalArgumentException("parameter '" + kv.trim() + "' in '" + spec + "' is not key=value");
            }
            out.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        return out;
    }

    /** An integer in [lo, hi]. */
    public int intIn(String key, int def, int lo, int hi) {
        String v = take(key);
        int x;
        try {
            x = v == null ? def : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(defense + ": " + key + " = '" + v + "' is not an integer");
        }
        if (x < lo || x > hi) throw new IllegalArgumentException(defense + ": " + key + " = " + x + " must be in [" + lo + ", " + hi + "]");
        return x;
    }

    /** A number in [lo, hi] (inclusive). */
    public double doubleIn(String key, double def, double lo, double hi) {
        double x = number(key, def);
        if (!(x >= lo && x <= hi)) {
            throw new IllegalArgumentException(defense + ": " + key + " = " + x + " must be in [" + fmt(lo) + ", " + fmt(hi) + "]");
        }
        return x;
    }

    /** A number in (lo, hi] — strictly above {@code lo}. */
    public double doubleAbove(String key, double def, double lo, double hi) {
        double x = number(key, def);
        if (!(x > lo && x <= hi)) {
            throw new IllegalArgumentException(defense + ": " + key + " = " + x + " must be in (" + fmt(lo) + ", " + fmt(hi) + "]");
        }
        return x;
    }

    /** A comma-separated list of numbers, each in [lo, hi]. */
    public double[] doubles(String key, double[] def, double lo, double hi) {
        String v = take(key);
        if (v == null) return def.clone();
        String[] parts = v.split(",");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(defense + ": " + key + " = '" + v + "' is not a comma-separated list of numbers");
            }
            if (!(out[i] >= lo && out[i] <= hi)) {
                throw new IllegalArgumentException(defense + ": " + key + " entry " + out[i] + " must be in [" + fmt(lo) + ", " + fmt(hi) + "]");
            }
        }
        return out;
    }

    /** A comma-separated list of names, or {@code def} (may be null) when absent. */
    public List<String> names(String key, List<String> def) {
        String v = take(key);
        if (v == null) return def;
        List<String> out = new ArrayList<>();
        for (String s : v.split(",")) if (!s.isBlank()) out.add(s.trim());
        if (out.isEmpty()) throw new IllegalArgumentException(defense + ": " + key + " = '" + v + "' names nothing");
        return out;
    }

    /** true/false. */
    public boolean bool(String key, boolean def) {
        String v = take(key);
        if (v == null) return def;
        String s = v.trim().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("false")) return Boolean.parseBoolean(s);
        throw new IllegalArgumentException(defense + ": " + key + " = '" + v + "' must be true or false");
    }

    /** A free string, or {@code def} (may be null). */
    public String string(String key, String def) {
        String v = take(key);
        return v == null ? def : v.trim();
    }

    /**
     * Builds a configuration from the values read, prefixing the defense's name to the message of any
     * validation error the configuration's constructor throws.
     */
    public <T> T build(java.util.function.Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(defense + ":")) throw e;
            throw new IllegalArgumentException(defense + ": " + e.getMessage(), e);
        }
    }

    /** Fails if a key was given that no getter read. Call after reading every parameter. */
    public void rejectUnknown() {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(used);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(defense + ": unknown parameter(s) " + unknown + "; known: " + new TreeSet<>(used));
        }
    }

    private double number(String key, double def) {
        String v = take(key);
        try {
            return v == null ? def : Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(defense + ": " + key + " = '" + v + "' is not a number");
        }
    }

    private String take(String key) {
        used.add(key);
        return values.get(key);
    }

    private static String fmt(double v) {
        if (v == Double.MAX_VALUE || Double.isInfinite(v)) return "inf";
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
