package org.fmplab.experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Minimal command-line parsing: {@code --key value}, {@code --flag}, repeatable {@code --x k=v}. */
final class Args {
    private final Map<String, List<String>> values = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();
    private final Set<String> used = new TreeSet<>();

    Args(String[] args, Set<String> flags) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--")) {
                String key = a.substring(2);
                String val;
                int eq = key.indexOf('=');
                if (eq > 0 && !flags.contains(key.substring(0, eq))) {
                    val = key.substring(eq + 1);
                    key = key.substring(0, eq);
                } else if (flags.contains(key)) {
                    val = "true";
                } else {
                    if (i + 1 >= args.length) throw new IllegalArgumentException("option --" + key + " needs a value");
                    val = args[++i];
                }
                values.computeIfAbsent(key, k -> new ArrayList<>()).add(val);
            } else {
                positional.add(a);
            }
        }
    }

    List<String> positional() { return positional; }

    boolean flag(String key) {
        used.add(key);
        return values.containsKey(key);
    }

    String get(String key, String def) {
        used.add(key);
        List<String> v = values.get(key);
        return v == null ? def : v.get(v.size() - 1);
    }

    /** Every value of a repeatable option, in order (empty when absent; ["true"] for a flag that is set). */
    List<String> all(String key) {
        used.add(key);
        return List.copyOf(values.getOrDefault(key, List.of()));
    }

    int getInt(String key, int def) {
        String v = get(key, null);
        try {
            return v == null ? def : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " = '" + v + "' is not an integer");
        }
    }

    double getDouble(String key, double def) {
        String v = get(key, null);
        try {
            return v == null ? def : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " = '" + v + "' is not a number");
        }
    }

    /** Repeated {@code --key name=value} options as a map. */
    Map<String, String> pairs(String key) {
        used.add(key);
        Map<String, String> m = new LinkedHashMap<>();
        for (String kv : values.getOrDefault(key, List.of())) {
            int eq = kv.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("--" + key + " expects name=value, got '" + kv + "'");
            m.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return m;
    }

    /** Fails on options nobody asked for (typos). */
    void rejectUnknown() {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(used);
        if (!unknown.isEmpty()) throw new IllegalArgumentException("unknown option(s): --" + String.join(", --", unknown));
    }
}
