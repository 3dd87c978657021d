package org.fmplab.defense.api;

import java.util.List;

/**
 * What a package contributes to the {@link Defenses} registry, found by {@link java.util.ServiceLoader}
 * (listed in {@code META-INF/services/org.fmplab.defense.api.DefenseProvider}). This keeps the arrows
 * pointing one way: the registry sits beside {@link Defense} and imports neither FMP nor the
 * baselines; each of those packages names its own defenses.
 */
public interface DefenseProvider {
    List<DefenseType> defenses();
}
