package org.fmplab.fmp;

import org.fmplab.model.KeptOutputConvolution;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinearDerivative;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * One vertex of a {@link ProbeNet}: a forward function and, for the vertices that can lie below a
 * feature map, its input gradient. Parameters are read-only references into the network (BatchNorm
 * already folded into a per-channel affine).
 */
abstract class ProbeNode {
    /** Forward values of a node's inputs, replicated to the batch size of the gradient being pushed. */
    interface Inputs {
        INDArray get(int i);
    }

    final String name;
    final int[] inputs;

    ProbeNode(String name, int[] inputs) {
        this.name = name;
        this.inputs = inputs;
    }

    abstract INDArray forward(INDArray[] in);

    /** Gradients with respect to each input, given the gradient {@code eps} of this node's output. */
    INDArray[] backward(INDArray eps, Inputs in) {
        throw new UnsupportedOperationException("input gradients through vertex '" + name + "' (" + kind()
                + ") are not supported by the FMP probe");
    }

    String kind() {
        return getClass().getSimpleName();
    }

    /** The network input. */
    static final class Input extends ProbeNode {
        Input(String name) {
            super(name, new int[0]);
        }

        @Override
        INDArray forward(INDArray[] in) {
            throw new IllegalStateException("the input node has no forward function");
        }
    }

    /**
     * A 2-D convolution (identity activation) with DL4J weights [out, in, kH, kW]. Input gradients of
     * stride-1 convolutions run as a plain convolution with the spatially flipped, transposed kernel
     * (oneDNN's fastest path); strided ones as a transposed convolution.
     */
    static final class Conv extends ProbeNode {
        final INDArray weights;
        final INDArray bias;
        final ProbeOps.Window window;
        private final ProbeOps.Window flippedWindow;
        private INDArray flipped;
        private INDArray[] flippedFilters;

        Conv(String name, int[] inputs, INDArray weights, INDArray bias, ProbeOps.Window window) {
            super(name, inputs);
            this.weights = weights;
            this.bias = bias;
            this.window = window;
            this.flippedWindow = ProbeOps.flippedWindow(window);
        }

        @Override
        INDArray forward(INDArray[] in) {
            return ProbeOps.conv2d(in[0], weights, bias, window);
        }

        @Override
        INDArray[] backward(INDArray eps, Inputs in) {
            INDArray x = in.get(0);
            if (flippedWindow != null) return new INDArray[] {ProbeOps.conv2d(eps, flipped(), null, flippedWindow)};
            return new INDArray[] {ProbeOps.convInputGrad(eps, weights, window, x.size(2), x.size(3))};
        }

        /**
         * Input gradient when only output channel {@code channel} carries gradient ({@code epsChannel}
         * [N, 1, H, W]): through that single filter, C times cheaper.
         */
        INDArray backwardOneChannel(int channel, INDArray epsChannel, Inputs in) {
            if (flippedWindow != null) return ProbeOps.conv2d(epsChannel, flippedFilter(channel), null, flippedWindow);
            INDArray x = in.get(0);
            INDArray filter = weights.get(NDArrayIndex.interval(channel, channel + 1), NDArrayIndex.all(),
                    NDArrayIndex.all(), NDArrayIndex.all());
            return ProbeOps.convInputGrad(epsChannel, filter, window, x.size(2), x.size(3));
        }

        private synchronized INDArray flipped() {
            if (flipped == null) {
                try (var ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                    flipped = KeptOutputConvolution.flipTranspose(weights);
                }
            }
            return flipped;
        }

        private synchronized INDArray flippedFilter(int channel) {
            if (flippedFilters == null) flippedFilters = new INDArray[(int) weights.size(0)];
            if (flippedFilters[channel] == null) {
                try (var ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                    flippedFilters[channel] = KeptOutputConvolution.flipTranspose(weights.get(NDArrayIndex.interval(channel, channel + 1),
                            NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()));
                }
            }
            return flippedFilters[channel];
        }
    }

    /** Inference-mode BatchNorm folded into y = x · scale + shift per channel. */
    static final class Affine extends ProbeNode {
        final INDArray scale;
        final INDArray shift;
        /** ReLU after the affine (a BatchNorm with its ReLU fused). */
        final boolean relu;

        Affine(String name, int[] inputs, INDArray scale, INDArray shift, boolean relu) {
            super(name, inputs);
            this.scale = scale;
            this.shift = shift;
            this.relu = relu;
        }

        @Override
        INDArray forward(INDArray[] in) {
            INDArray z = ProbeOps.affine(in[0], scale, shift);
            return relu ? Transforms.relu(z, false) : z;
        }

