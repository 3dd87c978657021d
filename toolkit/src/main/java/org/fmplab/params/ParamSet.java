package org.fmplab.params;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The declared parameters of one method (an attack, a defense, FMP): the single source of its keys,
 * defaults, ranges and help. {@link #read} validates a user's map against it; {@link #help} lists it.
 *
 * @param owner the method's registry name, prefixed to every message ("nad: ...")
 * @param specs the declarations, in the order {@code --help} lists them
 */
public record ParamSet(String owner, List<ParamSpec> specs) {
    public ParamSet {
        specs = List.copyOf(specs);
        List<String> seen = new ArrayList<>();
        for (ParamSpec s : specs) {
            if (seen.contains(s.name())) throw new IllegalArgumentException(owner + ": parameter '" + s.name() + "' is declared twice");
            seen.add(s.name());
        }
    }

    public static ParamSet of(String owner, List<ParamSpec> specs) {
        return new ParamSet(owner, specs);
    }

    public static ParamSet of(String owner, ParamSpec... specs) {
        return new ParamSet(owner, List.of(specs));
    }

    /** This set plus {@code more} (e.g. the shared fine-tuning keys). */
    public ParamSet plus(List<ParamSpec> more) {
        List<ParamSpec> all = new ArrayList<>(specs);
        all.addAll(more);
        return new ParamSet(owner, all);
    }

    public ParamSet plus(ParamSpec... more) {
        return plus(List.of(more));
    }

    /** This set with {@code name}'s default replaced. */
    public ParamSet withDefault(String name, Object def) {
        List<ParamSpec> all = new ArrayList<>();
        for (ParamSpec s : specs) all.add(s.name().equals(name) ? s.withDefault(def) : s);
        spec(name);
        return new ParamSet(owner, all);
    }

    /** The declared keys, in order. */
    public List<String> names() {
        return specs.stream().map(ParamSpec::name).toList();
    }

    public boolean declares(String name) {
        return specs.stream().anyMatch(s -> s.name().equals(name));
    }

    /** The declaration of {@code name}; an undeclared key is a programming error. */
    public ParamSpec spec(String name) {
        for (ParamSpec s : specs) if (s.name().equals(name)) return s;
        throw new IllegalStateException(owner + " reads parameter '" + name + "' that it does not declare; declared: " + names());
    }

    /**
     * Validates {@code values} (null = none) against the declarations and returns their reader.
     *
     * @throws IllegalArgumentException for an unknown key (listing the known ones) or an invalid value
     *                                  (naming the key, the value and the valid range)
     */
    public Params read(Map<String, ?> values) {
        Map<String, Object> parsed = new LinkedHashMap<>();
        if (values != null) {
            List<String> unknown = values.keySet().stream().filter(k -> !declares(k)).sorted().toList();
            if (!unknown.isEmpty()) throw new IllegalArgumentException(unknown(unknown));
            for (Map.Entry<String, ?> e : values.entrySet()) {
                String key = e.getKey();
                if (e.getValue() == null) continue;
                try {
                    parsed.put(key, spec(key).parse(e.getValue()));
                } catch (IllegalArgumentException x) {
                    throw new IllegalArgumentException(owner + ": " + x.getMessage(), x);
                }
            }
        }
        return new Params(this, parsed);
    }

    /**
     * Checks a value set in code (a constructor's argument) against {@code name}'s declaration, so
     * direct construction and the registry reject the same values with the same message.
     *
     * @throws IllegalArgumentException "owner: name = value must be in range"
     */
    public int checked(String name, int value) {
        check(name, value);
        return value;
    }

    /** {@link #checked(String, int)} for a number. */
    public double checked(String name, double value) {
        check(name, value);
        return value;
    }

    private void check(String name, double value) {
        try {
            spec(name).check(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(owner + ": " + e.getMessage(), e);
        }
    }

    /** The {@code --help} listing: one line per key with its default, valid values and help. */
    public String help() {
        if (specs.isEmpty()) return "  (no parameters)\n";
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "  %-20s %-14s %-26s %s%n", "key", "default", "valid", "meaning"));
        for (ParamSpec s : specs) sb.append(s.helpLine()).append('\n');
        return sb.toString();
    }

    private String unknown(List<String> keys) {
        String msg = owner + ": unknown parameter" + (keys.size() > 1 ? "s " : " ") + String.join(", ", keys.stream().map(k -> "'" + k + "'").toList())
                + "; known: " + names();
        for (String key : keys) {
            String kebab = kebab(key);
            if (!kebab.equals(key) && declares(kebab)) msg += "; did you mean '" + kebab + "'? (keys are kebab-case)";
        }
        return msg;
    }

    /**
     * {@code keepPruned} → {@code keep-pruned}, {@code teacher.epochs} → {@code teacher-epochs}: the
     * kebab-case form of a key written before keys were kebab-case (for reading older saved files).
     */
    public static String kebab(String key) {
        return key.replaceAll("([a-z0-9])([A-Z])", "$1-$2").replace('.', '-').replace('_', '-').toLowerCase(Locale.ROOT);
    }
}
