package org.fmplab.attack;

import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.fmplab.data.Subsets;
import org.fmplab.model.Backend;
import org.fmplab.model.BatchStatsHelper;
import org.fmplab.params.Seeds;
import org.fmplab.progress.ProgressListener;
import org.fmplab.progress.ProgressTracker;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Building blocks for the attacks that own small networks (Input-aware's generator and mask, SSBA-lite's
 * encoder): graph builders, a convolution stack, a minimal fitting loop for those networks and their
 * weights as attack state. The victim classifier never trains here: it goes through the one
 * {@link org.fmplab.model.Trainer}.
 */
final class Nets {
    private Nets() { }

    /** Supplies one training batch for the given rows of the attacker's data. */
    @FunctionalInterface
    interface BatchMaker {
        MultiDataSet make(int[] rows, SplittableRandom rng);
    }

    /** A graph builder with Adam({@code lr}), He init and "same" convolutions. */
    static ComputationGraphConfiguration.GraphBuilder builder(long seed, double lr) {
        Backend.init();
        return new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Adam(lr))
                .weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Same)
                .graphBuilder();
    }

    /**
     * Adds 3×3 ReLU convolutions of the given widths, then a 3×3 convolution to {@code nOut} channels
     * with activation {@code last}; layer names are {@code prefix + index}. Returns the last name.
     */
    static String convStack(ComputationGraphConfiguration.GraphBuilder g, String prefix, String input, int[] widths,
                            int nOut, Activation last) {
        String x = input;
        for (int i = 0; i < widths.length; i++) {
            g.addLayer(prefix + i, conv(widths[i], Activation.RELU), x);
            x = prefix + i;
        }
        g.addLayer(prefix + widths.length, new ConvolutionLayer.Builder(3, 3).nOut(nOut).activation(last)
                .weightInit(WeightInit.XAVIER).build(), x);
        return prefix + widths.length;
    }

    static ConvolutionLayer conv(int nOut, Activation a) {
        return new ConvolutionLayer.Builder(3, 3).nOut(nOut).activation(a).build();
    }

    /** Builds and initialises a graph. */
    static ComputationGraph init(ComputationGraphConfiguration.GraphBuilder g) {
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return org.fmplab.model.SeededInit.apply(net);
    }

    /** Copies the weights of every layer of {@code to} named {@code prefix…} from the same-named layer of {@code from}. */
    static void copyLayers(ComputationGraph from, ComputationGraph to, String prefix) {
        for (org.deeplearning4j.nn.api.Layer l : to.getLayers()) {
            String name = l.conf().getLayer().getLayerName();
            if (name.startsWith(prefix) && l.numParams() > 0) l.setParams(from.getLayer(name).params().dup());
        }
    }

    /**
     * Fits {@code net} for {@code epochs} passes over {@code n} rows in seeded random batches, reporting
     * progress as {@code stage}; stops with {@link org.fmplab.progress.InterruptedWorkException} when the
     * thread is interrupted.
     */
    static void fit(ComputationGraph net, int n, int batch, int epochs, long seed, ProgressListener listener, String stage,
                    BatchMaker make) {
        int b = Math.min(batch, n);
        int steps = n / b;
        BatchStatsHelper.install(net);
        ProgressTracker tracker = new ProgressTracker(listener, stage, "batch", (long) steps * epochs);
        SplittableRandom rng = new SplittableRandom(seed);
        for (int e = 0; e < epochs; e++) {
            int[] order = Subsets.shuffled(n, Seeds.epochOrder(seed, e));
            for (int s = 0; s < steps; s++) {
                net.fit(make.make(java.util.Arrays.copyOfRange(order, s * b, (s + 1) * b), rng));
                tracker.step(1, Map.of("loss", net.score()));
            }
        }
    }

    /** The weights of a graph as one flat array (attack state). */
    static INDArray weights(ComputationGraph net) {
        return net.params().dup();
    }

    /** Loads weights saved by {@link #weights} into a graph of the same architecture. */
    static void load(ComputationGraph net, INDArray weights, String what) {
        if (weights.length() != net.numParams()) {
            throw new IllegalArgumentException(what + " has " + weights.length() + " weights; the network needs " + net.numParams());
        }
        net.setParams(weights.reshape(1, weights.length()).castTo(DataType.FLOAT));
    }

    /** A [c,h,w] shape as a state array, and back. */
    static INDArray shapeArray(int... shape) {
        return Nd4j.createFromArray(shape);
    }

    /** Repeats a one-channel batch [N,1,H,W] to c channels. */
    static INDArray channels(INDArray x, int c) {
        return c == 1 ? x : x.repeat(1, c);
    }
}
