package org.fmplab.fmp;

import org.fmplab.model.KeptOutputConvolution;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The few ND4J (libnd4j/oneDNN) operations the probe network needs, NCHW throughout. Input gradients
 * of convolutions use a transposed convolution of the output gradient (no weight gradient, no
 * recomputed forward), which equals libnd4j's {@code conv2d_bp} input gradient exactly.
 */
final class ProbeOps {
    private ProbeOps() { }

    /** Geometry of a 2-D convolution or pooling window; {@code pH, pW} are explicit pads unless {@code same}. */
    record Window(int kH, int kW, int sH, int sW, int pH, int pW, int dH, int dW, boolean same) {
        int[] args(int... extra) {
            int[] base = {kH, kW, sH, sW, pH, pW, dH, dW, same ? 1 : 0};
            int[] out = java.util.Arrays.copyOf(base, base.length + extra.length);
            System.arraycopy(extra, 0, out, base.length, extra.length);
            return out;
        }

        /** Top padding actually used for an input of height {@code in} giving output height {@code out}. */
        int padTop(long in, long out) {
            return same ? (int) Math.max(0, ((out - 1) * sH + (long) (kH - 1) * dH + 1 - in) / 2) : pH;
        }

        int padLeft(long in, long out) {
            return same ? (int) Math.max(0, ((out - 1) * sW + (long) (kW - 1) * dW + 1 - in) / 2) : pW;
        }
    }

    /** Convolution with DL4J-layout weights [out, in, kH, kW]; {@code bias} may be null. */
    static INDArray conv2d(INDArray x, INDArray w, INDArray bias, Window win) {
        DynamicCustomOp.DynamicCustomOpsBuilder b = DynamicCustomOp.builder("conv2d");
        if (bias == null) b.addInputs(x, w); else b.addInputs(x, w, bias.reshape(bias.length()));
        return Nd4j.exec(b.addIntegerArguments(win.args(0, 1)).build())[0];
    }

    /**
     * Gradient of a convolution's input of size {@code inH × inW} given the gradient of its output: the
     * full transposed convolution with the same weights (row r is padded-input row r, so input row
     * r − padTop), cropped or zero-extended to the input (rows the convolution never reads get 0). libnd4j's
     * own padding would crop symmetrically, which is wrong when the last window reaches the last input
     * row but not a bottom pad (PyTorch-style explicit padding, stride 2, even input size).
     */
    static INDArray convInputGrad(INDArray eps, INDArray w, Window win, long inH, long inW) {
        int pt = win.padTop(inH, eps.size(2));
        int pl = win.padLeft(inW, eps.size(3));
        INDArray d = Nd4j.exec(DynamicCustomOp.builder("deconv2d").addInputs(eps, w)
                .addIntegerArguments(win.kH(), win.kW(), win.sH(), win.sW(), 0, 0, win.dH(), win.dW(), 0, 0, 1)
                .build())[0];
        if (pt == 0 && pl == 0 && d.size(2) == inH && d.size(3) == inW) return d;
        INDArray g = Nd4j.zeros(d.dataType(), d.size(0), d.size(1), inH, inW);
        long h = Math.min(inH, d.size(2) - pt);
        long ww = Math.min(inW, d.size(3) - pl);
        g.get(spatial(0, h, 0, ww)).assign(d.get(spatial(pt, pt + h, pl, pl + ww)));
        return g;
    }

    /**
     * The window of the convolution that computes a stride-1 convolution's input gradient with the
     * flipped, transposed kernel ({@link KeptOutputConvolution#flipTranspose}), or null when that does not apply (strided,
     * dilated, or even kernels in SAME mode).
     */
    static Window flippedWindow(Window w) {
        int[] p = KeptOutputConvolution.flippedPadding(new int[] {w.kH(), w.kW()}, new int[] {w.pH(), w.pW()},
                new int[] {w.sH(), w.sW()}, new int[] {w.dH(), w.dW()}, w.same());
        return p == null ? null : new Window(w.kH(), w.kW(), 1, 1, p[0], p[1], 1, 1, w.same());
    }

    private static INDArrayIndex[] spatial(long h0, long h1, long w0, long w1) {
        return new INDArrayIndex[] {NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(h0, h1), NDArrayIndex.interval(w0, w1)};
    }

    /** Max or average pooling ({@code op} = "maxpool2d" / "avgpool2d"; {@code extra} = avg divisor mode). */
    static INDArray pool2d(String op, INDArray x, Window win, int extra) {
        return Nd4j.exec(DynamicCustomOp.builder(op).addInputs(x).addIntegerArguments(win.args(extra, 0)).build())[0];
    }

    /** Input gradient of {@link #pool2d} ({@code op} = "maxpool2d_bp" / "avgpool2d_bp"). */
    static INDArray pool2dGrad(String op, INDArray x, INDArray eps, Window win, int extra) {
        INDArray out = Nd4j.createUninitialized(x.dataType(), x.shape());
        Nd4j.exec(DynamicCustomOp.builder(op).addInputs(x, eps).addOutputs(out).addIntegerArguments(win.args(extra, 0)).build());
        return out;
    }

    /** x · scale + shift per channel (dimension 1), scale and shift of length C. */
    static INDArray affine(INDArray x, INDArray scale, INDArray shift) {
        INDArray out = Nd4j.createUninitialized(x.dataType(), x.shape());
        Nd4j.getExecutioner().exec(new BroadcastMulOp(x, scale, out, 1));
        Nd4j.getExecutioner().exec(new BroadcastAddOp(out, shift, out, 1));
        return out;
    }

    /** eps · scale per channel (dimension 1). */
    static INDArray scale(INDArray eps, INDArray scale) {
        INDArray out = Nd4j.createUninitialized(eps.dataType(), eps.shape());
        Nd4j.getExecutioner().exec(new BroadcastMulOp(eps, scale, out, 1));
        return out;
    }
}
