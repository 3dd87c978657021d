package org.fmplab.defense.api;

import java.util.Map;
import java.util.function.Function;
import org.fmplab.params.ParamSet;

/**
 * A defense as the registry knows it: its declared parameters (whose owner is its registry name) and a
 * factory that validates a parameter map against them.
 *
 * @param params  the declarations; {@code params.owner()} is the registry name
 * @param factory builds the defense from user parameters (unknown keys and bad values rejected)
 */
public record DefenseType(ParamSet params, Function<Map<String, ?>, Defense> factory) {
    public String name() {
        return params.owner();
    }
}
