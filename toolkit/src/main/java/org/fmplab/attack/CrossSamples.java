package org.fmplab.attack;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.fmplab.model.BatchTransform;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The one on-the-fly mechanism of the attacks that poison during training (WaNet, Input-aware): in
 * every training batch, round(ratio × rate × batch size) images that are NOT poisoned are replaced by
 * a variant that keeps its true label (WaNet's noise-warped images, Input-aware's cross-pattern images),
 * which teaches the model that only the exact trigger means the target. The attack says only how a
 * variant is made.
 */
final class CrossSamples implements BatchTransform {

    /** Makes the label-keeping variants of the chosen rows of a batch. */
    @FunctionalInterface
    interface Variant {
        /**
         * @param batch the batch images [N,C,H,W] in [0,1]
         * @param rows  the rows to replace
         * @return the replacements [rows.length,C,H,W]
         */
        INDArray make(INDArray batch, int[] rows, SplittableRandom rng);
    }

    private final double share;
    private final boolean[] poisoned;
    private final Variant variant;

    /**
     * @param ratio    cross ratio (WaNet: 2)
     * @param rate     the poisoning rate
     * @param poisoned poisoned[i] is true when training image i is poisoned (null: none known)
     */
    CrossSamples(double ratio, double rate, boolean[] poisoned, Variant variant) {
        this.share = ratio * rate;
        this.poisoned = poisoned;
        this.variant = variant;
    }

    /** A lookup table of the poisoned indices of a training set of {@code n} images. */
    static boolean[] mask(int n, int[] indices) {
        boolean[] m = new boolean[n];
        for (int i : indices) m[i] = true;
        return m;
    }

    @Override
    public Batch apply(Batch batch, SplittableRandom rng) {
        int n = batch.indices().length;
        List<Integer> eligible = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            int i = batch.indices()[r];
            if (poisoned == null || i >= poisoned.length || !poisoned[i]) eligible.add(r);
        }
        int m = (int) Math.min(eligible.size(), Math.round(share * n));
        if (m == 0) return batch;
        int[] rows = new int[m];
        for (int k = 0; k < m; k++) { // partial Fisher-Yates over the eligible rows
            int j = k + rng.nextInt(eligible.size() - k);
            Integer t = eligible.get(k);
            eligible.set(k, eligible.get(j));
            eligible.set(j, t);
            rows[k] = eligible.get(k);
        }
        INDArray x = batch.features().dup();
        INDArray replaced = variant.make(x, rows, rng);
        for (int k = 0; k < m; k++) x.get(NDArrayIndex.point(rows[k])).assign(replaced.get(NDArrayIndex.point(k)));
        return new Batch(x, batch.labels(), batch.indices());
    }
}
