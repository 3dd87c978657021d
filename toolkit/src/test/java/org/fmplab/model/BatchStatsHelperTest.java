package org.fmplab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.junit.jupiter.api.Test;

class BatchStatsHelperTest {
    private static ComputationGraph resnet() {
        // Unfused: the fused layer brings its own kernel and takes no helper.
        return Models.build(new ModelSpec(ModelSpec.PREACT_RESNET18, 4, 3, 16, 16, 10, 7), Models.Layers.UNFUSED);
    }

    private static DataSet batch(int seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[] px = new float[24 * 3 * 16 * 16];
        // Pixels in [4, 5]: far from zero mean, so the variance must not come from E[x²] − E[x]².
        for (int i = 0; i < px.length; i++) px[i] = 4 + (float) r.nextDouble();
        INDArray x = Nd4j.create(px, new long[] {24, 3, 16, 16}, DataType.FLOAT);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 24, 10);
        for (int i = 0; i < 24; i++) y.putScalar(i, (i * 3 + seed) % 10, 1f);
        return new DataSet(x, y);
    }

    @Test
    void installsOnEveryBatchNormOfTheOneDnnPath() {
        assertTrue(Backend.check().fast(), "these tests need the oneDNN path");
        ComputationGraph net = resnet();
        long bns = java.util.Arrays.stream(net.getLayers()).filter(l -> l instanceof BatchNormalization).count();
        assertTrue(bns >= 16, "PreActResNet-18 has " + bns + " BatchNorm layers");
        assertEquals(bns, BatchStatsHelper.install(net));
        assertEquals(bns, BatchStatsHelper.install(net), "installing twice changes nothing");
        for (Layer l : net.getLayers()) {
            if (l instanceof BatchNormalization bn) assertTrue(bn.getHelper() instanceof BatchStatsHelper);
        }
    }

    @Test
    void trainsLikeDl4jsOwnHelperAndLeavesInferenceUnchanged() {
        ComputationGraph base = resnet();
        ComputationGraph dl4j = base.clone();
        ComputationGraph ours = base.clone();
        BatchStatsHelper.install(ours);
        // Inference goes to DL4J's helper unchanged (oneDNN's rounding may differ with memory alignment).
        INDArray before = dl4j.outputSingle(false, batch(0).getFeatures());
        assertTrue(before.sub(ours.outputSingle(false, batch(0).getFeatures())).amaxNumber().doubleValue() < 1e-5);
        for (int step = 0; step < 4; step++) {
            DataSet d = batch(step);
            dl4j.fit(d);
            ours.fit(d);
            // Same weights at step 0, so only the statistics' rounding differs; then rounding compounds.
            assertEquals(dl4j.score(), ours.score(), step == 0 ? 1e-5 : 1e-4, "loss at step " + step);
        }
        // Weights, BatchNorm scales and the running mean / variance (all in params()) follow DL4J's.
        INDArray diff = dl4j.params().sub(ours.params());
        double scale = dl4j.params().amaxNumber().doubleValue();
        assertTrue(diff.amaxNumber().doubleValue() < 1e-3 * scale, "max parameter difference " + diff.amaxNumber());
        assertTrue(ours.params().sub(base.params()).amaxNumber().doubleValue() > 1e-3, "training moved the weights");
        INDArray a = dl4j.outputSingle(false, batch(9).getFeatures());
        INDArray b = ours.outputSingle(false, batch(9).getFeatures());
        assertTrue(a.sub(b).amaxNumber().doubleValue() < 1e-3, "outputs after training " + a.sub(b).amaxNumber());
    }

    @Test
    void offSwitchKeepsDl4jsHelper() {
        String old = System.getProperty("fmplab.batchstats");
        System.setProperty("fmplab.batchstats", "off");
        try {
            ComputationGraph net = resnet();
            assertEquals(0, BatchStatsHelper.install(net));
            for (Layer l : net.getLayers()) {
                if (l instanceof BatchNormalization bn) assertTrue(!(bn.getHelper() instanceof BatchStatsHelper));
            }
        } finally {
            if (old == null) System.clearProperty("fmplab.batchstats");
            else System.setProperty("fmplab.batchstats", old);
        }
    }
}
