package org.fmplab.fmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.model.Backend;
import org.fmplab.model.FeatureMapLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Our extension's target-flip score and its target-class estimate ĉ. */
class TargetFlipTest {
    static final int PLANTED = 2;
    static final int BACKDOOR_CHANNEL = 5;

    /**
     * One conv of 6 channels → BN → ReLU → global average pool → 3 classes; flat grey images are class 0
     * (output bias margin 1). Channels 0–4 are zero-sum high-frequency detectors (Laplacian, stripes,
     * checker, X), each just below its ReLU threshold on flat images, all voting for class 1: any of them,
     * perturbed, flips predictions to class 1 — the "natural confusion", five maps' worth. Channel 5 is a
     * uniform 3×3 detector, just below its threshold, voting for the planted class 2 (zero-sum filters
     * barely move it): only perturbing it sends predictions to class 2.
     */
    static ComputationGraph plantedNet() {
        Backend.init();
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1)
                .convolutionMode(ConvolutionMode.Same).graphBuilder().addInputs("input")
                .setInputTypes(InputType.convolutional(8, 8, 1))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(6).activation(Activation.IDENTITY).build(), "input")
                .addLayer("bn", new BatchNormalization.Builder().build(), "conv")
                .addLayer("relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "relu")
                .addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("output").build());
        net.init();
        float[][][] filters = {
                {{0, 1, 0}, {1, -4, 1}, {0, 1, 0}},
                {{1, -2, 1}, {1, -2, 1}, {1, -2, 1}},
                {{1, 1, 1}, {-2, -2, -2}, {1, 1, 1}},
                {{1, -1, 1}, {-1, 0, -1}, {1, -1, 1}},
                {{1, 0, 1}, {0, -4, 0}, {1, 0, 1}},
                {{1, 1, 1}, {1, 1, 1}, {1, 1, 1}}};
        float[] bias = {-0.09f, -0.09f, -0.09f, -0.09f, -0.09f, -4.5f - 0.09f};
        INDArray w = net.getLayer("conv").getParam("W");
        float[][] out = new float[6][3];
        for (int c = 0; c < 6; c++) {
            w.tensorAlongDimension(c, 1, 2, 3).assign(Nd4j.createFromArray(filters[c]).reshape(1, 3, 3));
            net.getLayer("conv").getParam("b").putScalar(c, bias[c]);
            out[c][c == BACKDOOR_CHANNEL ? PLANTED : 1] = 200;
        }
        net.getLayer("output").getParam("W").assign(Nd4j.createFromArray(out));
        net.getLayer("output").getParam("b").assign(Nd4j.createFromArray(new float[][] {{1, 0, 0}}));
        return net;
    }

    @Test
    void targetFlipScoreRanksThePlantedChannelFirstAndFindsThePlantedClassWhereRawFlipCountsDoNot() {
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(DataType.FLOAT, 16, 1, 8, 8).muli(0.004).addi(0.498);
        RankConfig cfg = RankConfig.paper().withProbeSize(16).withEpsilon(8.0 / 255).withScore(RankConfig.Score.TARGET_FLIP);
        Ranking r = new Ranker(cfg).rank(plantedNet(), x, new int[16], 7, null);

        assertEquals(1.0, r.probeAccuracy(), "flat images are class 0");
        int[] pooled = new int[3];
        for (ChannelScore s : r.all()) for (int c = 0; c < 3; c++) pooled[c] += s.flipsTo().get(c);
        assertEquals(1, argmax(pooled), () -> "the natural confusion receives the most flips overall: " + java.util.Arrays.toString(pooled));
        assertEquals(PLANTED, r.targetClass(), () -> "ĉ; evidence " + java.util.Arrays.toString(r.targetEvidence()) + " " + r.all());
        List<ChannelScore> ranked = r.ranked("conv");
        assertEquals(BACKDOOR_CHANNEL, ranked.get(0).channel(), () -> "planted channel first: " + ranked);
        assertTrue(ranked.get(0).targetFlip() > 0);
    }

    @Test
    void targetClassIsTheClassOfConcentratedExcessNotOfMostFlips() {
        // Eight maps flip 10 images each in the common proportion 6:2:2 over classes 1, 2, 3; one map
        // sends all its 10 flips to class 3. Class 1 holds the most flips, class 3 the excess.
        List<FeatureMapLayer> layers = List.of(new FeatureMapLayer("c", 9, List.of(), false));
        List<ChannelScore> scores = new java.util.ArrayList<>();
        for (int c = 0; c < 9; c++) {
            List<Integer> h = c == 4 ? List.of(0, 0, 0, 10) : List.of(0, 6, 2, 2);
            scores.add(new ChannelScore("c", c, 0.5, 1, 0, 0.1, h, Double.NaN, Double.NaN, 0));
        }
        Ranking r = new Ranking(RankConfig.paper().withScore(RankConfig.Score.TARGET_FLIP), layers, Map.of("c", scores), 1, 0);
        assertEquals(3, r.targetClass());
        assertEquals(4, r.ranked("c").get(0).channel());
        double q3 = 26.0 / 90;
        assertEquals(10 - 10 * q3, r.get("c", 4).targetFlip(), 1e-9, "flips into ĉ beyond a typical map's share");
        assertEquals(2 - 10 * q3, r.get("c", 0).targetFlip(), 1e-9);
        assertNotEquals(r.targetClass(), argmax(new int[] {0, 48, 16, 26}));
    }

    private static int argmax(int[] v) {
        int b = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[b]) b = i;
        return b;
    }
}
