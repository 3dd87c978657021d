package org.fmplab.defense;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Reads a DL4J BatchNormalization layer as the frozen per-channel affine that inference applies:
 * y = scale·x + shift with scale = γ/√(var+ε), shift = β − mean·scale. DL4J stores either the running
 * variance or log10 of the running std (the default since 1.0.0-beta4); both are handled, and locked
 * γ/β are read from the configuration.
 */
final class BatchNorms {
    private BatchNorms() { }

    /** True if vertex {@code name} of {@code net} is a BatchNormalization layer. */
    static boolean isBatchNorm(ComputationGraph net, String name) {
        Layer l = net.getLayer(name);
        return l != null && l.conf().getLayer() instanceof BatchNormalization;
    }

    /** The running variance (length C, float). */
    static INDArray variance(ComputationGraph net, String bn) {
        Layer l = net.getLayer(bn);
        BatchNormalization conf = conf(l, bn);
        if (conf.isUseLogStd()) {
            INDArray log10s = l.getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD).reshape(-1).castTo(DataType.FLOAT);
            INDArray std = Transforms.pow(Nd4j.valueArrayOf(log10s.shape(), 10.0, DataType.FLOAT), log10s, false);
            return std.muli(std);
        }
        return l.getParam(BatchNormalizationParamInitializer.GLOBAL_VAR).reshape(-1).castTo(DataType.FLOAT).dup();
    }

    /** √(var + ε): the std that inference divides by. */
    static INDArray inferenceStd(ComputationGraph net, String bn) {
        return Transforms.sqrt(variance(net, bn).addi(conf(net.getLayer(bn), bn).getEps()), false);
    }

    /** γ (length C); constant when the layer locks γ/β. */
    static INDArray gamma(ComputationGraph net, String bn) {
        Layer l = net.getLayer(bn);
        BatchNormalization conf = conf(l, bn);
        if (conf.isLockGammaBeta()) return Nd4j.valueArrayOf(new long[] {conf.getNOut()}, conf.getGamma(), DataType.FLOAT);
        return l.getParam(BatchNormalizationParamInitializer.GAMMA).reshape(-1).castTo(DataType.FLOAT).dup();
    }

    /** β (length C); constant when the layer locks γ/β. */
    static INDArray beta(ComputationGraph net, String bn) {
        Layer l = net.getLayer(bn);
        BatchNormalization conf = conf(l, bn);
        if (conf.isLockGammaBeta()) return Nd4j.valueArrayOf(new long[] {conf.getNOut()}, conf.getBeta(), DataType.FLOAT);
        return l.getParam(BatchNormalizationParamInitializer.BETA).reshape(-1).castTo(DataType.FLOAT).dup();
    }

    /** {scale, shift} of the inference affine, each of length C. */
    static INDArray[] affine(ComputationGraph net, String bn) {
        INDArray scale = gamma(net, bn).divi(inferenceStd(net, bn));
        INDArray mean = net.getLayer(bn).getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN).reshape(-1).castTo(DataType.FLOAT);
        INDArray shift = beta(net, bn).subi(mean.mul(scale));
        return new INDArray[] {scale, shift};
    }

    private static BatchNormalization conf(Layer l, String bn) {
        if (l == null || !(l.conf().getLayer() instanceof BatchNormalization b)) {
            throw new IllegalArgumentException("vertex '" + bn + "' is not a BatchNormalization layer");
        }
        return b;
    }
}
