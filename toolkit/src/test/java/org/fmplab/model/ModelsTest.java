package org.fmplab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ModelsTest {
    // DL4J stores 4 values per BatchNorm channel: gamma, beta, running mean, running variance.
    private static long bn(int c) { return 4L * c; }
    private static long conv(int k, int in, int out, boolean bias) { return (long) k * k * in * out + (bias ? out : 0); }

    @Test
    void smallCnnShapeAndParameterCount() {
        ComputationGraph net = Models.build(new ModelSpec(ModelSpec.SMALL_CNN, 32, 1, 28, 28, 10, 1));
        long expected = conv(3, 1, 32, true) + bn(32) + conv(3, 32, 32, true) + bn(32) + conv(3, 32, 64, true) + bn(64)
                + conv(3, 64, 64, true) + bn(64) + (7L * 7 * 64 * 128 + 128) + (128L * 10 + 10);
        assertEquals(expected, net.numParams());
        assertArrayEquals(new long[] {5, 10}, net.outputSingle(Nd4j.rand(DataType.FLOAT, 5, 1, 28, 28)).shape());
    }

    @Test
    void seededUniformArraysRepeatWhereNd4jRandDoesNot() {
        INDArray a = SeededInit.uniform(new java.util.SplittableRandom(5), 2, 3, 32, 32);
        Nd4j.rand(DataType.FLOAT, 100); // other random work in between must not matter
        assertEquals(a, SeededInit.uniform(new java.util.SplittableRandom(5), 2, 3, 32, 32));
        assertArrayEquals(new long[] {2, 3, 32, 32}, a.shape());
        assertTrue(a.minNumber().doubleValue() >= 0 && a.maxNumber().doubleValue() < 1, "values in [0, 1)");
        assertEquals(0.5, a.meanNumber().doubleValue(), 0.02);
        assertTrue(a.sub(SeededInit.uniform(new java.util.SplittableRandom(6), 2, 3, 32, 32)).amaxNumber().doubleValue() > 0.5,
                "another seed, other values");
        assertThrows(IllegalArgumentException.class, () -> SeededInit.uniform(new java.util.SplittableRandom(5), 1 << 16, 1 << 16));
    }

    @Test
    void theSameSeedGivesTheSameWeightsInOneJvm() {
        // DL4J's own init does not (ND4J M2.1): SeededInit redraws the weights from the seed.
        for (String arch : ModelSpec.ARCHITECTURES) {
            ModelSpec spec = new ModelSpec(arch, 4, 1, 12, 12, 3, 11);
            INDArray a = Models.build(spec).params();
            Nd4j.rand(DataType.FLOAT, 100); // other random work in between must not matter
            assertEquals(a, Models.build(spec).params(), arch);
            INDArray other = Models.build(new ModelSpec(arch, 4, 1, 12, 12, 3, 12)).params();
            assertTrue(a.sub(other).norm2Number().doubleValue() > 0.1, arch + ": another seed, other weights");
            // He init for the convs: N(0, 2/fan-in)
            INDArray w = Models.build(spec).getLayer(arch.equals(ModelSpec.SMALL_CNN) ? "conv4" : "s4b2_conv2").getParam("W");
            double fanIn = w.size(1) * w.size(2) * w.size(3);
            assertEquals(Math.sqrt(2 / fanIn), w.stdNumber().doubleValue(), 0.1 * Math.sqrt(2 / fanIn), arch);
        }
    }

    @Test
    void preActResNet18MatchesThePaperArchitecture() {
        int w = 16;
        ComputationGraph net = Models.build(new ModelSpec(ModelSpec.PREACT_RESNET18, w, 3, 32, 32, 10, 1));
        long expected = conv(3, 3, w, false);
        int in = w;
        for (int s = 0; s < 4; s++) {
            int out = w << s;
            for (int b = 0; b < 2; b++) {
                expected += bn(in) + conv(3, in, out, false) + bn(out) + conv(3, out, out, false);
                if (in != out || (b == 0 && s > 0)) expected += conv(1, in, out, false);
                in = out;
            }
        }
        expected += (long) in * 10 + 10;
        assertEquals(expected, net.numParams());
        assertArrayEquals(new long[] {2, 10}, net.outputSingle(Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32)).shape());
        // any input size and channel count
        ComputationGraph gray = Models.build(new ModelSpec(ModelSpec.PREACT_RESNET18, 8, 1, 28, 28, 7, 1));
        assertArrayEquals(new long[] {3, 7}, gray.outputSingle(Nd4j.rand(DataType.FLOAT, 3, 1, 28, 28)).shape());
    }

    @Test
    void featureMapLayersFollowTheGraph() {
        ComputationGraph net = Models.build(new ModelSpec(ModelSpec.PREACT_RESNET18, 16, 1, 28, 28, 10, 1));
        List<FeatureMapLayer> layers = FeatureMapLayers.of(net);
        // stem + 8 blocks × 2 convs + 3 shortcut convs
        assertEquals(20, layers.size());
        // 16 + 4·16 + (4·32 + 32) + (4·64 + 64) + (4·128 + 128): the 1,200 channels of width 16
        assertEquals(1200, FeatureMapLayers.totalChannels(layers));
        Map<String, FeatureMapLayer> byName = layers.stream().collect(Collectors.toMap(FeatureMapLayer::name, l -> l));
        assertEquals(List.of("s1b1_bn1"), byName.get("stem").consumerBns());
        assertEquals(List.of("s2b1_bn2"), byName.get("s2b1_conv1").consumerBns());
        // conv2 and the shortcut of a down-sampling block both feed the add, then the next block's bn1
        assertEquals(List.of("s2b2_bn1"), byName.get("s2b1_conv2").consumerBns());
        assertEquals(List.of("s2b2_bn1"), byName.get("s2b1_shortcut").consumerBns());
        assertEquals(32, byName.get("s2b1_shortcut").channels());
        // the last block's output goes to the global pool: no BN consumes it
        assertTrue(byName.get("s4b2_conv2").consumerBns().isEmpty());
        assertEquals("stem", layers.get(0).name());
    }

    @Test
    void smallCnnFeatureMaps() {
        ComputationGraph net = Models.build(new ModelSpec(ModelSpec.SMALL_CNN, 32, 1, 28, 28, 10, 1));
        List<FeatureMapLayer> layers = FeatureMapLayers.of(net);
        assertEquals(List.of("conv1", "conv2", "conv3", "conv4"), layers.stream().map(FeatureMapLayer::name).toList());
        assertEquals(192, FeatureMapLayers.totalChannels(layers));
        assertEquals(List.of("bn3"), layers.get(2).consumerBns());
        assertTrue(layers.get(0).hasBias());
    }

    @Test
    void badSpecsAreRejectedWithTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ModelSpec("resnet50", 16, 1, 28, 28, 10, 1));
        assertTrue(e.getMessage().contains("resnet50"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ModelSpec(ModelSpec.SMALL_CNN, 0, 1, 28, 28, 10, 1));
        assertTrue(e.getMessage().contains("width = 0"), e.getMessage());
    }

    @Test
    void fastConvolutionPathIsActive() {
        Backend.Status s = Backend.check();
        assertEquals("CPU", s.backend());
        assertTrue(s.oneDnnBuilt(), "the nd4j-native build must contain oneDNN");
        assertTrue(s.fast(), "oneDNN conv helper must be active: " + s);
    }
}
