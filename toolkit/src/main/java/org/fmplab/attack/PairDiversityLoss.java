package org.fmplab.attack;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Input-aware's generator losses on flattened outputs [N,D] with the flattened SOURCE images as
 * "labels": the diversity loss λ_div · mean over pairs of d(x_i, x_j) / (d(p_i, p_j) + 1e-6), where d
 * is the root-mean-square distance and sample i is paired with i + N/2, plus the mask density penalty
 * λ_norm · mean(relu(p − density)). Written for DL4J's convention: per-example scores whose batch mean
 * is the objective, and gradients of their sum.
 */
public final class PairDiversityLoss implements ILossFunction {
    private static final double EPS = 1e-6;
    private final double lambdaDiv;
    private final double lambdaNorm;
    private final double density;

    public PairDiversityLoss(@JsonProperty("lambdaDiv") double lambdaDiv, @JsonProperty("lambdaNorm") double lambdaNorm,
                             @JsonProperty("density") double density) {
        this.lambdaDiv = lambdaDiv;
        this.lambdaNorm = lambdaNorm;
        this.density = density;
    }

    @JsonProperty("lambdaDiv") public double getLambdaDiv() { return lambdaDiv; }
    @JsonProperty("lambdaNorm") public double getLambdaNorm() { return lambdaNorm; }
    @JsonProperty("density") public double getDensity() { return density; }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        double s = computeScoreArray(labels, preOutput, activationFn, mask).sumNumber().doubleValue();
        return average ? s / preOutput.size(0) : s;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return compute(labels, activationFn.getActivation(preOutput.dup(), true), false).getFirst();
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray out = activationFn.getActivation(preOutput.dup(), true);
        INDArray dOut = compute(labels, out, true).getSecond();
        return activationFn.backprop(preOutput.dup(), dOut).getFirst();
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    // Per-example scores [N,1] and (when asked) the gradient of their sum with respect to the outputs.
    private Pair<INDArray, INDArray> compute(INDArray images, INDArray out, boolean gradient) {
        int n = (int) out.size(0), d = (int) out.size(1), di = (int) images.size(1);
        float[] p = ImageOps.floats(out), x = ImageOps.floats(images);
        double[] score = new double[n];
        float[] grad = gradient ? new float[n * d] : null;
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int k = 0; k < d; k++) {
                double v = p[i * d + k] - density;
                if (v > 0) {
                    norm += v;
                    if (gradient) grad[i * d + k] += (float) (lambdaNorm / d);
                }
            }
            score[i] += lambdaNorm * norm / d;
        }
        int pairs = n / 2;
        for (int i = 0; i < pairs && lambdaDiv != 0; i++) {
            int j = i + pairs;
            double dImg = rms(x, i * di, j * di, di), dPat = rms(p, i * d, j * d, d);
            double w = lambdaDiv * n / pairs;
            score[i] += w * dImg / (dPat + EPS);
            if (gradient && dPat > 1e-12) {
                double c = -w * dImg / ((dPat + EPS) * (dPat + EPS)) / (d * dPat);
                for (int k = 0; k < d; k++) {
                    float g = (float) (c * (p[i * d + k] - p[j * d + k]));
                    grad[i * d + k] += g;
                    grad[j * d + k] -= g;
                }
            }
        }
        INDArray s = Nd4j.createFromArray(score).castTo(out.dataType()).reshape(n, 1);
        return new Pair<>(s, gradient ? ImageOps.array(grad, n, d).castTo(out.dataType()) : null);
    }

    private static double rms(float[] a, int i, int j, int d) {
        double s = 0;
        for (int k = 0; k < d; k++) {
            double v = a[i + k] - a[j + k];
            s += v * v;
        }
        return Math.sqrt(s / d);
    }

    @Override
    public String name() {
        return "PairDiversityLoss(div=" + lambdaDiv + ", norm=" + lambdaNorm + ", density=" + density + ")";
    }

    @Override
    public String toString() {
        return name();
    }
}
