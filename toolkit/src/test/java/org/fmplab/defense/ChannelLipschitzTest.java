package org.fmplab.defense;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

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
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.data.ImageDataset;
import org.fmplab.defense.api.DefenderData;
import org.fmplab.defense.api.DefenseResult;
import org.fmplab.model.FeatureMapLayer;
import org.fmplab.model.FeatureMapLayers;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class ChannelLipschitzTest {
    private static final double EPS = 1e-5; // DL4J's default BatchNorm ε

    /** input 2×4×4 → conv "c" (2×2, 3 filters, no bias) → bn → relu → global pool → 2 classes. */
    static ComputationGraph tinyNet() {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(4, 4, 2))
                .addLayer("c", new ConvolutionLayer.Builder(2, 2).nOut(3).hasBias(false).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.IDENTITY).build(), "in")
                .addLayer("bn", new BatchNormalization.Builder().build(), "c")
                .addLayer("relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn")
                .addLayer("pool", new GlobalPoolingLayer(), "relu")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").build());
        g.init();
        // filters as [in channel][kernel row-major] matrices:
        // ch0 rows (3,0,0,0),(0,4,0,0): σ = 4;  ch1 all ones (2×4): σ = √8;  ch2 (1,2,0,0),(2,4,0,0) = u·vᵀ: σ = |u||v| = 5
        float[] w = {
            3, 0, 0, 0, 0, 4, 0, 0,
            1, 1, 1, 1, 1, 1, 1, 1,
            1, 2, 0, 0, 2, 4, 0, 0};
        g.getLayer("c").getParam("W").assign(Nd4j.create(w, new long[] {3, 2, 2, 2}, 'c'));
        var bn = g.getLayer("bn");
        bn.getParam("gamma").assign(Nd4j.createFromArray(2f, -1f, 0.5f).reshape(bn.getParam("gamma").shape()));
        double[] var = {3, 1, 0.25};
        INDArray log10std = Nd4j.createFromArray((float) Math.log10(Math.sqrt(var[0])), (float) Math.log10(Math.sqrt(var[1])),
                (float) Math.log10(Math.sqrt(var[2])));
        bn.getParam("log10stdev").assign(log10std.reshape(bn.getParam("log10stdev").shape()));
        return g;
    }

    @Test
    void channelBoundIsTheLargestSingularValueTimesGammaOverStd() {
        ComputationGraph g = tinyNet();
        FeatureMapLayer c = FeatureMapLayers.of(g).get(0);
        double[] b = ChannelLipschitz.upperBounds(g, c);
        double[] expected = {4 * 2 / Math.sqrt(3 + EPS), Math.sqrt(8) * 1 / Math.sqrt(1 + EPS), 5 * 0.5 / Math.sqrt(0.25 + EPS)};
        assertArrayEquals(expected, b, 1e-4);
    }

    @Test
    void largestSingularValueOfSmallMatrices() {
        assertEquals(5, ChannelLipschitz.largestSingularValue(new double[][] {{3, 0}, {0, 5}, {0, 0}}), 1e-12);
        assertEquals(Math.sqrt(2), ChannelLipschitz.largestSingularValue(new double[][] {{1, 1}}), 1e-12);
        // [[2,1],[1,2]] has eigenvalues 3 and 1 (symmetric positive: singular values too)
        assertEquals(3, ChannelLipschitz.largestSingularValue(new double[][] {{2, 1}, {1, 2}}), 1e-12);
        assertEquals(0, ChannelLipschitz.largestSingularValue(new double[][] {{0, 0, 0}}), 0);
    }

    @Test
    void channelsAboveMeanPlusUStdAreSelected() {
        double[] b = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 10};
        // mean 20/11, sample std √(73.636/10) = 2.7136: threshold(u=3) = 9.959 < 10, threshold(u=3.1) = 10.23
        assertEquals(List.of(10), ClpDefense.select(b, 3));
        assertEquals(List.of(), ClpDefense.select(b, 3.1));
        assertEquals(List.of(), ClpDefense.select(new double[] {5}, 0));
    }

    @Test
    void clpPrunesTheHighBoundChannelThroughThePrunerWithoutData() {
        ComputationGraph g = tinyNet();
        // bounds ≈ 4.62, 2.83, 5.00: mean 4.15, std 1.16 → with u = 0.5 only channel 2 is above 4.73
        DefenderData anything = new DefenderData(ImageDataset.of("x", new byte[2 * 16], new int[] {0}, 2, 4, 4, List.of("a", "b")), 1);
        DefenseResult r = ClpDefense.from(Map.of("u", "0.5")).defend(g, anything, null);
        ComputationGraph pruned = r.last().model();
        assertEquals("pruned", r.last().name());
        assertEquals(1, r.details().get("prunedChannels"));
        INDArray filterNorms = pruned.getLayer("c").getParam("W").norm2(1, 2, 3);
        assertEquals(0.0, filterNorms.getDouble(2), 0);
        assertNotEquals(0.0, filterNorms.getDouble(0));
        assertEquals(0.0, pruned.getLayer("bn").getParam("gamma").getDouble(2), 0);
        assertEquals(0.5, g.getLayer("bn").getParam("gamma").getDouble(2), 1e-7, "the input model is unchanged");
    }

    @Test
    void layersWithoutConsumerBatchNormAreRejected() {
        FeatureMapLayer l = new FeatureMapLayer("c", 3, List.of(), false);
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> ChannelLipschitz.upperBounds(tinyNet(), l));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("no consumer BatchNorm"));
    }
}
