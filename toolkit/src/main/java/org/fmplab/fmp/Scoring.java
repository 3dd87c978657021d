package org.fmplab.fmp;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Top-1 accuracy and mean cross-entropy of logits [r·B, K] per replica of a B-image probe batch. */
final class Scoring {
    private final double[] accuracy;
    private final double[] loss;

    private Scoring(double[] accuracy, double[] loss) {
        this.accuracy = accuracy;
        this.loss = loss;
    }

    static Scoring of(INDArray logits, int[] labels, int replicas) {
        double[][] z = logits.toDoubleMatrix();
        int n = labels.length;
        if (z.length != (long) n * replicas) {
            throw new IllegalStateException(z.length + " logit rows for " + replicas + " replicas of " + n + " images");
        }
        double[] acc = new double[replicas];
        double[] loss = new double[replicas];
        for (int r = 0; r < replicas; r++) {
            int hit = 0;
            double ce = 0;
            for (int i = 0; i < n; i++) {
                double[] row = z[r * n + i];
                int arg = 0;
                double max = row[0];
                for (int c = 1; c < row.length; c++) if (row[c] > max) { max = row[c]; arg = c; }
                if (arg == labels[i]) hit++;
                double sum = 0;
                for (double v : row) sum += Math.exp(v - max);
                ce += Math.log(sum) + max - row[labels[i]];
            }
            acc[r] = (double) hit / n;
            loss[r] = ce / n;
        }
        return new Scoring(acc, loss);
    }

    double accuracy(int replica) {
        return accuracy[replica];
    }

    double loss(int replica) {
        return loss[replica];
    }
}
