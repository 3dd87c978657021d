package org.fmplab.fmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.data.ImageDataset;
import org.fmplab.defense.api.DefenderData;
import org.fmplab.defense.api.DefenseResult;
import org.fmplab.model.ModelSpec;
import org.fmplab.model.Models;
import org.fmplab.progress.InterruptedWorkException;
import org.fmplab.prune.ChannelMask;
import org.fmplab.prune.FineTuning;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import tech.tablesaw.api.Table;

class FmpDefenseTest {
    static ImageDataset data(int n) {
        Random r = new Random(2);
        byte[] px = new byte[n * 100];
        r.nextBytes(px);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = i % 3;
        return ImageDataset.of("tiny", px, labels, 1, 10, 10, ImageDataset.numberedClasses(3));
    }

    static ComputationGraph net() {
        return TestNets.trainedLike(Models.build(new ModelSpec(ModelSpec.SMALL_CNN, 4, 1, 10, 10, 3, 4)));
    }

    static FmpConfig quick() {
        return new FmpConfig(RankConfig.paper().withProbeSize(8), new Selector.LayerRatio(0.25), null,
                new FineTuning(1, 0.01, 16, true));
    }

    @Test
    void runsTheStagesAndReportsThem() {
        ComputationGraph net = net();
        INDArray before = net.params().dup();
        List<String> stages = new ArrayList<>();
        DefenseResult r = new FmpDefense(quick()).defend(net, new DefenderData(data(40), 3), p -> {
            if (stages.isEmpty() || !stages.get(stages.size() - 1).equals(p.stage())) stages.add(p.stage());
        });
        assertEquals(List.of("pruned", "fine-tuned"), r.stages().stream().map(s -> s.name()).toList());
        assertEquals(List.of("rank", "fine-tune"), stages);
        assertEquals(6, r.details().get("pruned"), "floor(C/4) of 4, 4, 8, 8 channels");
        assertEquals(Map.of("conv1", 1, "conv2", 1, "conv3", 2, "conv4", 2), r.details().get("prunedPerLayer"));
        Table table = (Table) r.details().get("rankingTable");
        assertEquals(24, table.rowCount());
        assertEquals(6, table.booleanColumn("selected").countTrue());
        ChannelMask mask = (ChannelMask) r.details().get("mask");
        for (ComputationGraph m : List.of(r.stages().get(0).model(), r.last().model())) {
            for (int c : mask.pruned("conv3")) {
                assertEquals(0.0, m.getLayer("conv3").getParam("W").tensorAlongDimension(c, 1, 2, 3).amaxNumber().doubleValue(), 0.0);
            }
        }
        assertEquals(before, net.params(), "the backdoored model is not modified");
        assertTrue((double) r.details().get("rankSeconds") > 0);
    }

    @Test
    void randomControlPrunesTheSameNumberPerLayer() {
        ComputationGraph net = net();
        DefenderData d = new DefenderData(data(40), 3);
        FmpDefense fmp = new FmpDefense(quick().withFineTuning(new FineTuning(0, 0.01, 16, false)));
        FmpResult r = fmp.run(net, d, null);
        DefenseResult control = fmp.randomControl(net, d, r, 9, null);
        ChannelMask m = (ChannelMask) control.details().get("mask");
        assertEquals(r.mask().countsPerLayer(), m.countsPerLayer());
        assertFalse(m.equals(r.mask()));
    }

    @Test
    void sizeSearchPicksARatioOnCleanDataOnly() {
        FmpConfig cfg = quick().withSizeSearch(new SizeSearch(new double[] {0.25, 0.5}, 0.25, 1, 1.0));
        FmpResult r = new FmpDefense(cfg).run(net(), new DefenderData(data(40), 3), null);
        assertEquals(3, r.search().table().rowCount());
        assertEquals(0.5, r.search().chosenRatio(), "maxDrop 1.0 accepts every candidate");
        assertEquals(new Selector.LayerRatio(0.5).select(r.ranking()), r.mask());
    }

    @Test
    void stopsWhenInterrupted() {
        Thread.currentThread().interrupt();
        try {
            assertThrows(InterruptedWorkException.class, () -> new FmpDefense(quick()).defend(net(), new DefenderData(data(40), 3), null));
        } finally {
            Thread.interrupted();
        }
    }
}
