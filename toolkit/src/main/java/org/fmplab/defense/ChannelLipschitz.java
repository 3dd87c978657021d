package org.fmplab.defense;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.fmplab.model.FeatureMapLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * CLP's data-free channel Lipschitz upper bound (Zheng et al. 2022): for output channel k of a conv
 * followed by a BatchNorm, UCLC_k = σ_max(W_k) · |γ_k| / std_k, where W_k is the filter reshaped to
 * [in channels, kH·kW] and σ_max its largest singular value; std_k = √(var_k + ε) is the running std
 * the BN divides by at inference (the released code omits ε; the difference is negligible).
 */
public final class ChannelLipschitz {
    private ChannelLipschitz() { }

    /**
     * The bound of every channel of {@code layer}, using its first consumer BatchNorm; NaN-free.
     *
     * @throws IllegalArgumentException if the layer has no consumer BatchNorm
     */
    public static double[] upperBounds(ComputationGraph net, FeatureMapLayer layer) {
        if (layer.consumerBns().isEmpty()) {
            throw new IllegalArgumentException("conv layer '" + layer.name() + "' has no consumer BatchNorm; CLP needs one");
        }
        String bn = layer.consumerBns().get(0);
        INDArray w = net.getLayer(layer.name()).getParam(ConvolutionParamInitializer.WEIGHT_KEY);
        long out = w.size(0), in = w.size(1), k = w.size(2) * w.size(3);
        double[] flat = w.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] scale = BatchNorms.gamma(net, bn).castTo(DataType.DOUBLE).toDoubleVector();
        double[] std = BatchNorms.inferenceStd(net, bn).castTo(DataType.DOUBLE).toDoubleVector();
        double[] bounds = new double[(int) out];
        for (int c = 0; c < out; c++) {
            double[][] m = new double[(int) in][(int) k];
            for (int i = 0; i < in; i++) {
                System.arraycopy(flat, (int) ((c * in + i) * k), m[i], 0, (int) k);
            }
            bounds[c] = largestSingularValue(m) * Math.abs(scale[c]) / std[c];
        }
        return bounds;
    }

    /** σ_max of a dense matrix: the square root of the largest eigenvalue of its smaller Gram matrix. */
    public static double largestSingularValue(double[][] m) {
        int rows = m.length, cols = rows == 0 ? 0 : m[0].length;
        if (rows == 0 || cols == 0) return 0;
        boolean useRows = rows <= cols;
        int n = useRows ? rows : cols;
        double[][] g = new double[n][n];
        for (int a = 0; a < n; a++) {
            for (int b = a; b < n; b++) {
                double s = 0;
                if (useRows) for (int j = 0; j < cols; j++) s += m[a][j] * m[b][j];
                else for (int i = 0; i < rows; i++) s += m[i][a] * m[i][b];
                g[a][b] = s;
                g[b][a] = s;
            }
        }
        double max = 0;
        for (double e : symmetricEigenvalues(g)) max = Math.max(max, e);
        return Math.sqrt(max);
    }

    /** Eigenvalues of a symmetric matrix by cyclic Jacobi rotations (the input is overwritten). */
    static double[] symmetricEigenvalues(double[][] a) {
        int n = a.length;
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0, diag = 0;
            for (int i = 0; i < n; i++) {
                diag += a[i][i] * a[i][i];
                for (int j = i + 1; j < n; j++) off += a[i][j] * a[i][j];
            }
            if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (a[p][q] == 0) continue;
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p], akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k], aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                }
            }
        }
        double[] e = new double[n];
        for (int i = 0; i < n; i++) e[i] = a[i][i];
        return e;
    }
}
