package org.fmplab.defense;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fmplab.attack.Attacks;
import org.fmplab.experiment.RunConfig;
import org.fmplab.fmp.FmpConfig;
import org.fmplab.fmp.RankingDiagnostics;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.Table;

/** FMP's default ranking on a trained backdoored network sees the trigger's feature maps (TAC) better than chance. */
class FmpRankingCoverageTest {
    @Test
    void defaultRankingCoversTheTopTacMapsAboveChance() {
        BackdooredFixture.Fixture f = BackdooredFixture.get();
        RunConfig run = RunConfig.defaults();
        double ratio = 0.125;
        RankingDiagnostics.Result r = RankingDiagnostics.run(f.model(), f.defender(), 5,
                Attacks.create(run.attack(), run.attackParams()), FmpConfig.defaults().rank(), List.of(ratio), 0, null);
        System.out.println(r.markdown());
        Table t = r.coverage();
        Table configured = t.where(t.stringColumn("ordering").containsString("(configured)"));
        assertEquals(1, configured.rowCount());
        double coverage = configured.doubleColumn("top-TAC coverage").get(0);
        double chance = configured.doubleColumn("chance").get(0);
        assertEquals(ratio, chance, 0.02, "chance is about the pruned share of each layer");
        assertTrue(coverage >= chance + MARGIN, "default ranking's top-TAC coverage " + coverage + " vs chance " + chance);
        Table self = t.where(t.stringColumn("ordering").startsWith("TAC / clean std"));
        assertTrue(self.doubleColumn("top-TAC/std coverage").get(0) >= 0.9, "an ordering by the reference covers it (up to ties)");
    }

    /** Coverage points above chance required of the default ranking. */
    private static final double MARGIN = 0.05;
}
