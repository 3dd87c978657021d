package org.fmplab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** {@link KeptOutputConvolution} and {@link ReluLayer}: the CPU nets' own layers against DL4J's. */
class OwnLayersTest {
    private static final ModelSpec SPEC = new ModelSpec(ModelSpec.PREACT_RESNET18, 4, 3, 8, 8, 10, 3);

    private static DataSet batch(int n, int seed) {
        INDArray x = SeededInit.uniform(new java.util.SplittableRandom(seed), n, 3, 8, 8);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, 10);
        for (int i = 0; i < n; i++) y.putScalar(i, (i + seed) % 10, 1f);
        return new DataSet(x, y);
    }

    private static List<KeptOutputConvolution.Impl> convs(ComputationGraph net) {
        return java.util.Arrays.stream(net.getLayers()).filter(l -> l instanceof KeptOutputConvolution.Impl)
                .map(l -> (KeptOutputConvolution.Impl) l).toList();
    }

    private static long relus(ComputationGraph net) {
        return java.util.Arrays.stream(net.getLayers()).filter(l -> l instanceof ReluLayer.Impl).count();
    }

    @Test
    void cpuNetsUseThemAndTrainLikeDl4jsLayers() {
        ComputationGraph ours = Models.build(SPEC, Models.Layers.UNFUSED);
        ComputationGraph dl4j = Models.build(SPEC, Models.Layers.DL4J);
        assertEquals(ours.params(), dl4j.params(), "same seed, same initial parameters");
        assertEquals(FeatureMapLayers.of(dl4j), FeatureMapLayers.of(ours), "pruning sees the same convolutions");
        assertEquals(convs(ours).size(), FeatureMapLayers.of(ours).size());
        assertEquals(16, relus(ours), "every BatchNorm's ReLU");
        assertTrue(convs(dl4j).isEmpty() && relus(dl4j) == 0);
        int[] sizes = {6, 6, 4, 6};
        for (int step = 0; step < sizes.length; step++) {
            DataSet d = batch(sizes[step], step);
            ours.fit(d);
            dl4j.fit(d);
            assertEquals(dl4j.score(), ours.score(), 1e-5, "loss at step " + step);
            for (KeptOutputConvolution.Impl c : convs(ours)) assertFalse(c.holdsForwardOutput(), "used by backprop");
        }
        assertTrue(ours.params().sub(dl4j.params()).amaxNumber().doubleValue() < 1e-4);
    }

    @Test
    void backpropUsesOnlyTheLatestTrainingForward() {
        ComputationGraph ours = Models.build(SPEC, Models.Layers.UNFUSED), dl4j = Models.build(SPEC, Models.Layers.DL4J);
        ours.initGradientsView();
        dl4j.initGradientsView();
        Layer conv = ours.getLayer("s2b1_conv1"), ref = dl4j.getLayer("s2b1_conv1");
        KeptOutputConvolution.Impl impl = (KeptOutputConvolution.Impl) conv;
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray x1 = SeededInit.uniform(new java.util.SplittableRandom(1), 5, 4, 8, 8);
        INDArray x2 = SeededInit.uniform(new java.util.SplittableRandom(2), 3, 4, 8, 8);
        conv.activate(x1, true, mgr);
        assertTrue(impl.holdsForwardOutput());
        conv.activate(x2, false, mgr);
        assertFalse(impl.holdsForwardOutput(), "an inference forward drops the kept output");
        conv.activate(x1, true, mgr);
        // A later training forward on another batch replaces the kept output: backprop must fit x2's
        // (an output kept from x1, 5 images, would fail the activation's shape check).
        INDArray out = conv.activate(x2, true, mgr);
        ref.activate(x2, true, mgr);
        INDArray eps = SeededInit.uniform(new java.util.SplittableRandom(3), out.shape());
        var g = conv.backpropGradient(eps, mgr);
        assertFalse(impl.holdsForwardOutput(), "used by the backward pass");
        var r = ref.backpropGradient(eps, mgr);
        assertTrue(g.getSecond().equalsWithEps(r.getSecond(), 1e-5), "input gradient");
        assertTrue(g.getFirst().getGradientFor("W").equalsWithEps(r.getFirst().getGradientFor("W"), 1e-5), "weight gradient");
        conv.activate(x1, true, mgr);
        conv.clear();
        assertFalse(impl.holdsForwardOutput(), "clear() drops it");
    }

    @Test
    void reluMatchesDl4jsActivationLayerAndKeepsItsInput() {
        ComputationGraph ours = Models.build(SPEC, Models.Layers.UNFUSED), dl4j = Models.build(SPEC, Models.Layers.DL4J);
        Layer relu = ours.getLayer("s1b1_relu1"), ref = dl4j.getLayer("s1b1_relu1");
        assertTrue(relu instanceof ReluLayer.Impl);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        INDArray x = SeededInit.uniform(new java.util.SplittableRandom(4), 3, 4, 8, 8).subi(0.5);
        INDArray x0 = x.dup();
        INDArray eps = SeededInit.uniform(new java.util.SplittableRandom(5), 3, 4, 8, 8);
        assertEquals(ref.activate(x.dup(), true, mgr), relu.activate(x, true, mgr));
        assertEquals(ref.backpropGradient(eps, mgr).getSecond(), relu.backpropGradient(eps, mgr).getSecond());
        assertEquals(x0, x, "the input is left as it was");
        assertEquals(ref.activate(x.dup(), false, mgr), relu.activate(x.dup(), false, mgr), "inference");
    }

    @Test
    void roundTripsThroughTheModelFormat(@TempDir Path dir) throws Exception {
        ComputationGraph net = Models.build(SPEC, Models.Layers.UNFUSED);
        net.fit(batch(6, 1));
        ModelIO.save(net, dir, java.util.Map.of());
        assertTrue(Files.readString(dir.resolve("config.json")).contains(KeptOutputConvolution.class.getName()));
        ComputationGraph back = ModelIO.load(dir).model();
        assertEquals(convs(net).size(), convs(back).size(), "the custom layers come back as themselves");
        assertEquals(relus(net), relus(back));
        INDArray x = batch(6, 2).getFeatures();
        assertEquals(net.outputSingle(false, x), back.outputSingle(false, x));
    }
}
