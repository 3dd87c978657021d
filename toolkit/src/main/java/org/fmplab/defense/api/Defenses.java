package org.fmplab.defense.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.fmplab.params.ParamSet;

/**
 * The defense registry: the CLI, the runner and notebooks create defenses by name; "none" means no
 * defense (returns null). Same shape as {@code Attacks} and {@code Datasets}.
 *
 * <p>It sits beside {@link Defense} yet must offer FMP ({@code org.fmplab.fmp}) and the baselines
 * ({@code org.fmplab.defense}), which import this package and must not import each other. So it imports
 * neither: each package lists its defenses in a {@link DefenseProvider}, found by {@link ServiceLoader}
 * from the same class loader as this class (the toolkit jar, also inside the notebook kernel).
 * Adding a defense: docs/extending.md.
 */
public final class Defenses {
    private static final Map<String, DefenseType> TYPES = new TreeMap<>();

    static {
        for (DefenseProvider p : ServiceLoader.load(DefenseProvider.class, Defenses.class.getClassLoader())) {
            for (DefenseType t : p.defenses()) register(t);
        }
    }

    private Defenses() { }

    /** Registers (or replaces) a defense under its declared name, e.g. one written in a notebook. */
    public static synchronized void register(DefenseType type) {
        if (type.name().equals("none")) throw new IllegalArgumentException("'none' is reserved for no defense");
        TYPES.put(type.name(), type);
    }

    /**
     * Creates defense {@code name} with parameter overrides (null = none), or null for "none".
     *
     * @throws IllegalArgumentException for an unknown defense (listing the known ones), an unknown key
     *                                  or an invalid value
     */
    public static Defense create(String name, Map<String, ?> params) {
        DefenseType t = type(name);
        return t == null ? null : t.factory().apply(params == null ? Map.of() : params);
    }

    /** The declared parameters of {@code name} (empty for "none"). */
    public static ParamSet params(String name) {
        DefenseType t = type(name);
        return t == null ? ParamSet.of("none") : t.params();
    }

    /** The {@code --help} listing of {@code name}'s parameters: key, default, valid values, meaning. */
    public static String paramHelp(String name) {
        return params(name).help();
    }

    /** "none" plus every registered defense. */
    public static List<String> names() {
        List<String> n = new ArrayList<>();
        n.add("none");
        synchronized (Defenses.class) {
            n.addAll(TYPES.keySet());
        }
        return n;
    }

    private static synchronized DefenseType type(String name) {
        String n = name == null ? "none" : name.toLowerCase(Locale.ROOT);
        if (n.equals("none")) return null;
        DefenseType t = TYPES.get(n);
        if (t == null) throw new IllegalArgumentException("defense '" + name + "' is unknown; known: " + names());
        return t;
    }
}
