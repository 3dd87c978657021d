package org.fmplab.fmp;

import java.util.List;
import org.fmplab.defense.api.DefenseProvider;
import org.fmplab.defense.api.DefenseType;

/** FMP, for the {@link org.fmplab.defense.api.Defenses} registry. */
public final class FmpDefenses implements DefenseProvider {
    @Override
    public List<DefenseType> defenses() {
        return List.of(new DefenseType(FmpConfig.PARAMS, p -> new FmpDefense(FmpConfig.fromParams(p))));
    }
}
