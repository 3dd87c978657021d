package org.fmplab.model;

import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInitRelu;
import org.deeplearning4j.nn.weights.WeightInitXavier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Weight initialisation that really follows the seed. In this build (DL4J / ND4J 1.0.0-M2.1, CPU) two
 * networks built from the same seeded configuration get different weights: four {@code Models.build}
 * calls with seed 0 in one JVM gave four parameter sets, also with {@code Nd4j.getRandom().setSeed(0)}
 * right before {@code init()}. ND4J's own random arrays do not follow the seed either: {@code Nd4j.rand}
 * right after {@code Nd4j.getRandom().setSeed(0)} gave a different [1, 3, 32, 32] array on each call and in
 * each JVM (measured 2026-11-27). So after
 * DL4J's {@code init()} every weight matrix is redrawn here from {@link java.util.Random} with the
 * layer's own scheme (He: N(0, 2/fan-in); Xavier: N(0, 2/(fan-in + fan-out))). Biases and BatchNorm
 * parameters are constants and keep DL4J's values. Used by {@link Models} and for the attacks' own
 * networks (Input-aware, SSBA-lite, the LF/LC surrogate). {@link #uniform} is the seeded replacement for
 * {@code Nd4j.rand}.
 */
public final class SeededInit {
    private SeededInit() { }

    /** {@link #apply(ComputationGraph, long)} with the seed of the network's configuration. */
    public static ComputationGraph apply(ComputationGraph net) {
        return apply(net, net.getConfiguration().getDefaultConfiguration().getSeed());
    }

    /** Redraws every layer's weights {@code W} of {@code net} from {@code seed}; returns {@code net}. */
    public static ComputationGraph apply(ComputationGraph net, long seed) {
        redraw(net.getLayers(), seed);
        return net;
    }

    /** Redraws every layer's weights {@code W} of {@code net} from {@code seed}; returns {@code net}. */
    public static MultiLayerNetwork apply(MultiLayerNetwork net, long seed) {
        redraw(net.getLayers(), seed);
        return net;
    }

    /** An array of the given shape with values drawn uniformly from [0, 1) by {@code rng} (unlike {@code Nd4j.rand}, repeatable). */
    public static INDArray uniform(SplittableRandom rng, long... shape) {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("too many values for one array: " + Arrays.toString(shape));
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextDouble();
        return Nd4j.create(v, shape, 'c');
    }

    private static void redraw(Layer[] layers, long seed) {
        Random rng = new Random(seed);
        for (Layer layer : layers) {
            if (!(layer.conf().getLayer() instanceof FeedForwardLayer ff)) continue;
            INDArray w = layer.getParam("W");
            if (w == null) continue;
            double fanIn = ff.getNIn(), fanOut = ff.getNOut();
            if (ff instanceof ConvolutionLayer conv) { // as DL4J's ConvolutionParamInitializer
                int k = conv.getKernelSize()[0] * conv.getKernelSize()[1];
                fanIn *= k;
                fanOut *= k / ((double) conv.getStride()[0] * conv.getStride()[1]);
            }
            double std = std(((BaseLayer) ff).getWeightInitFn(), fanIn, fanOut, ff.getLayerName());
            float[] v = new float[(int) w.length()];
            for (int i = 0; i < v.length; i++) v[i] = (float) (std * rng.nextGaussian());
            w.assign(Nd4j.create(v, w.shape(), w.ordering()).castTo(w.dataType()));
        }
    }

    private static double std(IWeightInit init, double fanIn, double fanOut, String layer) {
        if (init instanceof WeightInitRelu) return Math.sqrt(2.0 / fanIn);
        if (init instanceof WeightInitXavier) return Math.sqrt(2.0 / (fanIn + fanOut));
        throw new IllegalStateException("layer " + layer + ": weight init " + init + " has no seeded version; use RELU or XAVIER");
    }
}
