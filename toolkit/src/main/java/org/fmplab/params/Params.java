package org.fmplab.params;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Values of a {@link ParamSet}, already validated: each getter returns the given value or the declared
 * default (or, in the two-argument form, the caller's fallback, e.g. a preset's value).
 */
public final class Params {
    private final ParamSet set;
    private final Map<String, Object> given;

    Params(ParamSet set, Map<String, Object> given) {
        this.set = set;
        this.given = Map.copyOf(given);
    }

    /**
     * Parses a compact parameter list {@code "key=value;key=value"} (blank entries skipped, order kept),
     * as scripts take them on the command line.
     *
     * @throws IllegalArgumentException naming the entry when it has no {@code =} or an empty key
     */
    public static Map<String, String> parseSpec(String spec) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
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

    public ParamSet declarations() {
        return set;
    }

    /** Whether the user gave {@code key}. */
    public boolean has(String key) {
        set.spec(key);
        return given.containsKey(key);
    }

    /** Whether {@code key} is declared (a shared reader may skip keys a method does not offer). */
    public boolean declares(String key) {
        return set.declares(key);
    }

    public int getInt(String key) {
        return (Integer) value(key, ParamSpec.Type.INT);
    }

    public int getInt(String key, int ifAbsent) {
        return has(key) ? getInt(key) : ifAbsent;
    }

    public long getLong(String key) {
        return (Long) value(key, ParamSpec.Type.LONG);
    }

    public double getDouble(String key) {
        return (Double) value(key, ParamSpec.Type.REAL);
    }

    public double getDouble(String key, double ifAbsent) {
        return has(key) ? getDouble(key) : ifAbsent;
    }

    public boolean getBool(String key) {
        return (Boolean) value(key, ParamSpec.Type.BOOL);
    }

    public boolean getBool(String key, boolean ifAbsent) {
        return has(key) ? getBool(key) : ifAbsent;
    }

    /** Text (or a choice's value); null when absent without a default. */
    public String getString(String key) {
        ParamSpec.Type t = set.spec(key).type();
        return (String) value(key, t == ParamSpec.Type.CHOICE ? t : ParamSpec.Type.TEXT);
    }

    /** A choice as the enum constant of the same name ('-' read as '_'). */
    public <E extends Enum<E>> E getChoice(String key, Class<E> type) {
        String v = (String) value(key, ParamSpec.Type.CHOICE);
        return v == null ? null : Enum.valueOf(type, v.replace('-', '_').toUpperCase(Locale.ROOT));
    }

    /** A list of numbers (a copy), or null when absent without a default. */
    public double[] getDoubles(String key) {
        double[] v = (double[]) value(key, ParamSpec.Type.REALS);
        return v == null ? null : v.clone();
    }

    @SuppressWarnings("unchecked")
    public List<String> getNames(String key) {
        return (List<String>) value(key, ParamSpec.Type.NAMES);
    }

    /**
     * Builds a configuration from the values read, prefixing the owner's name to the message of any
     * validation error its constructor throws.
     */
    public <T> T build(Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            String owner = set.owner() + ":";
            if (e.getMessage() != null && e.getMessage().startsWith(owner)) throw e;
            throw new IllegalArgumentException(owner + " " + e.getMessage(), e);
        }
    }

    private Object value(String key, ParamSpec.Type type) {
        ParamSpec s = set.spec(key);
        if (s.type() != type) throw new IllegalStateException(set.owner() + ": parameter '" + key + "' is " + s.type() + ", read as " + type);
        return given.containsKey(key) ? given.get(key) : s.defaultValue();
    }
}
