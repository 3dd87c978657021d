package org.fmplab.attack;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** String-keyed attack parameters (from the CLI or a notebook) with typed getters and defaults. */
public final class AttackParams {
    private final String attack;
    private final Map<String, ?> values;
    private final Set<String> used = new HashSet<>();

    public AttackParams(String attack, Map<String, ?> values) {
        this.attack = attack;
        this.values = Map.copyOf(values);
    }

    public int getInt(String key, int def) {
        Object v = take(key);
        if (v == null) return def;
        try {
            return v instanceof Number n ? n.intValue() : Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(attack + ": " + key + " = '" + v + "' is not an integer");
        }
    }

    /** The integer (e.g. a seed) under {@code key}, or {@code def} when absent. */
    public long getLong(String key, long def) {
        Object v = take(key);
        if (v == null) return def;
        try {
            return v instanceof Number n ? n.longValue() : Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(attack + ": " + key + " = '" + v + "' is not an integer");
        }
    }

    public double getDouble(String key, double def) {
        Object v = take(key);
        if (v == null) return def;
        try {
            return v instanceof Number n ? n.doubleValue() : Double.parseDouble(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(attack + ": " + key + " = '" + v + "' is not a number");
        }
    }

    public boolean getBoolean(String key, boolean def) {
        Object v = take(key);
        if (v == null) return def;
        String s = v.toString().trim().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("true") || s.equals("false")) return Boolean.parseBoolean(s);
        throw new IllegalArgumentException(attack + ": " + key + " = '" + v + "' is not true/false");
    }

    public String getString(String key, String def) {
        Object v = take(key);
        return v == null ? def : v.toString();
    }

    private Object take(String key) {
        used.add(key);
        return values.get(key);
    }

    void rejectUnused() {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(used);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(attack + ": unknown parameter(s) " + unknown + "; known: " + new TreeSet<>(used));
        }
    }
}
