package org.fmplab.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fmplab.model.BatchTransform;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The shared row-by-row check of attacks that poison batches on the fly (all-to-one): every relabelled row
 * came from a non-target class, now has the target label and is exactly the attack's own triggered image;
 * the other rows are counted when their pixels changed (cross / noise samples keep their labels).
 */
final class OnTheFlyRows {
    /** Rows relabelled to the target, and rows changed with their labels kept. */
    record Counts(int relabelled, int changedKeepingLabel) { }

    private OnTheFlyRows() { }

    /**
     * @param triggerEps   tolerance between a relabelled row and {@code attack.apply} of its input row
     * @param unchangedEps tolerance under which a row with its label kept counts as unchanged
     */
    static Counts check(Attack attack, BatchTransform.Batch in, BatchTransform.Batch out, int target, double triggerEps, double unchangedEps) {
        int[] before = Nd4j.argMax(in.labels(), 1).toIntVector();
        int[] after = Nd4j.argMax(out.labels(), 1).toIntVector();
        int relabelled = 0, changed = 0;
        for (int r = 0; r < before.length; r++) {
            INDArray x = in.features().get(NDArrayIndex.interval(r, r + 1));
            INDArray y = out.features().get(NDArrayIndex.interval(r, r + 1));
            if (after[r] != before[r]) {
                relabelled++;
                assertNotEquals(target, before[r], "row " + r + ": all-to-one victims come from the non-target classes");
                assertEquals(target, after[r], "row " + r + " relabelled to the target");
                assertTrue(attack.apply(x, new int[] {in.indices()[r]}).equalsWithEps(y, triggerEps), "row " + r + " carries the attack's trigger");
            } else if (!x.equalsWithEps(y, unchangedEps)) {
                changed++;
            }
        }
        return new Counts(relabelled, changed);
    }
}
