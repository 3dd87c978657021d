package org.fmplab.attack;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.fmplab.params.ParamSet;
import org.fmplab.params.Params;

/**
 * The attack registry: notebooks and the CLI create attacks by name. Adding an attack is one class
 * (with its declared {@code PARAMS}) and one line here.
 */
public final class Attacks {
    private record Entry(ParamSet params, Function<Params, Attack> factory) { }

    private static final Map<String, Entry> FACTORIES = new TreeMap<>();

    static {
        register(BadNets.PARAMS, BadNets::from);
        register(Blended.PARAMS, Blended::from);
        register(Sig.PARAMS, Sig::from);
        register(LowFrequency.PARAMS, LowFrequency::from);
        register(WaNet.PARAMS, WaNet::from);
        register(InputAware.PARAMS, InputAware::from);
        register(SsbaLite.PARAMS, SsbaLite::from);
        register(LabelConsistent.PARAMS, LabelConsistent::from);
    }

    private Attacks() { }

    /**
     * Registers an attack under {@code params.owner()} (lower case); {@code factory} gets the user's
     * values already validated against {@code params}.
     */
    public static synchronized void register(ParamSet params, Function<Params, Attack> factory) {
        FACTORIES.put(params.owner().toLowerCase(Locale.ROOT), new Entry(params, factory));
    }

    /** Creates the attack {@code name} with defaults. */
    public static Attack create(String name) {
        return create(name, Map.of());
    }

    /**
     * Creates the attack {@code name}; {@code params} override its defaults (unknown keys and invalid
     * values are rejected with a message naming the key, the value and the valid range).
     */
    public static Attack create(String name, Map<String, ?> params) {
        Entry e = entry(name);
        return e.factory().apply(e.params().read(params));
    }

    /** The declared parameters of attack {@code name}. */
    public static ParamSet params(String name) {
        return entry(name).params();
    }

    /** The {@code --help} listing of {@code name}'s parameters: key, default, valid values, meaning. */
    public static String paramHelp(String name) {
        return params(name).help();
    }

    /** Names of all registered attacks. */
    public static synchronized List<String> names() {
        return new ArrayList<>(FACTORIES.keySet());
    }

    private static synchronized Entry entry(String name) {
        Entry e = FACTORIES.get(name == null ? null : name.toLowerCase(Locale.ROOT));
        if (e == null) throw new IllegalArgumentException("attack '" + name + "' is unknown; known attacks: " + names());
        return e;
    }
}
