package org.fmplab.model;

import java.lang.reflect.Field;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training-mode BatchNorm on the oneDNN path with faster batch statistics.
 *
 * <p>DL4J's oneDNN helper computes a training batch's per-channel mean and variance with ND4J reductions
 * over dimensions (0, 2, 3) of an NCHW array, which walk memory with a stride; on PreActResNet-18 width 16
 * that took about 16% of a training step (docs/benchmarks.md). This helper computes the same statistics
 * from reductions over the contiguous H·W axis of the [N, C, H·W] view (the variance from the centred
 * values, not E[x²]−E[x]², so no cancellation), then lets DL4J's helper normalise with them as it would
 * with given statistics, and runs the same oneDNN backward ({@code batchnorm_bp}). Inference, rank-2 input
 * and NHWC data go to DL4J's helper unchanged.
 *
 * <p>Install with {@link #install(ComputationGraph)}: DL4J picks a layer's helper itself and offers no
 * hook, so the field is replaced by reflection. Installation is idempotent and does nothing off the
 * oneDNN backend (CUDA, or helpers switched off). Set the system property {@code fmplab.batchstats=off}
 * to keep DL4J's own helper (to compare speed, or to rule out this class in a bug hunt).
 */
public final class BatchStatsHelper implements BatchNormalizationHelper {
    private static final Field HELPER_FIELD = helperField();

    private final BatchNormalizationHelper oneDnn;
    private INDArray mean;
    private INDArray var;
    /** Whether the last training forward went to DL4J's helper (whose backward then needs its statistics). */
    private boolean delegated;

    private BatchStatsHelper(BatchNormalizationHelper oneDnn) {
        this.oneDnn = oneDnn;
    }

    /**
     * Replaces DL4J's oneDNN BatchNorm helper by this one in every BatchNorm layer of {@code net}.
     * Returns how many layers now use it (0 when the oneDNN helper is not in use).
     */
    public static int install(ComputationGraph net) {
        if (HELPER_FIELD == null || "off".equalsIgnoreCase(System.getProperty("fmplab.batchstats", "on"))) return 0;
        int n = 0;
        for (Layer l : net.getLayers()) {
            // Fixed gamma/beta passes no scale arrays, which the backward below does not handle.
            if (!(l instanceof BatchNormalization bn) || bn.layerConf().isLockGammaBeta()) continue;
            try {
                Object h = HELPER_FIELD.get(bn);
                if (h instanceof MKLDNNBatchNormHelper mk) HELPER_FIELD.set(bn, new BatchStatsHelper(mk));
                if (HELPER_FIELD.get(bn) instanceof BatchStatsHelper) n++;
            } catch (IllegalAccessException e) {
                return n;
            }
        }
        return n;
    }

    /** Puts {@code helper} into DL4J's BatchNorm {@code layer} (DL4J chooses its helper itself, with no hook). */
    static void setHelper(BatchNormalization layer, BatchNormalizationHelper helper) {
        if (HELPER_FIELD == null) throw new IllegalStateException("this DL4J version's BatchNormalization has no 'helper' field");
        try {
            HELPER_FIELD.set(layer, helper);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot set the helper of a DL4J BatchNormalization", e);
        }
    }

    private static Field helperField() {
        try {
            Field f = BatchNormalization.class.getDeclaredField("helper");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // another DL4J version: keep its own helper
        }
    }

    @Override
    public INDArray preOutput(INDArray x, boolean training, long[] shape, INDArray gamma, INDArray beta,
                              INDArray globalMean, INDArray globalVar, double decay, double eps,
                              CNN2DFormat format, LayerWorkspaceMgr mgr) {
        delegated = !training || x.rank() != 4 || format != CNN2DFormat.NCHW || x.dataType() != DataType.FLOAT;
        if (delegated) return oneDnn.preOutput(x, training, shape, gamma, beta, globalMean, globalVar, decay, eps, format, mgr);
        INDArray in = Shape.hasDefaultStridesForShape(x) ? x : x.dup('c');
        batchStatistics(in);
        // With training == false DL4J's helper normalises with the statistics it is given.
        return oneDnn.preOutput(in, false, shape, gamma, beta, mean, var, decay, eps, format, mgr);
    }

    private void batchStatistics(INDArray x) {
        long n = x.size(0), c = x.size(1), hw = x.size(2) * x.size(3);
        if (mean == null || mean.length() != c) {
            // Read after this layer's backward pass, outside the workspaces of the forward pass.
            try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                mean = Nd4j.createUninitialized(DataType.FLOAT, c);
                var = Nd4j.createUninitialized(DataType.FLOAT, c);
            }
        }
        double count = (double) n * hw;
        INDArray x3 = x.reshape('c', n, c, hw);
        x3.sum(2).sum(mean, 0).divi(count);
        INDArray centred = x3.sub(mean.reshape(1, c, 1));
        centred.muli(centred).sum(2).sum(var, 0).divi(count);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray epsilon, long[] shape, INDArray gamma,
                                                     INDArray beta, INDArray dGammaView, INDArray dBetaView,
                                                     double eps, CNN2DFormat format, LayerWorkspaceMgr mgr) {
        if (delegated) {
            return oneDnn.backpropGradient(input, epsilon, shape, gamma, beta, dGammaView, dBetaView, eps, format, mgr);
        }
        INDArray in = Shape.hasDefaultStridesForShape(input) ? input : input.dup('c');
        INDArray grad = Shape.hasDefaultStridesForShape(epsilon) ? epsilon : epsilon.dup('c');
        long c = mean.length();
        INDArray dx = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, in.dataType(), in.shape());
        INDArray dMean = mgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT, c);
        INDArray dVar = mgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT, c);
        // libnd4j's batchnorm_bp: inputs x, mean, variance, gamma, beta, dL/dy; integer arguments
        // (apply scale, apply offset, channel axis); outputs dL/dx, dL/dmean, dL/dvar, dL/dgamma, dL/dbeta.
        DynamicCustomOp op = DynamicCustomOp.builder("batchnorm_bp")
                .addInputs(in, mean, var, gamma.reshape(c), beta.reshape(c), grad)
                .addIntegerArguments(1, 1, 1)
                .addFloatingPointArguments(eps)
                .addOutputs(dx, dMean, dVar, dGammaView.reshape(c), dBetaView.reshape(c))
                .build();
        Nd4j.exec(op);
        Gradient g = new DefaultGradient();
        g.setGradientFor(BatchNormalizationParamInitializer.GAMMA, dGammaView);
        g.setGradientFor(BatchNormalizationParamInitializer.BETA, dBetaView);
        return new Pair<>(g, dx);
    }

    @Override
    public INDArray getMeanCache(DataType dataType) {
        return delegated ? oneDnn.getMeanCache(dataType) : mean;
    }

    @Override
    public INDArray getVarCache(DataType dataType) {
        return delegated ? oneDnn.getVarCache(dataType) : var;
    }

    @Override
    public boolean checkSupported(double eps, boolean fixedGammaBeta) {
        return !fixedGammaBeta && oneDnn.checkSupported(eps, fixedGammaBeta);
    }

    @Override
    public boolean checkSupported() {
        return oneDnn.checkSupported();
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return oneDnn.helperMemoryUse();
    }
}
