package org.fmplab.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded index helpers for choosing parts of a dataset: the same seed always gives the same indices,
 * on every machine. Use the result with {@link ImageDataset#subset(int[])}.
 */
public final class Subsets {
    private Subsets() {
    }

    /**
     * A class-balanced random subset: from each class with {@code m} images, {@code round(fraction × m)}
     * of them, and at least one.
     *
     * @param fraction in (0, 1]
     * @return the chosen indices in ascending order
     * @throws IllegalArgumentException if {@code fraction} is outside (0, 1]
     */
    public static int[] classBalanced(ImageDataset ds, double fraction, long seed) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be in (0, 1], got " + fraction);
        }
        int k = ds.numClasses();
        int[][] byClass = new int[k][];
        int[] counts = ds.classCounts();
        for (int c = 0; c < k; c++) byClass[c] = new int[counts[c]];
        int[] fill = new int[k];
        for (int i = 0; i < ds.size(); i++) {
            int c = ds.label(i);
            byClass[c][fill[c]++] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int total = 0;
        int[] take = new int[k];
        for (int c = 0; c < k; c++) {
            if (counts[c] == 0) continue;
            take[c] = (int) Math.max(1, Math.min(counts[c], Math.round(fraction * counts[c])));
            partialShuffle(byClass[c], take[c], rng);
            total += take[c];
        }
        int[] out = new int[total];
        int o = 0;
        for (int c = 0; c < k; c++) {
            System.arraycopy(byClass[c], 0, out, o, take[c]);
            o += take[c];
        }
        Arrays.sort(out);
        return out;
    }

    /**
     * The indices of [0, n) that are not in {@code indices}, ascending.
     *
     * @throws IllegalArgumentException if an index is outside [0, n)
     */
    public static int[] complement(int n, int[] indices) {
        requireNonNegative("n", n);
        boolean[] taken = new boolean[n];
        int distinct = 0;
        for (int i : indices) {
            if (i < 0 || i >= n) throw new IllegalArgumentException("index " + i + " is outside [0, " + n + ")");
            if (!taken[i]) distinct++;
            taken[i] = true;
        }
        int[] out = new int[n - distinct];
        int o = 0;
        for (int i = 0; i < n; i++) {
            if (!taken[i]) out[o++] = i;
        }
        return out;
    }

    /** A seeded random permutation of [0, n) (Fisher–Yates with {@link SplittableRandom}). */
    public static int[] shuffled(int n, long seed) {
        requireNonNegative("n", n);
        int[] a = ImageDataset.range(n);
        partialShuffle(a, n, new SplittableRandom(seed));
        return a;
    }

    /**
     * {@code k} distinct indices drawn uniformly from [0, n), ascending.
     *
     * @throws IllegalArgumentException unless 0 ≤ k ≤ n
     */
    public static int[] randomSample(int n, int k, long seed) {
        requireNonNegative("n", n);
        if (k < 0 || k > n) throw new IllegalArgumentException("k must be in [0, " + n + "], got " + k);
        int[] a = ImageDataset.range(n);
        partialShuffle(a, k, new SplittableRandom(seed));
        int[] out = Arrays.copyOf(a, k);
        Arrays.sort(out);
        return out;
    }

    /** Moves a uniform random choice of {@code k} elements of {@code a} to its front, in random order. */
    private static void partialShuffle(int[] a, int k, SplittableRandom rng) {
        for (int i = 0; i < k && i < a.length - 1; i++) {
            int j = i + rng.nextInt(a.length - i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static void requireNonNegative(String field, int value) {
        if (value < 0) throw new IllegalArgumentException(field + " must be >= 0, got " + value);
    }
}
