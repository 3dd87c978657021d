package org.fmplab.fmp;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Per replica of a probe batch: top-1 accuracy, mean cross-entropy, mean logit margin and the flip
 * histogram (predicted class of every misclassified image), accumulated over the chunks of a probe
 * that is processed in parts ({@link #add}).
 */
final class Scoring {
    private final int replicas;
    private long images;
    private final int[] hits;
    private final double[] loss;
    private final double[] margin;
    private int[][] flips;

    private Scoring(int replicas) {
        this.replicas = replicas;
        this.hits = new int[replicas];
        this.loss = new double[replicas];
        this.margin = new double[replicas];
    }

    /** Scores of one batch: logits [r·B, K] for r replicas of B images with {@code labels}. */
    static Scoring of(INDArray logits, int[] labels, int replicas) {
        return empty(replicas).add(logits, labels);
    }

    static Scoring empty(int replicas) {
        return new Scoring(replicas);
    }

    /** Adds a chunk: logits [r·B, K] for r replicas of the B images {@code labels}. Returns this. */
    Scoring add(INDArray logits, int[] labels) {
        double[][] z = logits.toDoubleMatrix();
        int n = labels.length;
        if (z.length != (long) n * replicas) {
            throw new IllegalStateException(z.length + " logit rows for " + replicas + " replicas of " + n + " images");
        }
        if (flips == null) flips = new int[replicas][z.length == 0 ? 0 : z[0].length];
        for (int r = 0; r < replicas; r++) {
            for (int i = 0; i < n; i++) {
                double[] row = z[r * n + i];
                int y = labels[i];
                int arg = 0;
                double max = row[0];
                for (int c = 1; c < row.length; c++) if (row[c] > max) { max = row[c]; arg = c; }
                double other = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < row.length; c++) if (c != y && row[c] > other) other = row[c];
                if (arg == y) hits[r]++;
                else flips[r][arg]++;
                double sum = 0;
                for (double v : row) sum += Math.exp(v - max);
                loss[r] += Math.log(sum) + max - row[y];
                margin[r] += row[y] - other;
            }
        }
        images += n;
        return this;
    }

    double accuracy(int replica) {
        return (double) hits[replica] / images;
    }

    double loss(int replica) {
        return loss[replica] / images;
    }

    double margin(int replica) {
        return margin[replica] / images;
    }

    List<Integer> flipsTo(int replica) {
        List<Integer> out = new ArrayList<>();
        for (int v : flips[replica]) out.add(v);
        return out;
    }
}
