package org.fmplab.fmp;

import java.util.Arrays;

/** Deterministic one-dimensional k-means with silhouette model selection, for {@link Selector.Cluster}. */
final class KMeans1d {
    private KMeans1d() { }

    /**
     * Indices of the cluster with the lowest centroid, for the k in [2, maxK] with the best mean
     * silhouette, if that cluster holds fewer than half of the values; otherwise (or when fewer than
     * two distinct values exist) none.
     */
    static int[] lowestMinorityCluster(double[] v, int maxK) {
        long distinct = Arrays.stream(v).distinct().count();
        int best = -1;
        double bestSilhouette = Double.NEGATIVE_INFINITY;
        int[] bestAssign = null;
        for (int k = 2; k <= Math.min(maxK, distinct); k++) {
            int[] assign = lloyd(v, k);
            double s = silhouette(v, assign, k);
            if (s > bestSilhouette + 1e-12) {
                bestSilhouette = s;
                best = k;
                bestAssign = assign;
            }
        }
        if (best < 0) return new int[0];
        // lloyd() numbers clusters by increasing centroid: cluster 0 is the lowest.
        int size = 0;
        for (int a : bestAssign) if (a == 0) size++;
        if (2 * size >= v.length) return new int[0];
        int[] out = new int[size];
        int o = 0;
        for (int i = 0; i < v.length; i++) if (bestAssign[i] == 0) out[o++] = i;
        return out;
    }

    /** Lloyd's algorithm from quantile starts; clusters are numbered by increasing centroid. */
    static int[] lloyd(double[] v, int k) {
        double[] sorted = v.clone();
        Arrays.sort(sorted);
        double[] c = new double[k];
        for (int j = 0; j < k; j++) c[j] = sorted[(int) Math.round((j + 0.5) * (sorted.length - 1) / k)];
        int[] assign = new int[v.length];
        for (int iter = 0; iter < 100; iter++) {
            boolean changed = false;
            for (int i = 0; i < v.length; i++) {
                int a = nearest(c, v[i]);
                if (a != assign[i]) {
                    assign[i] = a;
                    changed = true;
                }
            }
            double[] sum = new double[k];
            int[] n = new int[k];
            for (int i = 0; i < v.length; i++) {
                sum[assign[i]] += v[i];
                n[assign[i]]++;
            }
            for (int j = 0; j < k; j++) if (n[j] > 0) c[j] = sum[j] / n[j];
            if (!changed && iter > 0) break;
        }
        // Renumber by centroid so that cluster 0 is the lowest.
        Integer[] order = new Integer[k];
        for (int j = 0; j < k; j++) order[j] = j;
        Arrays.sort(order, (a, b) -> Double.compare(c[a], c[b]));
        int[] rename = new int[k];
        for (int j = 0; j < k; j++) rename[order[j]] = j;
        for (int i = 0; i < assign.length; i++) assign[i] = rename[assign[i]];
        return assign;
    }

    private static int nearest(double[] c, double x) {
        int best = 0;
        for (int j = 1; j < c.length; j++) if (Math.abs(x - c[j]) < Math.abs(x - c[best])) best = j;
        return best;
    }

    /** Mean silhouette (distance |a − b|); singleton clusters score 0, as usual. */
    static double silhouette(double[] v, int[] assign, int k) {
        double total = 0;
        for (int i = 0; i < v.length; i++) {
            double[] sum = new double[k];
            int[] n = new int[k];
            for (int j = 0; j < v.length; j++) {
                if (j == i) continue;
                sum[assign[j]] += Math.abs(v[i] - v[j]);
                n[assign[j]]++;
            }
            int own = assign[i];
            if (n[own] == 0) continue;
            double a = sum[own] / n[own];
            double b = Double.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) if (j != own && n[j] > 0) b = Math.min(b, sum[j] / n[j]);
            if (b == Double.POSITIVE_INFINITY) continue;
            double m = Math.max(a, b);
            total += m == 0 ? 0 : (b - a) / m;
        }
        return total / v.length;
    }
}
