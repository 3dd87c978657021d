package org.fmplab.fmp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.attack.BadNets;
import org.fmplab.data.ImageDataset;
import org.fmplab.prune.ChannelMask;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

class CoverageTest {
    @Test
    void tacFindsTheChannelsTheTriggerMovesAndCoverageCountsThem() {
        ComputationGraph net = RankerTest.backdoorNet();
        Nd4j.getRandom().setSeed(1);
        byte[] px = new byte[20 * 64];
        java.util.Arrays.fill(px, (byte) 127);
        ImageDataset clean = ImageDataset.of("flat", px, new int[20], 1, 8, 8, ImageDataset.numberedClasses(2));
        Coverage.Tac tac = Coverage.tac(net, clean, new BadNets(3, 0, 1.0), 16, 1, null);
        assertEquals(16, tac.images());
        // A white 3x3 corner patch on a flat grey image moves the uniform detector (the backdoor
        // channel 3) most; the checkerboard-like filters largely cancel it.
        double[] v = tac.values().get("conv");
        assertTrue(v[3] > 4 * Math.max(v[2], Math.max(v[0], v[1])), java.util.Arrays.toString(v));

        ChannelMask top = ChannelMask.none(tac.layers()).with("conv", 3);
        Coverage.Result hit = Coverage.of(tac, top, null);
        assertEquals(1, hit.k());
        assertEquals(1.0, hit.coverage());
        assertEquals(0.0, Coverage.of(tac, ChannelMask.none(tac.layers()).with("conv", 0), null).coverage());
        assertEquals(4, hit.table().rowCount());
    }

    @Test
    void oracleTakesEachLayersTopTacMapsAtTheGivenSizes() {
        Ranking r = SelectorTest.ranking();
        double[] a = new double[16];
        a[5] = 3;
        a[9] = 2;
        a[1] = 2;
        double[] b = new double[8];
        b[7] = 1;
        Coverage.Tac tac = new Coverage.Tac(r.layers(), Map.of("a", a, "b", b), 1);
        ChannelMask sizes = new Selector.LayerRatio(0.25).select(r);
        ChannelMask oracle = Coverage.topPerLayer(tac, sizes);
        // a: 5, then the tie 1 / 9 by channel, then channel 0 first of the zeros; b: 7, then 0.
        assertArrayEquals(new int[] {0, 1, 5, 9}, oracle.pruned("a"));
        assertArrayEquals(new int[] {0, 7}, oracle.pruned("b"));
        assertEquals(1.0, Coverage.of(tac, oracle, null).perLayerCoverage());
        // FMP's picks: a 3, 7, 11, 15 (all miss), b 0, 1 (0 hits): 1 of 6.
        assertEquals(1.0 / 6, Coverage.of(tac, sizes, null).perLayerCoverage(), 1e-12);
    }

    @Test
    void aRankingCanBeViewedByAnotherScoreWithoutProbingAgain() {
        Ranking byAcc = SelectorTest.ranking();
        Ranking byLoss = byAcc.rankedBy(RankConfig.Score.LOSS);
        assertEquals(RankConfig.Score.LOSS, byLoss.config().score());
        assertEquals(byAcc.size(), byLoss.size());
        // Layer b: every loss is 0.3, so the MSE tie-break decides (larger first: channel 0).
        assertEquals(0, byLoss.ranked("b").get(0).channel());
        assertEquals(3, byLoss.ranked("a").get(0).channel());
        assertEquals(byAcc.get("a", 7).loss(), byLoss.get("a", 7).loss());
    }

    @Test
    void plotsRenderAsPng() {
        Ranking r = SelectorTest.ranking();
        ChannelMask m = new Selector.Divisor(8).select(r);
        byte[] png = FmpPlots.png(FmpPlots.layerScores(r, m));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        Coverage.Tac tac = new Coverage.Tac(r.layers(), Map.of("a", new double[16], "b", new double[8]), 1);
        assertTrue(FmpPlots.image(FmpPlots.tacVsScore(tac, r, m)).getWidth() > 0);
    }
}
