package org.fmplab.fmp;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * FMP's per-feature-map objective: the mean squared error between channel j of a layer's output on
 * the perturbed batch and on the clean batch (mean over batch and spatial positions), and its
 * gradient with respect to the layer output.
 */
final class ChannelLoss {
    private ChannelLoss() { }

    /** Channel j of a [N, C, H, W] array as a [N, 1, H, W] view. */
    static INDArray channel(INDArray a, int j) {
        return a.get(NDArrayIndex.all(), NDArrayIndex.interval(j, j + 1), NDArrayIndex.all(), NDArrayIndex.all());
    }

    /** mean((act[:, j] − clean[:, j])²). */
    static double mse(INDArray act, INDArray clean, int j) {
        INDArray d = channel(act, j).sub(channel(clean, j));
        return d.mul(d).meanNumber().doubleValue();
    }

    /** Gradient of {@link #mse} with respect to channel j of {@code act}: 2(act − clean)/count, [N, 1, H, W]. */
    static INDArray channelGradient(INDArray act, INDArray clean, int j) {
        INDArray d = channel(act, j).sub(channel(clean, j));
        return d.muli(2.0 / d.length());
    }

    /** Gradient of {@link #mse} with respect to all of {@code act}: zero outside channel j. */
    static INDArray gradient(INDArray act, INDArray clean, int j) {
        INDArray g = Nd4j.zeros(act.dataType(), act.shape());
        channel(g, j).assign(channelGradient(act, clean, j));
        return g;
    }
}
