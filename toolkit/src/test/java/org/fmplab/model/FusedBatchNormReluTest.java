package org.fmplab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** {@link FusedBatchNormRelu} against DL4J's BatchNormalization followed by its ReLU ActivationLayer. */
class FusedBatchNormReluTest {
    private static final ModelSpec SPEC = new ModelSpec(ModelSpec.PREACT_RESNET18, 4, 3, 8, 8, 10, 3);

    /** Inputs in [lo, lo + 1): far from zero mean for lo = 4, so the variance must not come from E[x²] − E[x]². */
    private static INDArray uniform(int seed, float lo, long... shape) {
        return SeededInit.uniform(new SplittableRandom(seed), shape).addi(lo);
    }

    private static DataSet batch(int n, int seed) {
        return batch(n, seed, 8);
    }

    private static DataSet batch(int n, int seed, int size) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, 10);
        for (int i = 0; i < n; i++) y.putScalar(i, (i * 3 + seed) % 10, 1f);
        return new DataSet(uniform(seed, 4f, n, 3, size, size), y);
    }

    /** max |a − b| relative to max |b|: a 0.1% error anywhere fails a 1e-4 bound. */
    private static double relErr(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue() / Math.max(1e-12, b.amaxNumber().doubleValue());
    }

    private static long count(ComputationGraph net, Class<?> c) {
        return Arrays.stream(net.getLayers()).filter(c::isInstance).count();
    }

    @Test
    void layerMatchesBatchNormThenReluForwardBackwardAndInference() {
        ComputationGraph fused = Models.build(SPEC, Models.Layers.FUSED), dl4j = Models.build(SPEC, Models.Layers.DL4J);
        fused.initGradientsView();
        dl4j.initGradientsView();
        Layer f = fused.getLayer("s2b1_bn1"), bn = dl4j.getLayer("s2b1_bn1"), relu = dl4j.getLayer("s2b1_relu1");
        assertTrue(f instanceof FusedBatchNormRelu.Impl && f instanceof BatchNormalization);
        // Non-trivial γ, β and running statistics (β of both signs, so ReLU cuts part of every channel).
        long c = f.getParam("gamma").length();
        for (Layer l : new Layer[] {f, bn}) {
            l.getParam("gamma").assign(uniform(11, 0.5f, 1, c));
            l.getParam("beta").assign(uniform(12, -0.5f, 1, c));
            l.getParam("mean").assign(uniform(13, 4f, 1, c));
            l.getParam("log10stdev").assign(uniform(14, -1f, 1, c).muli(0.5));
        }
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray x = uniform(1, 4f, 6, c, 4, 4);
        INDArray eps = uniform(2, -0.5f, 6, c, 4, 4);
        INDArray y = f.activate(x, true, mgr);
        INDArray ref = relu.activate(bn.activate(x.dup(), true, mgr), true, mgr);
        assertTrue(ref.minNumber().doubleValue() == 0 && ref.maxNumber().doubleValue() > 0.5, "ReLU cuts some outputs");
        assertTrue(relErr(y, ref) < 1e-5, "training forward " + relErr(y, ref));
        Pair<Gradient, INDArray> g = f.backpropGradient(eps, mgr);
        Pair<Gradient, INDArray> r = bn.backpropGradient(relu.backpropGradient(eps, mgr).getSecond(), mgr);
        assertTrue(relErr(g.getSecond(), r.getSecond()) < 1e-4, "input gradient " + relErr(g.getSecond(), r.getSecond()));
        for (String p : new String[] {"gamma", "beta", "mean", "log10stdev"}) {
            INDArray a = g.getFirst().getGradientFor(p), b = r.getFirst().getGradientFor(p);
            // mean / log10stdev: DL4J's running-statistics update (decay · (running − batch)), from the batch statistics
            assertTrue(relErr(a, b) < 1e-4, p + " gradient " + relErr(a, b));
        }
        INDArray inf = f.activate(x, false, mgr), infRef = relu.activate(bn.activate(x.dup(), false, mgr), false, mgr);
        assertTrue(relErr(inf, infRef) < 1e-5, "inference " + relErr(inf, infRef));
        // DL4J must not fall back to its own BatchNorm (which would drop the ReLU) on input the kernel rejects.
        assertFalse(((FusedBatchNormRelu) f.conf().getLayer()).isCudnnAllowFallback());
        ComputationGraph doubles = fused.convertDataType(DataType.DOUBLE);
        RuntimeException e = assertThrows(RuntimeException.class, () -> doubles.outputSingle(false, batch(6, 1).getFeatures().castTo(DataType.DOUBLE)));
        Throwable cause = e;
        while (cause.getCause() != null) cause = cause.getCause();
        assertTrue(cause.getMessage().contains("NCHW float"), cause.getMessage());
    }

    @Test
    void netsTrainLikeDl4jsLayersAndTheUnfusedOnes() {
        // 16×16 input and batches of 24 (as BatchStatsHelperTest): the last stage's BatchNorms see 2×2 maps,
        // so float rounding is not amplified by statistics over a handful of values.
        ModelSpec spec = new ModelSpec(ModelSpec.PREACT_RESNET18, 4, 3, 16, 16, 10, 7);
        ComputationGraph fused = Models.build(spec, Models.Layers.FUSED);
        ComputationGraph unfused = Models.build(spec, Models.Layers.UNFUSED);
        ComputationGraph dl4j = Models.build(spec, Models.Layers.DL4J);
        assertEquals(16, count(fused, FusedBatchNormRelu.Impl.class), "every BatchNorm of PreActResNet-18, fused");
        assertFalse(Arrays.stream(fused.getLayers()).anyMatch(l -> l.conf().getLayer() instanceof ActivationLayer), "no ReLU vertex left");
        assertEquals(dl4j.params(), fused.params(), "same seed, same initial parameters");
        assertEquals(FeatureMapLayers.of(dl4j), FeatureMapLayers.of(fused), "pruning sees the same convolutions and BatchNorms");
        for (int step = 0; step < 4; step++) {
            DataSet d = batch(24, step, 16);
            fused.fit(d);
            unfused.fit(d);
            dl4j.fit(d);
            // Same weights at step 0, so only rounding differs; then rounding compounds.
            assertEquals(dl4j.score(), fused.score(), step == 0 ? 1e-5 : 1e-4, "loss at step " + step);
            assertEquals(unfused.score(), fused.score(), step == 0 ? 1e-5 : 1e-4, "loss at step " + step);
        }
        // Weights, γ, β and the running mean / log-std (all in params()) follow DL4J's layers.
        assertTrue(relErr(fused.params(), dl4j.params()) < 1e-3, "parameters " + relErr(fused.params(), dl4j.params()));
        INDArray x = batch(24, 9, 16).getFeatures();
        INDArray a = fused.outputSingle(false, x), b = dl4j.outputSingle(false, x);
        assertTrue(a.sub(b).amaxNumber().doubleValue() < 1e-3, "outputs after training " + a.sub(b).amaxNumber());
    }

    @Test
    void trainingIsDeterministicUnderTheSeed() {
        ComputationGraph a = Models.build(SPEC, Models.Layers.FUSED), b = Models.build(SPEC, Models.Layers.FUSED);
        for (int step = 0; step < 3; step++) {
            a.fit(batch(8, step));
            b.fit(batch(8, step));
        }
        assertEquals(a.params(), b.params(), "bit for bit");
    }

    @Test
    void defaultCpuNetsAreFusedAndTheSwitchSelectsTheOthers() {
        assertEquals(Models.Layers.FUSED, Models.defaultLayers());
        assertEquals(Models.Layers.UNFUSED, Models.Layers.parse("unfused"));
        assertEquals(Models.Layers.DL4J, Models.Layers.parse("DL4J"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.Layers.parse("fast"));
        assertTrue(e.getMessage().contains("fmplab.layers") && e.getMessage().contains("fast") && e.getMessage().contains("unfused"));
        ComputationGraph small = Models.build(new ModelSpec(ModelSpec.SMALL_CNN, 4, 1, 12, 12, 10, 1));
        assertEquals(4, count(small, FusedBatchNormRelu.Impl.class), "SmallCNN's four BatchNorm+ReLU");
        assertTrue(small.getVertex("relu1") == null && small.getVertex("bn1") != null);
    }

    @Test
    void roundTripsThroughTheModelFormat(@TempDir Path dir) throws Exception {
        ComputationGraph net = Models.build(SPEC, Models.Layers.FUSED);
        net.fit(batch(6, 1));
        ModelIO.save(net, dir, java.util.Map.of());
        assertTrue(Files.readString(dir.resolve("config.json")).contains(FusedBatchNormRelu.class.getName()));
        ComputationGraph back = ModelIO.load(dir).model();
        assertEquals(16, count(back, FusedBatchNormRelu.Impl.class), "the fused layers come back as themselves");
        assertEquals(net.params(), back.params());
        INDArray x = batch(6, 2).getFeatures();
        assertEquals(net.outputSingle(false, x), back.outputSingle(false, x));
    }
}
