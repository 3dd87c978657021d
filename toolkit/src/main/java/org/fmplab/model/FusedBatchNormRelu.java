package org.fmplab.model;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's BatchNormalization followed by ReLU, as one layer: {@code relu(γ·(x − μ)/√(σ² + ε) + β)} with the
 * batch statistics in training and the running ones in inference, on NCHW float input.
 *
 * <p>DL4J's BatchNorm and ReLU layers pass over memory about nine times per training step (statistics,
 * normalisation, ReLU forward; ReLU derivative, oneDNN's backward), and BatchNorm plus ReLU were the
 * largest part of a PreActResNet-18 step (docs/benchmarks.md). This layer makes four: statistics and
 * normalise-with-ReLU in one sweep per channel forward, the two sums and the input gradient in one sweep
 * per channel backward ({@link FusedBatchNormKernel}); a channel's data is still in cache for its second
 * pass.
 *
 * <p>It is a {@link BatchNormalization} (same parameters, JSON fields, running-statistics update: DL4J's
 * layer does that bookkeeping around the kernel), so code that reads BatchNorm keeps working; code that
 * expects a ReLU layer after a BatchNorm asks {@link #appliesRelu}: the graph has no separate ReLU
 * vertex after this one, and its output is the activation.
 */
public class FusedBatchNormRelu extends BatchNormalization {

    /** For JSON deserialisation. */
    public FusedBatchNormRelu() {
        super();
    }

    /** The BatchNorm {@code builder} describes, followed by ReLU. */
    public FusedBatchNormRelu(BatchNormalization.Builder builder) {
        BatchNormalization bn = builder.build();
        if (bn.isLockGammaBeta()) throw new IllegalArgumentException("lockGammaBeta: true is not supported by the fused layer (valid: false)");
        copyFields(bn, this);
        // The kernel must never be skipped silently: DL4J's fallback would drop the ReLU.
        this.cudnnAllowFallback = false;
    }

    /** True if {@code layer} (a layer configuration) applies ReLU to its BatchNorm output itself. */
    public static boolean appliesRelu(org.deeplearning4j.nn.conf.layers.Layer layer) {
        return layer instanceof FusedBatchNormRelu;
    }

    // The built configuration's fields, from BatchNormalization up to DL4J's Layer (its Builder is private).
    private static void copyFields(Object from, Object to) {
        for (Class<?> c = BatchNormalization.class; c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) continue;
                try {
                    f.setAccessible(true);
                    f.set(to, f.get(from));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException("cannot copy BatchNormalization field " + f.getName(), e);
                }
            }
        }
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index,
                             INDArray paramsView, boolean initializeParams, DataType dataType) {
        // As BatchNormalization.instantiate, with our implementation.
        LayerValidation.assertNOutSet("BatchNormalization", getLayerName(), index, getNOut());
        return LayerWiring.wire(new Impl(conf, dataType), conf, listeners, index, paramsView, initializer(), initializeParams);
    }

    /**
     * The layer implementation: DL4J's BatchNorm layer (parameters, running statistics, gradients' layout)
     * with {@link FusedBatchNormKernel} as its helper, on every backend.
     */
    public static final class Impl extends org.deeplearning4j.nn.layers.normalization.BatchNormalization {
        Impl(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
            BatchStatsHelper.setHelper(this, new FusedBatchNormKernel());
        }
    }
}
