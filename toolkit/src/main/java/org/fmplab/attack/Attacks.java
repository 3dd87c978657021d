package org.fmplab.attack;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The attack registry: notebooks and the CLI create attacks by name. Adding an attack is one class and
 * one line here.
 */
public final class Attacks {
    private static final Map<String, Function<AttackParams, Attack>> FACTORIES = new TreeMap<>();

    static {
        register("badnets", p -> new BadNets(p.getInt("size", 3), p.getInt("margin", 0), p.getDouble("value", 1.0)));
        register(Blended.NAME, Blended::from);
        register(Sig.NAME, Sig::from);
        register(LowFrequency.NAME, LowFrequency::from);
        register(WaNet.NAME, WaNet::from);
        register(InputAware.NAME, InputAware::from);
        register(SsbaLite.NAME, SsbaLite::from);
        register(LabelConsistent.NAME, LabelConsistent::from);
    }

    private Attacks() { }

    /** Registers a factory under {@code name} (lower case). */
    public static synchronized void register(String name, Function<AttackParams, Attack> factory) {
        FACTORIES.put(name, factory);
    }

    /** Creates the attack {@code name} with defaults. */
    public static Attack create(String name) {
        return create(name, Map.of());
    }

    /**
     * Creates the attack {@code name}; {@code params} override its defaults (unknown keys are rejected).
     */
    public static Attack create(String name, Map<String, ?> params) {
        Function<AttackParams, Attack> f = FACTORIES.get(name == null ? null : name.toLowerCase(java.util.Locale.ROOT));
        if (f == null) throw new IllegalArgumentException("attack '" + name + "' is unknown; known attacks: " + names());
        AttackParams p = new AttackParams(name, params);
        Attack a = f.apply(p);
        p.rejectUnused();
        return a;
    }

    /** Names of all registered attacks. */
    public static List<String> names() {
        return new ArrayList<>(FACTORIES.keySet());
    }
}
