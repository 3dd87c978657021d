package org.fmplab.defense;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * NAD's training loss as one DL4J loss function, so that the student trains through the ordinary
 * {@link org.fmplab.model.Trainer}: cross-entropy on the logits plus, for each distilled feature map,
 * β_l · AT(F_l^student, F_l^teacher).
 *
 * <p>Attention (Zagoruyko &amp; Komodakis, as in NAD's released code): A(F) = Σ_c |F_c|^p over channels,
 * normalised per image, q = A / (‖A‖₂ + 1e-6); AT = mean over positions of (q_s − q_t)². Per example the
 * loss is CE + Σ_l β_l·AT_l; averaged over the batch it is NAD's loss exactly (F.mse_loss averages over
 * batch and positions). The gradient is derived by hand (below) and checked against finite differences
 * in the tests.
 *
 * <p>Layout. Input (pre-output, identity activation) per example: [logits (K) | F_1 flattened C_1·P_1 (C
 * order, channel-major) | F_2 | …]. Labels: [one-hot (K) | q_1 of the teacher (P_1) | q_2 | …]. Plain
 * bean for DL4J's JSON configuration.
 */
public final class DistillationLoss implements ILossFunction {
    static final double NORM_EPS = 1e-6;
    private int numClasses;
    private int[] channels = new int[0];
    private int[] positions = new int[0];
    private double[] betas = new double[0];
    private double p = 2;

    /** For JSON. */
    public DistillationLoss() { }

    /**
     * @param numClasses K
     * @param channels   C_l of each distilled feature map
     * @param positions  H_l·W_l of each
     * @param betas      β_l of each
     * @param p          attention exponent, ≥ 1
     */
    public DistillationLoss(int numClasses, int[] channels, int[] positions, double[] betas, double p) {
        if (channels.length != positions.length || channels.length != betas.length) {
            throw new IllegalArgumentException("channels, positions and betas need one entry per layer, got "
                    + channels.length + ", " + positions.length + ", " + betas.length);
        }
        if (!(p >= 1)) throw new IllegalArgumentException("p = " + p + " must be >= 1");
        this.numClasses = numClasses;
        this.channels = channels.clone();
        this.positions = positions.clone();
        this.betas = betas.clone();
        this.p = p;
    }

    public int getNumClasses() { return numClasses; }
    public void setNumClasses(int k) { numClasses = k; }
    public int[] getChannels() { return channels.clone(); }
    public void setChannels(int[] c) { channels = c.clone(); }
    public int[] getPositions() { return positions.clone(); }
    public void setPositions(int[] s) { positions = s.clone(); }
    public double[] getBetas() { return betas.clone(); }
    public void setBetas(double[] b) { betas = b.clone(); }
    public double getP() { return p; }
    public void setP(double v) { p = v; }

    /** Normalised attention map [N, H·W] of feature maps [N, C, H, W]. */
    public static INDArray attentionMap(INDArray features, double p) {
        long n = features.size(0), c = features.size(1), hw = features.size(2) * features.size(3);
        return normalise(powerSum(features.castTo(DataType.FLOAT).dup('c').reshape('c', n, c, hw), p));
    }

    /** NAD's attention-transfer loss between two feature maps [N, C, H, W]: mean of (q_s − q_t)². */
    public static double attentionLoss(INDArray student, INDArray teacher, double p) {
        INDArray d = attentionMap(student, p).subi(attentionMap(teacher, p));
        return d.muli(d).meanNumber().doubleValue();
    }

    private static INDArray powerSum(INDArray f3, double p) {
        INDArray abs = Transforms.abs(f3, true);
        return (p == 2 ? abs.muli(abs) : Transforms.pow(abs, p, false)).sum(1);
    }

    private static INDArray normalise(INDArray a) {
        INDArray norm = a.norm2(1).addi(NORM_EPS);
        return a.divColumnVector(norm.reshape(-1, 1));
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        requireIdentity(activationFn);
        INDArray z = preOutput.castTo(DataType.FLOAT);
        INDArray y = labels.castTo(DataType.FLOAT);
        long n = z.size(0);
        INDArray logits = z.get(NDArrayIndex.all(), NDArrayIndex.interval(0, numClasses));
        INDArray logp = logSoftmax(logits);
        INDArray score = logp.muli(y.get(NDArrayIndex.all(), NDArrayIndex.interval(0, numClasses))).sum(1).negi().reshape(n, 1);
        long zo = numClasses, yo = numClasses;
        for (int l = 0; l < channels.length; l++) {
            long size = (long) channels[l] * positions[l];
            INDArray f = z.get(NDArrayIndex.all(), NDArrayIndex.interval(zo, zo + size)).dup('c').reshape('c', n, channels[l], positions[l]);
            INDArray t = y.get(NDArrayIndex.all(), NDArrayIndex.interval(yo, yo + positions[l]));
            INDArray d = normalise(powerSum(f, p)).subi(t);
            score.addi(d.muli(d).mean(1).muli(betas[l]).reshape(n, 1));
            zo += size;
            yo += positions[l];
        }
        if (mask != null) score.muliColumnVector(mask.castTo(DataType.FLOAT).reshape(n, 1));
        return score;
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        double s = computeScoreArray(labels, preOutput, activationFn, mask).sumNumber().doubleValue();
        return average ? s / preOutput.size(0) : s;
    }

