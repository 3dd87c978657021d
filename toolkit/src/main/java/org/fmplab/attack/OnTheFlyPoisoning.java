package org.fmplab.attack;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.fmplab.model.BatchTransform;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The one on-the-fly mechanism of the attacks that poison during training (WaNet, Input-aware, and
 * SSBA-lite with {@code redraw}). In every training batch:
 * <ol>
 * <li>for attacks that {@linkplain Attack#poisonsOnTheFly() re-draw their poison}: round(rate × batch)
 *     images eligible under the {@link Poisoner}'s rule are triggered and relabelled (the WaNet paper's
 *     scheme: over the epochs the trigger is seen on most training images, not on one fixed set);</li>
 * <li>round(ratio × rate × batch) of the other images that are NOT poisoned are replaced by a variant
 *     that keeps its true label (WaNet's noise-warped images, Input-aware's cross-pattern images),
 *     which teaches the model that only the exact trigger means the target.</li>
 * </ol>
 * The attack says only how a variant is made.
 */
final class OnTheFlyPoisoning implements BatchTransform {

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
    private final Attack redrawn;
    private final PoisonConfig config;

    /**
     * @param ratio    cross ratio (WaNet: 2); 0 = no cross samples
     * @param poisoned the poisoned training set; when it was {@linkplain PoisonedDataset#onTheFly() poisoned
     *                 on the fly}, {@code attack} triggers and relabels images of every batch
     * @param variant  the label-keeping variant (unused when {@code ratio} is 0)
     */
    OnTheFlyPoisoning(double ratio, PoisonedDataset poisoned, Attack attack, Variant variant) {
        this.config = poisoned.config();
        this.share = ratio * config.rate();
        this.poisoned = mask(poisoned.dataset().size(), poisoned.poisonIndices());
        this.variant = variant;
        this.redrawn = poisoned.onTheFly() ? attack : null;
    }

    /** The transform, or null when it would change nothing (no cross samples, fixed poison). */
    static BatchTransform of(double ratio, PoisonedDataset poisoned, Attack attack, Variant variant) {
        return ratio == 0 && !poisoned.onTheFly() ? null : new OnTheFlyPoisoning(ratio, poisoned, attack, variant);
    }

    private static boolean[] mask(int n, int[] indices) {
        boolean[] m = new boolean[n];
        for (int i : indices) m[i] = true;
        return m;
    }

    @Override
    public Batch apply(Batch batch, SplittableRandom rng) {
        int n = batch.indices().length;
        INDArray x = batch.features().dup();
        INDArray y = batch.labels();
        boolean[] taken = new boolean[n];
        if (redrawn != null) {
            int classes = (int) y.size(1);
            int[] label = Nd4j.argMax(y, 1).toIntVector();
            List<Integer> eligible = new ArrayList<>();
            for (int r = 0; r < n; r++) if (Poisoner.eligible(redrawn, config, label[r])) eligible.add(r);
            int[] rows = pick(eligible, (int) Math.round(config.rate() * n), rng);
            if (rows.length > 0) {
                int[] ids = new int[rows.length];
                for (int k = 0; k < rows.length; k++) ids[k] = batch.indices()[rows[k]];
                replace(x, rows, redrawn.apply(rowsOf(x, rows), ids));
                if (!redrawn.cleanLabel()) {
                    y = y.dup();
                    for (int r : rows) {
                        y.getRow(r).assign(0);
                        y.putScalar(r, config.mode().targetFor(label[r], config.target(), classes), 1.0);
                    }
                }
                for (int r : rows) taken[r] = true;
            }
        }
        List<Integer> eligible = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            int i = batch.indices()[r];
            if (!taken[r] && (i < 0 || i >= poisoned.length || !poisoned[i])) eligible.add(r);
        }
        int[] rows = pick(eligible, (int) Math.round(share * n), rng);
        if (rows.length > 0) replace(x, rows, variant.make(x, rows, rng));
        return new Batch(x, y, batch.indices());
    }

    // m rows drawn without replacement (partial Fisher-Yates), at most all of them.
    private static int[] pick(List<Integer> eligible, int m, SplittableRandom rng) {
        m = Math.min(m, eligible.size());
        int[] rows = new int[m];
        for (int k = 0; k < m; k++) {
            int j = k + rng.nextInt(eligible.size() - k);
            Integer t = eligible.get(k);
            eligible.set(k, eligible.get(j));
            eligible.set(j, t);
            rows[k] = eligible.get(k);
        }
        return rows;
    }

    /** The given rows of a batch, as a new array. */
    static INDArray rowsOf(INDArray batch, int[] rows) {
        long[] r = new long[rows.length];
        for (int k = 0; k < rows.length; k++) r[k] = rows[k];
        return batch.get(NDArrayIndex.indices(r)).dup();
    }

    private static void replace(INDArray x, int[] rows, INDArray with) {
        for (int k = 0; k < rows.length; k++) x.get(NDArrayIndex.point(rows[k])).assign(with.get(NDArrayIndex.point(k)));
    }
}
