package org.fmplab.fmp;

import static org.fmplab.fmp.SelectorTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.fmplab.prune.FineTuning;
import org.junit.jupiter.api.Test;

class FmpConfigTest {
    @Test
    void paperPresetHasThePapersExactSettings() {
        FmpConfig p = FmpConfig.paper();
        assertEquals(32, p.rank().probeSize());
        assertEquals(1.0 / 255, p.rank().alpha());
        assertEquals(4.0 / 255, p.rank().epsilon());
        assertEquals(1, p.rank().steps());
        assertEquals(RankConfig.Score.ACCURACY, p.rank().score());
        assertEquals(new Selector.Divisor(64), p.selector());
        assertEquals(10, p.fineTuning().epochs());
        assertEquals(256, p.fineTuning().batchSize());
        assertEquals(false, p.fineTuning().keepPruned());
    }

    @Test
    void invalidValuesNameTheFieldTheValueAndTheRange() {
        RankConfig r = RankConfig.paper();
        assertMessage(() -> r.withEpsilon(-0.1), "epsilon = -0.1", "[0, 1]");
        assertMessage(() -> r.withAlpha(Double.NaN), "alpha = NaN", "[0, 1]");
        assertMessage(() -> r.withSteps(0), "steps = 0", "[1, 1000]");
        assertMessage(() -> r.withProbeSize(0), "probeSize = 0", "[1, inf]");
        assertMessage(() -> r.withChannelsPerPass(0), "channelsPerPass = 0", "[1, 4096]");
        assertMessage(() -> r.withMode(RankConfig.Mode.REFERENCE).withChannelsPerPass(4), "channelsPerPass = 4", "REFERENCE");
        assertMessage(() -> r.withProbeSize(64).checkProbeFits(50), "probeSize = 64", "[1, 50]");
        assertMessage(() -> new FineTuning(-1, 0.01, 256, false), "epochs = -1", "[0, 10000]");
        assertMessage(() -> new FineTuning(1, 0.01, -1, false), "batch = -1", "[0, 4096]");
        assertMessage(() -> new FineTuning(1, 0, 16, false), "lr = 0.0", "(0, 1]");
        assertMessage(() -> new FmpConfig(r, null, null, FineTuning.defaults()), "exactly one of selector and sizeSearch");
        assertMessage(() -> new SizeSearch(new double[] {0.1, 1.5}, 0.2, 1, 0.02), "1.5", "(0, 1)");
        assertMessage(() -> new SizeSearch(new double[] {0.1}, 0.2, 1, -1), "maxDrop = -1.0", "[0, 1]");
    }

    @Test
    void parsesStringParametersOnTopOfAPreset() {
        FmpConfig c = FmpConfig.fromParams(java.util.Map.of("preset", "paper", "epsilon", "8/255", "steps", "3",
                "select", "layer:0.25", "keep-pruned", "true", "mode", "reference"));
        assertEquals(8.0 / 255, c.rank().epsilon(), 1e-12);
        assertEquals(3, c.rank().steps());
        assertEquals(RankConfig.Mode.REFERENCE, c.rank().mode());
        assertEquals(new Selector.LayerRatio(0.25), c.selector());
        assertEquals(true, c.fineTuning().keepPruned());
        assertEquals(256, c.fineTuning().batchSize(), "the paper preset's batch");
        assertEquals(32, c.rank().probeSize());
        FmpConfig s = FmpConfig.fromParams(java.util.Map.of("search", "0.125,0.25"));
        assertEquals(null, s.selector());
        assertEquals(2, s.sizeSearch().ratios().length);
        assertMessage(() -> FmpConfig.fromParams(java.util.Map.of("eps", "1")), "fmp: unknown parameter 'eps'", "epsilon");
        assertMessage(() -> FmpConfig.fromParams(java.util.Map.of("keepPruned", "true")), "did you mean 'keep-pruned'");
        assertMessage(() -> FmpConfig.fromParams(java.util.Map.of("select", "top:3")), "select = 'top:3'");
        assertMessage(() -> FmpConfig.fromParams(java.util.Map.of("epsilon", "-1")), "epsilon = -1.0", "[0, 1]");
        assertMessage(() -> FmpConfig.fromParams(java.util.Map.of("score", "mse")), "score = 'mse'", "accuracy");
        assertMessage(() -> FmpConfig.fromParams(java.util.Map.of("batch", "-3")), "fmp: batch = -3 must be in [0, 4096]");
    }

