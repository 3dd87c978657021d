package org.fmplab.defense;

import java.util.List;
import org.fmplab.defense.api.DefenseProvider;
import org.fmplab.defense.api.DefenseType;

/** The baselines and the random control, for the {@link org.fmplab.defense.api.Defenses} registry. */
public final class Baselines implements DefenseProvider {
    @Override
    public List<DefenseType> defenses() {
        return List.of(
                new DefenseType(FineTuningDefense.PARAMS, FineTuningDefense::from),
                new DefenseType(FinePruningDefense.PARAMS, FinePruningDefense::from),
                new DefenseType(NadDefense.PARAMS, NadDefense::from),
                new DefenseType(ClpDefense.PARAMS, ClpDefense::from),
                new DefenseType(RandomPruningDefense.PARAMS, RandomPruningDefense::from),
                new DefenseType(NeuralCleanseDefense.PARAMS, NeuralCleanseDefense::from),
                new DefenseType(AnpDefense.PARAMS, AnpDefense::from),
                new DefenseType(IBauDefense.PARAMS, IBauDefense::from));
    }
}
