package org.fmplab.fmp;

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
    void plotsRenderAsPng() {
        Ranking r = SelectorTest.ranking();
        ChannelMask m = new Selector.Divisor(8).select(r);
        byte[] png = FmpPlots.png(FmpPlots.layerAccuracy(r, m));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        Coverage.Tac tac = new Coverage.Tac(r.layers(), Map.of("a", new double[16], "b", new double[8]), 1);
        assertTrue(FmpPlots.image(FmpPlots.tacVsScore(tac, r, m)).getWidth() > 0);
    }
}