    @Test
    void rankingVariantsParseAndInvalidValuesNameKeyValueAndRange() {
        FmpConfig c = FmpConfig.fromParams(java.util.Map.of("probe", "all", "probe-batch", "64", "score", "target-flip",
                "tie-break", "random", "tie-seed", "7", "prune-target", "filter"));
        assertEquals(RankConfig.ALL_IMAGES, c.rank().probeSize());
        assertEquals(1000, c.rank().probeImages(1000));
        c.rank().checkProbeFits(3);
        assertEquals(64, c.rank().probeBatch());
        assertEquals(RankConfig.Score.TARGET_FLIP, c.rank().score());
        assertEquals(RankConfig.TieBreak.RANDOM, c.rank().tieBreak());
        assertEquals(7L, c.rank().tieSeed());
        assertEquals(org.fmplab.prune.PruneTarget.FILTER, c.pruneTarget());
        assertEquals(RankConfig.Score.MARGIN, FmpConfig.fromParams(java.util.Map.of("score", "margin")).rank().score());
        FmpConfig released = FmpConfig.fromParams(java.util.Map.of("alpha", "0.02", "epsilon", "0.06"));
        assertEquals(0.06, released.rank().epsilon());
        assertEquals(false, released.rank().autoEpsilon());
        assertEquals(true, FmpConfig.fromParams(java.util.Map.of("epsilon", "auto")).rank().autoEpsilon());
        assertEquals(11L, FmpConfig.fromParams(java.util.Map.of("tie-seed", "11")).rank().tieSeed(), "a seed alone keeps the tie-break kind");

        FmpConfig d = FmpConfig.defaults();
        assertEquals(RankConfig.TieBreak.MSE, d.rank().tieBreak(), "the default ranking is unchanged until a study says otherwise");
        assertEquals(org.fmplab.prune.PruneTarget.PAPER, d.pruneTarget());
        assertEquals(false, d.rank().autoEpsilon());

        assertMessage(() -> FmpConfig.fromParams(java.util.Map.of("probe", "most")), "probe = 'most'", "not an integer");
        assertMessage(() -> FmpConfig.fromParams(java.util.Map.of("probe-batch", "0")), "probe-batch = 0", "[1, 4096]");
        assertMessage(() -> FmpConfig.fromParams(java.util.Map.of("epsilon", "automatic")), "epsilon = 'automatic'", "not a number");
        assertMessage(() -> FmpConfig.fromParams(java.util.Map.of("score", "kl")), "score = 'kl'", "target-flip");
        assertMessage(() -> FmpConfig.fromParams(java.util.Map.of("tie-break", "coin")), "tie-break = 'coin'", "[mse, random]");
        assertMessage(() -> FmpConfig.fromParams(java.util.Map.of("tie-seed", "x")), "tie-seed = 'x'", "not an integer");
        assertMessage(() -> FmpConfig.fromParams(java.util.Map.of("prune-target", "bn")), "prune-target = 'bn'", "[paper, filter]");
        assertMessage(() -> RankConfig.paper().withProbeSize(40).checkProbeFits(30), "probeSize = 40", "[1, 30]");
    }

    @Test
    void epsilonSweepHoldsThePowersOfTwoOver255AndTheReleasedSettingSmallestFirst() {
        var sweep = RankConfig.epsilonSweep(1.0 / 255);
        assertEquals(java.util.List.of(4.0 / 255, 8.0 / 255, 0.06, 16.0 / 255, 32.0 / 255),
                sweep.stream().map(RankConfig.Budget::epsilon).toList());
        assertEquals(0.02, sweep.get(2).alpha());
        assertEquals(1.0 / 255, sweep.get(0).alpha());
    }
}
