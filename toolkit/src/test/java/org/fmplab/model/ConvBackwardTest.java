package org.fmplab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** {@link KeptOutputConvolution}'s backward pass from forward convolutions against DL4J's ({@code conv2d_bp}). */
class ConvBackwardTest {

    /** max |a − b| relative to max |b|: a 0.1% error anywhere fails a 1e-4 bound. */
    private static double relErr(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue() / Math.max(1e-12, b.amaxNumber().doubleValue());
    }

    private static INDArray uniform(int seed, float lo, long... shape) {
        return SeededInit.uniform(new SplittableRandom(seed), shape).addi(lo);
    }

    /**
     * Every convolution of {@code net} on the input it sees in the net: input, weight and bias gradients of the
     * forward-convolution backward equal DL4J's; returns how many convolutions took that path.
     */
    private static int compareConvolutions(ComputationGraph net, INDArray x) {
        Map<String, INDArray> acts = net.feedForward(x, false);
        net.initGradientsView();
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        int forward = 0;
        for (Layer l : net.getLayers()) {
            if (!(l instanceof KeptOutputConvolution.Impl conv)) continue;
            String name = l.conf().getLayer().getLayerName();
            INDArray in = acts.get(net.getConfiguration().getVertexInputs().get(name).get(0)).dup();
            INDArray eps = uniform(name.hashCode(), -0.5f, acts.get(name).shape());
            INDArray[] ours = backprop(conv, true, in, eps, mgr);
            if (conv.forwardBackwardApplies()) forward++;
            INDArray[] ref = backprop(conv, false, in, eps, mgr);
            String[] what = {"input", "weight", "bias"};
            for (int i = 0; i < 3; i++) {
                if (ref[i] == null) continue;
                assertTrue(relErr(ours[i], ref[i]) < 1e-4, name + " " + what[i] + " gradient " + relErr(ours[i], ref[i]));
            }
        }
        return forward;
    }

    /** Training forward and backward of one layer: copies of {input gradient, weight gradient, bias gradient or null}. */
    private static INDArray[] backprop(KeptOutputConvolution.Impl conv, boolean forwardBackward, INDArray in, INDArray eps,
                                       LayerWorkspaceMgr mgr) {
        conv.useForwardBackward(forwardBackward);
        conv.activate(in, true, mgr);
        Pair<Gradient, INDArray> g = conv.backpropGradient(eps.dup(), mgr);
        INDArray b = g.getFirst().getGradientFor("b");
        return new INDArray[] {g.getSecond().dup(), g.getFirst().getGradientFor("W").dup(), b == null ? null : b.dup()};
    }

    @Test
    void flipTransposeSwapsInOutAndRotatesTheKernel() {
        INDArray w = uniform(3, -0.5f, 4, 3, 3, 2); // non-square kernel: rows and columns must not be confused
        INDArray f = KeptOutputConvolution.flipTranspose(w);
        assertEquals(List.of(3L, 4L, 3L, 2L), Arrays.stream(f.shape()).boxed().toList());
        for (int o = 0; o < 4; o++) for (int i = 0; i < 3; i++) for (int y = 0; y < 3; y++) for (int x = 0; x < 2; x++) {
            assertEquals(w.getFloat(o, i, y, x), f.getFloat(i, o, 2 - y, 1 - x), 0f, "w[" + o + "," + i + "," + y + "," + x + "]");
        }
    }

    @Test
    void flippedPaddingIsTheFullCorrelationsAndRefusesWhatItCannotUndo() {
        int[] one = {1, 1};
        assertArrayEquals(new int[] {1, 1}, KeptOutputConvolution.flippedPadding(new int[] {3, 3}, one, one, one, false));
        assertArrayEquals(new int[] {2, 0}, KeptOutputConvolution.flippedPadding(new int[] {3, 1}, new int[] {0, 0}, one, one, false));
        assertArrayEquals(new int[] {2, 1}, KeptOutputConvolution.flippedPadding(new int[] {5, 3}, new int[] {0, 0}, one, one, true),
                "SAME pads (k − 1)/2 whatever the configured padding");
        assertNull(KeptOutputConvolution.flippedPadding(new int[] {2, 3}, one, one, one, true), "even kernel in SAME");
        assertNull(KeptOutputConvolution.flippedPadding(new int[] {3, 3}, new int[] {3, 1}, one, one, false), "p > k − 1");
        assertNull(KeptOutputConvolution.flippedPadding(new int[] {3, 3}, one, new int[] {2, 2}, one, false), "strided");
        assertNull(KeptOutputConvolution.flippedPadding(new int[] {3, 3}, one, one, new int[] {1, 2}, false), "dilated");
    }