        @Override
        INDArray[] backward(INDArray eps, Inputs in) {
            if (!relu) return new INDArray[] {ProbeOps.scale(eps, scale)};
            // The ReLU's mask from the pre-activation, recomputed from the input (as an Activation node reads its input).
            INDArray z = ProbeOps.affine(in.get(0), scale, shift);
            Nd4j.exec(new RectifiedLinearDerivative(z, eps, z, 0.0));
            return new INDArray[] {ProbeOps.scale(z, scale)};
        }
    }

    /** An elementwise activation (DL4J's {@link IActivation}: forward and backprop; plain ReLU directly). */
    static final class Activation extends ProbeNode {
        final IActivation fn;
        private final boolean relu;

        Activation(String name, int[] inputs, IActivation fn) {
            super(name, inputs);
            this.fn = fn;
            this.relu = fn.getClass() == ActivationReLU.class && fn.equals(new ActivationReLU());
        }

        @Override
        INDArray forward(INDArray[] in) {
            if (fn instanceof ActivationIdentity) return in[0];
            return relu ? Transforms.relu(in[0], true) : fn.getActivation(in[0].dup(), false);
        }

        @Override
        INDArray[] backward(INDArray eps, Inputs in) {
            if (fn instanceof ActivationIdentity) return new INDArray[] {eps};
            INDArray x = in.get(0);
            if (relu) return new INDArray[] {Nd4j.exec(new RectifiedLinearDerivative(x, eps, x.ulike(), 0.0))[0]};
            return new INDArray[] {fn.backprop(x.dup(), eps.dup()).getFirst()};
        }
    }

    /** Max or average pooling window. */
    static final class Pool extends ProbeNode {
        final boolean max;
        final ProbeOps.Window window;
        final int divisorMode;

        Pool(String name, int[] inputs, boolean max, ProbeOps.Window window, int divisorMode) {
            super(name, inputs);
            this.max = max;
            this.window = window;
            this.divisorMode = divisorMode;
        }

        @Override
        INDArray forward(INDArray[] in) {
            return ProbeOps.pool2d(max ? "maxpool2d" : "avgpool2d", in[0], window, divisorMode);
        }

        @Override
        INDArray[] backward(INDArray eps, Inputs in) {
            return new INDArray[] {ProbeOps.pool2dGrad(max ? "maxpool2d_bp" : "avgpool2d_bp", in.get(0), eps, window, divisorMode)};
        }
    }

    /** Elementwise sum of the inputs (residual add). */
    static final class Add extends ProbeNode {
        Add(String name, int[] inputs) {
            super(name, inputs);
        }

        @Override
        INDArray forward(INDArray[] in) {
            INDArray sum = in[0].add(in[1]);
            for (int i = 2; i < in.length; i++) sum.addi(in[i]);
            return sum;
        }

        @Override
        INDArray[] backward(INDArray eps, Inputs in) {
            INDArray[] out = new INDArray[inputs.length];
            java.util.Arrays.fill(out, eps);
            return out;
        }
    }

    /** Global average or max pooling over the spatial dimensions (forward only). */
    static final class GlobalPool extends ProbeNode {
        final boolean max;

        GlobalPool(String name, int[] inputs, boolean max) {
            super(name, inputs);
            this.max = max;
        }

        @Override
        INDArray forward(INDArray[] in) {
            return max ? in[0].max(2, 3) : in[0].mean(2, 3);
        }
    }

    /**
     * A fully connected layer x·W + b with its activation (forward only); CNN inputs are flattened in
     * C order as DL4J's CnnToFeedForwardPreProcessor does. For the output layer the activation is
     * skipped: the node yields logits.
     */
    static final class Dense extends ProbeNode {
        final INDArray weights;
        final INDArray bias;
        final IActivation fn;

        Dense(String name, int[] inputs, INDArray weights, INDArray bias, IActivation fn) {
            super(name, inputs);
            this.weights = weights;
            this.bias = bias;
            this.fn = fn;
        }

        @Override
        INDArray forward(INDArray[] in) {
            INDArray x = in[0].rank() == 2 ? in[0] : in[0].dup('c').reshape('c', in[0].size(0), -1);
            INDArray z = x.mmul(weights);
            if (bias != null) z.addiRowVector(bias);
            return fn == null ? z : fn.getActivation(z, false);
        }
    }

    /** A vertex type the probe does not implement; fails with its name only if it is ever evaluated. */
    static final class Unsupported extends ProbeNode {
        final String type;

        Unsupported(String name, int[] inputs, String type) {
            super(name, inputs);
            this.type = type;
        }

        @Override
        INDArray forward(INDArray[] in) {
            throw new UnsupportedOperationException("vertex '" + name + "' (" + type + ") is not supported by the FMP probe");
        }

        @Override
        String kind() {
            return type;
        }
    }
}
