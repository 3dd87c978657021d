package org.fmplab.model;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * DL4J's 2-D convolution, except that backprop does not run the forward convolution again.
 *
 * <p>DL4J's {@code ConvolutionLayer.backpropGradient} recomputes the layer's pre-activation to apply the
 * activation's derivative, even for the identity, whose derivative does not read it (9% of a
 * PreActResNet-18 training step, docs/benchmarks.md). With the identity activation the layer's output is its
 * pre-activation, so this layer keeps the output of its last training forward pass and hands it to its
 * own backward pass instead. The kept array is dropped by every forward pass (a new training forward
 * replaces it, an inference forward leaves none), by the backward pass that uses it, and by
 * {@code clear()}, so no later pass can see an old one; other activations are computed as DL4J does.
 *
 * <p>Same configuration, parameters and JSON fields as {@link ConvolutionLayer} (it is one): code that
 * reads convolutions accepts it through {@link #isPlainConvolution}. Built with
 * {@code new KeptOutputConvolution(new ConvolutionLayer.Builder(...))}.
 *
 * <p>By default ({@code -Dfmplab.conv-backward=forward}, read when a layer is instantiated) the backward pass of a
 * stride-1, dilation-1 convolution with the identity activation on NCHW float maps larger than 28×28 runs as
 * two forward convolutions instead of libnd4j's {@code conv2d_bp}, for which oneDNN picks Winograd on 32×32 maps
 * (51–82 ms instead of 2.5 ms for 16 → 16 channels, docs/benchmarks.md run 5): the input gradient is the
 * convolution of dL/dy with the flipped, transposed kernel, the weight gradient the convolution of the input
 * with dL/dy with batch and channels swapped. Other convolutions, and {@code -Dfmplab.conv-backward=dl4j}, keep
 * DL4J's.
 */
public class KeptOutputConvolution extends ConvolutionLayer {

    /** System property choosing the backward pass: {@code forward} (the default) or {@code dl4j}. */
    public static final String CONV_BACKWARD_PROPERTY = "fmplab.conv-backward";

    /**
     * Input maps up to this many pixels (28×28) keep {@code conv2d_bp} even with {@code forward}: oneDNN's
     * Winograd backward is fast there (2.5 ms for 16 → 16 channels at 28×28, 51–82 ms at 30×30 and 32×32,
     * docs/benchmarks.md run 5), and on smaller maps the two forward convolutions and transposing copies
     * cost as much as or more than {@code conv2d_bp} (run 6).
     */
    static final long MAX_CONV2D_BP_AREA = 28 * 28;

    /** The value of {@link #CONV_BACKWARD_PROPERTY}: true for {@code forward}. */
    static boolean forwardBackwardAsked() {
        String v = System.getProperty(CONV_BACKWARD_PROPERTY, "forward");
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "forward" -> true;
            case "dl4j" -> false;
            default -> throw new IllegalArgumentException(CONV_BACKWARD_PROPERTY + ": '" + v + "' (valid: forward, dl4j)");
        };
    }

    /** Kernel [out, in, kH, kW] → [in, out, kH, kW] rotated by 180° in space (a contiguous copy). */
    public static INDArray flipTranspose(INDArray w) {
        int o = (int) w.size(0), in = (int) w.size(1), kh = (int) w.size(2), kw = (int) w.size(3);
        INDArray src = w.dup('c');
        INDArray out = Nd4j.create(w.dataType(), new long[] {in, o, kh, kw}, 'c');
        for (int y = 0; y < kh; y++) {
            for (int x = 0; x < kw; x++) {
                out.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(kh - 1 - y), NDArrayIndex.point(kw - 1 - x))
                        .assign(src.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(y), NDArrayIndex.point(x)).transpose());
            }
        }
        return out;
    }

    /**
     * Padding {pH, pW} of the convolution with the flipped, transposed kernel ({@link #flipTranspose}) that computes
     * the input gradient of a stride-1, undilated convolution with kernel {@code k} and padding {@code p} (SAME:
     * (k − 1)/2 whatever {@code p} says): k − 1 − p, the full correlation. Null where no such convolution exists:
     * strided, dilated, an even kernel in SAME mode, or p > k − 1. Shared by this layer's backward pass and FMP's
     * probe.
     */
    public static int[] flippedPadding(int[] k, int[] p, int[] stride, int[] dilation, boolean same) {
        if (stride[0] != 1 || stride[1] != 1 || dilation[0] != 1 || dilation[1] != 1) return null;
        if (same && (k[0] % 2 == 0 || k[1] % 2 == 0)) return null;
        int fH = same ? (k[0] - 1) / 2 : k[0] - 1 - p[0];
        int fW = same ? (k[1] - 1) / 2 : k[1] - 1 - p[1];
        return fH >= 0 && fW >= 0 ? new int[] {fH, fW} : null;
    }

    /** Sets the backward pass of every {@link KeptOutputConvolution} in {@code net} (for A/B benchmarks). */
    public static void setForwardBackward(ComputationGraph net, boolean forward) {
        for (Layer l : net.getLayers()) if (l instanceof Impl impl) impl.useForwardBackward(forward);
    }

    /** For JSON deserialisation. */
    public KeptOutputConvolution() {
        super();
    }

    public KeptOutputConvolution(ConvolutionLayer.Builder builder) {
        super(builder);
    }

    /**
     * True for a plain 2-D convolution configuration: DL4J's {@link ConvolutionLayer} itself or this
     * layer, not its other subclasses (depthwise, separable, transposed, 1-D, 3-D) whose weights differ.
     */
    public static boolean isPlainConvolution(org.deeplearning4j.nn.conf.layers.Layer layer) {
        return layer != null && (layer.getClass() == ConvolutionLayer.class || layer.getClass() == KeptOutputConvolution.class);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index,
                             INDArray paramsView, boolean initializeParams, DataType dataType) {
        // As ConvolutionLayer.instantiate, with our implementation.
        LayerValidation.assertNInNOutSet("ConvolutionLayer", getLayerName(), index, getNIn(), getNOut());
        return LayerWiring.wire(new Impl(conf, dataType), conf, listeners, index, paramsView, initializer(), initializeParams);
    }

    /** The layer implementation: DL4J's, keeping its training output for its backward pass. */
    public static final class Impl extends org.deeplearning4j.nn.layers.convolution.ConvolutionLayer {
        /** Output of the last training forward pass, not yet used by a backward pass; else null. */
        private INDArray kept;
        /** Backward pass from forward convolutions where it applies ({@link #CONV_BACKWARD_PROPERTY}). */
        private boolean forwardBackward;

        Impl(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
            forwardBackward = forwardBackwardAsked();
        }

        /** Chooses the backward pass of this layer (tests, benchmarks). */
        void useForwardBackward(boolean forward) {
            forwardBackward = forward;
        }

        /** Whether a forward output is held for the next backward pass (for tests). */
        boolean holdsForwardOutput() {
            return kept != null;
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            kept = null;
            INDArray out = super.activate(training, workspaceMgr);
            // With the identity the output is the pre-activation; it lives in the forward pass's activation
            // workspace, which stays open until this layer's backward pass has run.
            if (training && layerConf().getActivationFn() instanceof ActivationIdentity) kept = out;
            return out;
        }

        @Override
        protected Pair<INDArray, INDArray> preOutput4d(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
            if (forBackprop && kept != null) {
                INDArray z = kept;
                kept = null;
                return new Pair<>(z, null);
            }
            return super.preOutput4d(training, forBackprop, workspaceMgr);
        }

        /**
         * Stride 1, dilation 1, identity, NCHW float, no dropout or weight noise, padding a forward conv can
         * undo, maps larger than {@link #MAX_CONV2D_BP_AREA}.
         */
        boolean forwardBackwardApplies() {
            org.deeplearning4j.nn.conf.layers.ConvolutionLayer c = layerConf();
            boolean modeOk = convolutionMode == ConvolutionMode.Same || convolutionMode == ConvolutionMode.Truncate
                    || convolutionMode == ConvolutionMode.Strict;
            return forwardBackward && modeOk && flippedPadding() != null
                    && c.getActivationFn() instanceof ActivationIdentity && c.getCnn2dDataFormat() == CNN2DFormat.NCHW
                    && c.getIDropout() == null && c.getWeightNoise() == null
                    && input != null && input.rank() == 4 && input.dataType() == DataType.FLOAT
                    && input.size(2) * input.size(3) > MAX_CONV2D_BP_AREA;
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            if (!forwardBackwardApplies()) return super.backpropGradient(epsilon, workspaceMgr);
            assertInputSet(true);
            kept = null; // the identity's derivative does not read the output
            INDArray delta = epsilon.dataType() == DataType.FLOAT ? epsilon : epsilon.castTo(DataType.FLOAT);
            INDArray w = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, workspaceMgr);
            int kH = (int) w.size(2), kW = (int) w.size(3);
            int[] f = flippedPadding();
            int pH = kH - 1 - f[0], pW = kW - 1 - f[1]; // the forward pass's own padding

            // dL/dx = dL/dy ⋆ (W flipped in space, in/out swapped), padded k − 1 − p: the full correlation.
            INDArray epsNext = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, input.shape(), 'c');
            conv2d(delta, flipTranspose(w), kH, kW, f[0], f[1], epsNext);

            // dL/dW[o, i] = Σ_n x[n, i] ⋆ dL/dy[n, o]: a convolution of x as [C_in, N, H, W] with dL/dy as the
            // kernel [C_out, N, H', W'], padded as the layer → [C_in, C_out, kH, kW].
            INDArray xT = transposed(input, workspaceMgr);
            INDArray dT = transposed(delta, workspaceMgr);
            INDArray wGradT = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.FLOAT,
                    new long[] {input.size(1), delta.size(1), kH, kW}, 'c');
            conv2d(xT, dT, (int) dT.size(2), (int) dT.size(3), pH, pW, wGradT);
            INDArray weightGradView = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
            weightGradView.assign(wGradT.permute(1, 0, 2, 3));

            Gradient g = new DefaultGradient();
            if (layerConf().hasBias()) {
                INDArray biasGradView = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
                biasGradView.assign(delta.sum(0, 2, 3).reshape(biasGradView.shape()));
                g.setGradientFor(ConvolutionParamInitializer.BIAS_KEY, biasGradView);
            }
            g.setGradientFor(ConvolutionParamInitializer.WEIGHT_KEY, weightGradView, 'c');
            weightNoiseParams.clear();
            return new Pair<>(g, epsNext);
        }

        private int[] flippedPadding() {
            org.deeplearning4j.nn.conf.layers.ConvolutionLayer c = layerConf();
            return KeptOutputConvolution.flippedPadding(c.getKernelSize(), c.getPadding(), c.getStride(), c.getDilation(),
                    convolutionMode == ConvolutionMode.Same);
        }

        /** [A, B, H, W] → a contiguous [B, A, H, W] copy in the backward pass's working memory. */
        private static INDArray transposed(INDArray a, LayerWorkspaceMgr workspaceMgr) {
            INDArray t = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, a.dataType(),
                    new long[] {a.size(1), a.size(0), a.size(2), a.size(3)}, 'c');
            return t.assign(a.permute(1, 0, 2, 3));
        }

        /** libnd4j's stride-1 NCHW {@code conv2d} with weights [out, in, kH, kW] and explicit padding, into {@code out}. */
        private static void conv2d(INDArray x, INDArray w, int kH, int kW, int pH, int pW, INDArray out) {
            Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(x, w).addOutputs(out)
                    .addIntegerArguments(kH, kW, 1, 1, pH, pW, 1, 1, 0, 0, 1).build());
        }

        @Override
        public void clear() {
            kept = null;
            super.clear();
        }
    }
}