    @Test
    void preActResNetConvolutionsMatchDl4jSameAndTorchPadding() {
        ModelSpec spec = new ModelSpec(ModelSpec.PREACT_RESNET18, 4, 3, 32, 32, 10, 5);
        INDArray x = uniform(1, 0f, 4, 3, 32, 32);
        // Stride 1 on 32×32 maps: the stem and the 4 convs of stage 1; the later stages (16×16 and smaller maps),
        // their strided conv1 and 1×1 shortcuts keep DL4J's backward.
        assertEquals(5, compareConvolutions(Models.build(spec, Models.Layers.FUSED), x), "SAME mode");
        assertEquals(5, compareConvolutions(Models.buildPytorchLayout(spec, null), x), "Truncate, padding 1");
    }

    @Test
    void smallCnnConvolutionsWithBiasMatchDl4j() {
        ModelSpec spec = new ModelSpec(ModelSpec.SMALL_CNN, 4, 3, 32, 32, 10, 6);
        INDArray x = uniform(2, 0f, 5, 3, 32, 32);
        assertEquals(2, compareConvolutions(Models.build(spec, Models.Layers.FUSED), x), "conv1, conv2 on 32×32");
        // 28×28 maps keep conv2d_bp (oneDNN's Winograd is fast there).
        ModelSpec mnist = new ModelSpec(ModelSpec.SMALL_CNN, 4, 1, 28, 28, 10, 6);
        assertEquals(0, compareConvolutions(Models.build(mnist, Models.Layers.FUSED), uniform(3, 0f, 5, 1, 28, 28)));
    }

    @Test
    void trainingMatchesDl4jsBackward() {
        // 32×32 so that stage 1 takes the forward-convolution backward.
        ModelSpec spec = new ModelSpec(ModelSpec.PREACT_RESNET18, 4, 3, 32, 32, 10, 7);
        ComputationGraph ours = Models.build(spec, Models.Layers.FUSED), ref = Models.build(spec, Models.Layers.FUSED);
        KeptOutputConvolution.setForwardBackward(ours, true);
        for (int step = 0; step < 4; step++) {
            INDArray y = Nd4j.zeros(DataType.FLOAT, 24, 10);
            for (int i = 0; i < 24; i++) y.putScalar(i, (i * 3 + step) % 10, 1f);
            DataSet d = new DataSet(uniform(step, 0f, 24, 3, 32, 32), y);
            ours.fit(d);
            ref.fit(d);
            assertEquals(ref.score(), ours.score(), 1e-5, "loss at step " + step);
        }
        assertTrue(relErr(ours.params(), ref.params()) < 1e-4, "parameters " + relErr(ours.params(), ref.params()));
    }

    @Test
    void propertySelectsTheBackwardAndNamesValidValues() {
        String old = System.getProperty(KeptOutputConvolution.CONV_BACKWARD_PROPERTY);
        try {
            System.clearProperty(KeptOutputConvolution.CONV_BACKWARD_PROPERTY);
            assertTrue(KeptOutputConvolution.forwardBackwardAsked(), "default forward");
            System.setProperty(KeptOutputConvolution.CONV_BACKWARD_PROPERTY, "DL4J");
            assertFalse(KeptOutputConvolution.forwardBackwardAsked());
            System.setProperty(KeptOutputConvolution.CONV_BACKWARD_PROPERTY, "Forward");
            assertTrue(KeptOutputConvolution.forwardBackwardAsked());
            System.setProperty(KeptOutputConvolution.CONV_BACKWARD_PROPERTY, "fast");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, KeptOutputConvolution::forwardBackwardAsked);
            assertTrue(e.getMessage().contains("fmplab.conv-backward") && e.getMessage().contains("fast")
                    && e.getMessage().contains("forward, dl4j"), e.getMessage());
        } finally {
            if (old == null) System.clearProperty(KeptOutputConvolution.CONV_BACKWARD_PROPERTY);
            else System.setProperty(KeptOutputConvolution.CONV_BACKWARD_PROPERTY, old);
        }
    }
}
