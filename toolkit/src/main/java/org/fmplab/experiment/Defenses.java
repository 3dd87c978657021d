package org.fmplab.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.fmplab.defense.api.Defense;

/**
 * The defense registry (here, where the stages are wired, so that fmp and the baselines never import
 * each other): the CLI, the pipeline and notebooks create defenses by name. "none" means no
 * defense (returns null).
 */
public final class Defenses {
    private static final Map<String, Function<Map<String, String>, Defense>> FACTORIES = new TreeMap<>();

    static {
        register("fmp", p -> new org.fmplab.fmp.FmpDefense(org.fmplab.fmp.FmpConfig.fromParams(p)));
        // Baselines (org.fmplab.defense)
        register(org.fmplab.defense.FineTuningDefense.NAME, org.fmplab.defense.FineTuningDefense::from);
        register(org.fmplab.defense.FinePruningDefense.NAME, org.fmplab.defense.FinePruningDefense::from);
        register(org.fmplab.defense.NadDefense.NAME, org.fmplab.defense.NadDefense::from);
        register(org.fmplab.defense.ClpDefense.NAME, org.fmplab.defense.ClpDefense::from);
        // The random control prunes as many channels per layer as FMP's default selector does.
        double fmpRatio = org.fmplab.fmp.FmpConfig.defaults().selector() instanceof org.fmplab.fmp.Selector.LayerRatio r
                ? r.ratio() : org.fmplab.defense.RandomPruningDefense.DEFAULT_RATIO;
        register(org.fmplab.defense.RandomPruningDefense.NAME, p -> org.fmplab.defense.RandomPruningDefense.from(p, fmpRatio));
        register(org.fmplab.defense.NeuralCleanseDefense.NAME, org.fmplab.defense.NeuralCleanseDefense::from);
        register(org.fmplab.defense.AnpDefense.NAME, org.fmplab.defense.AnpDefense::from);
        register(org.fmplab.defense.IBauDefense.NAME, org.fmplab.defense.IBauDefense::from);
    }

    private Defenses() { }

    /** Registers a factory under {@code name}. */
    public static synchronized void register(String name, Function<Map<String, String>, Defense> factory) {
        FACTORIES.put(name, factory);
    }

    /** Creates defense {@code name} with parameter overrides, or null for "none". */
    public static Defense create(String name, Map<String, String> params) {
        String n = name == null ? "none" : name.toLowerCase(Locale.ROOT);
        if (n.equals("none")) return null;
        Function<Map<String, String>, Defense> f = FACTORIES.get(n);
        if (f == null) throw new IllegalArgumentException("defense '" + name + "' is unknown; known: " + names());
        return f.apply(params);
    }

    /** "none" plus every registered defense. */
    public static List<String> names() {
        List<String> n = new ArrayList<>();
        n.add("none");
        n.addAll(FACTORIES.keySet());
        return n;
    }
}