    /**
     * Per-example gradient (DL4J divides by the batch size later). For one map, with a = Σ_c |F_c|^p,
     * ν = ‖a‖₂, q = a/(ν+η) and g = ∂L/∂q = 2β(q − t)/P:
     * ∂L/∂a = g/(ν+η) − a·(a·g)/(ν(ν+η)²), and ∂L/∂F_c = ∂L/∂a · p|F_c|^(p−1)·sign(F_c).
     */
    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        requireIdentity(activationFn);
        INDArray z = preOutput.castTo(DataType.FLOAT);
        INDArray y = labels.castTo(DataType.FLOAT);
        long n = z.size(0);
        INDArray grad = Nd4j.zeros(DataType.FLOAT, z.shape());
        INDArray logits = z.get(NDArrayIndex.all(), NDArrayIndex.interval(0, numClasses));
        INDArray softmax = Transforms.exp(logSoftmax(logits), false);
        grad.get(NDArrayIndex.all(), NDArrayIndex.interval(0, numClasses))
                .assign(softmax.subi(y.get(NDArrayIndex.all(), NDArrayIndex.interval(0, numClasses))));
        long zo = numClasses, yo = numClasses;
        for (int l = 0; l < channels.length; l++) {
            long size = (long) channels[l] * positions[l];
            INDArray f = z.get(NDArrayIndex.all(), NDArrayIndex.interval(zo, zo + size)).dup('c').reshape('c', n, channels[l], positions[l]);
            INDArray t = y.get(NDArrayIndex.all(), NDArrayIndex.interval(yo, yo + positions[l]));
            INDArray a = powerSum(f, p);
            INDArray nu = a.norm2(1).reshape(n, 1);
            INDArray nuEps = nu.add(NORM_EPS);
            INDArray q = a.divColumnVector(nuEps);
            INDArray g = q.subi(t).muli(2 * betas[l] / positions[l]);
            INDArray dot = a.mul(g).sum(1).reshape(n, 1);
            INDArray coef = dot.divi(nu.mul(nuEps).muli(nuEps));
            zeroWhereZero(coef, nu);
            INDArray ga = g.divColumnVector(nuEps).subi(a.mulColumnVector(coef));
            INDArray dfdA = p == 2 ? f.mul(2) : Transforms.pow(Transforms.abs(f, true), p - 1, false).muli(Transforms.sign(f, true)).muli(p);
            Nd4j.getExecutioner().exec(new BroadcastMulOp(dfdA, ga, dfdA, 0, 2));
            grad.get(NDArrayIndex.all(), NDArrayIndex.interval(zo, zo + size)).assign(dfdA.reshape('c', n, size));
            zo += size;
            yo += positions[l];
        }
        if (mask != null) grad.muliColumnVector(mask.castTo(DataType.FLOAT).reshape(n, 1));
        return grad.castTo(preOutput.dataType());
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    @Override
    public String name() {
        return "NadDistillation";
    }

    @Override
    public String toString() {
        return "DistillationLoss(K=" + numClasses + ", betas=" + java.util.Arrays.toString(betas) + ", p=" + p + ")";
    }

    private static INDArray logSoftmax(INDArray logits) {
        INDArray max = logits.max(1).reshape(-1, 1);
        INDArray shifted = logits.subColumnVector(max);
        INDArray lse = Transforms.log(Transforms.exp(shifted, true).sum(1), false).reshape(-1, 1);
        return shifted.subiColumnVector(lse);
    }

    private static void requireIdentity(IActivation fn) {
        if (!(fn instanceof ActivationIdentity)) {
            throw new IllegalStateException("DistillationLoss expects an identity activation (it applies softmax itself), got " + fn);
        }
    }

    // Images whose attention norm is 0 have a zero map and a zero gradient (avoid 0/0).
    private static void zeroWhereZero(INDArray coef, INDArray nu) {
        for (long i = 0; i < nu.length(); i++) if (nu.getDouble(i) == 0) coef.putScalar(i, 0);
    }
}
