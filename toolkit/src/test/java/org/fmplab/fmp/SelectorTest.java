package org.fmplab.fmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fmplab.model.FeatureMapLayer;
import org.fmplab.prune.ChannelMask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class SelectorTest {
    /** Layer "a": 16 channels, channels 3, 7, 11 clearly low; layer "b": 8 channels all tied. */
    static Ranking ranking() {
        List<FeatureMapLayer> layers = List.of(new FeatureMapLayer("a", 16, List.of(), false),
                new FeatureMapLayer("b", 8, List.of(), false));
        Map<String, List<ChannelScore>> scores = new LinkedHashMap<>();
        List<ChannelScore> a = new ArrayList<>();
        for (int c = 0; c < 16; c++) {
            double acc = c == 3 ? 0.1 : c == 7 ? 0.15 : c == 11 ? 0.2 : 0.85 + 0.005 * (c % 3);
            a.add(new ChannelScore("a", c, acc, 1 - acc, 0.01 * c, 0));
        }
        List<ChannelScore> b = new ArrayList<>();
        for (int c = 0; c < 8; c++) b.add(new ChannelScore("b", c, 0.875, 0.3, 0.01 * (8 - c), 0));
        scores.put("a", a);
        scores.put("b", b);
        return new Ranking(RankConfig.paper(), layers, scores, 0.9, 0);
    }

    @Test
    void divisorPrunesTheLowestFloorCOverPPerLayer() {
        ChannelMask m = new Selector.Divisor(8).select(ranking());
        assertArrayEquals(new int[] {3, 7}, m.pruned("a"));
        assertArrayEquals(new int[] {0}, m.pruned("b"), "ties broken by the larger MSE");
        assertEquals(0, new Selector.Divisor(64).select(ranking()).total(), "the paper's p = 64 prunes nothing in small layers");
    }

    @Test
    void layerRatioAndGlobalRatio() {
        assertEquals(Map.of("a", 4, "b", 2), new Selector.LayerRatio(0.25).select(ranking()).countsPerLayer());
        ChannelMask g = new Selector.GlobalRatio(0.125).select(ranking());
        assertArrayEquals(new int[] {3, 7, 11}, g.pruned("a"));
        assertEquals(0, g.count("b"));
        ChannelMask most = new Selector.GlobalRatio(0.99).select(ranking());
        assertEquals(15, most.count("a"), "never a whole layer");
        assertEquals(7, most.count("b"));
    }

    @Test
    void clusteringPrunesTheLowMinorityAndNothingInATiedLayer() {
        ChannelMask m = new Selector.Cluster(4).select(ranking());
        assertArrayEquals(new int[] {3, 7, 11}, m.pruned("a"));
        assertEquals(0, m.count("b"));
    }

    @Test
    void randomControlMatchesTheSizesPerLayer() {
        Selector sizing = new Selector.LayerRatio(0.25);
        ChannelMask r = new Selector.Random(sizing, 3).select(ranking());
        assertEquals(sizing.select(ranking()).countsPerLayer(), r.countsPerLayer());
        assertEquals(r, new Selector.Random(sizing, 3).select(ranking()));
        assertNotEquals(r, new Selector.Random(sizing, 4).select(ranking()));
    }

    @Test
    void invalidParametersAreRejectedWithFieldValueAndRange() {
        assertMessage(() -> new Selector.Divisor(0), "p = 0", ">= 1");
        assertMessage(() -> new Selector.LayerRatio(1.0), "ratio = 1.0", "(0, 1)");
        assertMessage(() -> new Selector.GlobalRatio(0), "ratio = 0.0", "(0, 1)");
        assertMessage(() -> new Selector.Cluster(1), "maxK = 1", "[2, 10]");
    }

    static void assertMessage(Executable e, String... parts) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        for (String p : parts) assertTrue(ex.getMessage().contains(p), () -> "'" + ex.getMessage() + "' should contain '" + p + "'");
    }
}
