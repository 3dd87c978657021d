package org.fmplab.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.fmplab.model.BatchTransform;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

class WaNetTest {

    @Test
    void zeroStrengthIsTheIdentity() {
        INDArray x = Tiny.batch(5);
        assertEquals(x, Attacks.create("wanet", Map.of("s", 0)).apply(x, Tiny.ids(5)));
    }

    @Test
    void defaultWarpMovesPixelsByLessThanOnePixel() {
        INDArray x = Tiny.batch(5);
        INDArray y = Attacks.create("wanet").apply(x, Tiny.ids(5));
        assertNotEquals(x, y);
        assertTrue(y.minNumber().doubleValue() >= 0 && y.maxNumber().doubleValue() <= 1);
        // s = 0.5 moves by at most about s/2 · max|field| pixels: a small change of a bar image
        double meanChange = Transforms.abs(y.sub(x)).meanNumber().doubleValue();
        assertTrue(meanChange > 1e-4 && meanChange < 0.1, "mean change " + meanChange);
    }

    @Test
    void warpingKeepsAConstantImage() {
        INDArray x = Nd4j.valueArrayOf(new long[] {2, 3, 16, 16}, 0.4f);
        INDArray y = Attacks.create("wanet", Map.of("s", 3)).apply(x, Tiny.ids(2));
        assertTrue(x.equalsWithEps(y, 1e-6));
    }

    @Test
    void theFieldIsSeeded() {
        INDArray a = Attacks.create("wanet", Map.of("seed", 3)).state().get("field");
        assertEquals(a, Attacks.create("wanet", Map.of("seed", 3)).state().get("field"));
        assertFalse(a.equalsWithEps(Attacks.create("wanet", Map.of("seed", 4)).state().get("field"), 1e-3));
        assertEquals(1.0, Transforms.abs(a).meanNumber().doubleValue(), 1e-5, "field is divided by its mean |value|");
    }

    @Test
    void noiseSamplesKeepLabelsAndSpareThePoisonedImages() {
        Attack fixed = Attacks.create("wanet", Map.of("redraw", false));
        PoisonedDataset poisoned = new Poisoner(fixed, PoisonConfig.paper(0)).poison(Tiny.train(), null);
        assertFalse(poisoned.onTheFly());
        assertEquals(20, poisoned.poisonCount());
        BatchTransform t = fixed.trainingTransform(poisoned);
        int[] idx = new int[100];
        for (int i = 0; i < 100; i++) idx[i] = i;
        BatchTransform.Batch b = new BatchTransform.Batch(poisoned.dataset().features(idx), poisoned.dataset().oneHot(idx), idx);
        BatchTransform.Batch out = t.apply(b, new SplittableRandom(1));
        assertEquals(b.labels(), out.labels());
        boolean[] isPoisoned = new boolean[Tiny.N];
        for (int i : poisoned.poisonIndices()) isPoisoned[i] = true;
        int changed = 0;
        for (int r = 0; r < 100; r++) {
            if (!out.features().get(NDArrayIndex.point(r)).equals(b.features().get(NDArrayIndex.point(r)))) {
                changed++;
                assertFalse(isPoisoned[idx[r]], "poisoned image " + idx[r] + " got a noise sample");
            }
        }
        assertEquals(20, changed, "cross ratio 2 × rate 0.1 × batch 100");
    }

    @Test
    void redrawPoisonsEveryBatchOnTheFly() {
        Attack wanet = Attacks.create("wanet");
        PoisonedDataset poisoned = new Poisoner(wanet, PoisonConfig.paper(0)).poison(Tiny.train(), null);
        assertTrue(poisoned.onTheFly());
        assertEquals(0, poisoned.poisonCount());
        assertArrayEquals(Tiny.train().labels(), poisoned.dataset().labels(), "the stored set stays clean");
        BatchTransform t = wanet.trainingTransform(poisoned);
        int[] idx = new int[100];
        for (int i = 0; i < 100; i++) idx[i] = 100 + i;
        BatchTransform.Batch b = new BatchTransform.Batch(poisoned.dataset().features(idx), poisoned.dataset().oneHot(idx), idx);
        BatchTransform.Batch out = t.apply(b, new SplittableRandom(1));
        OnTheFlyRows.Counts c = OnTheFlyRows.check(wanet, b, out, 0, 1e-6, Nd4j.EPS_THRESHOLD);
        assertEquals(10, c.relabelled(), "rate 0.1 × batch 100, re-drawn in this batch");
        assertEquals(20, c.changedKeepingLabel(), "cross ratio 2 × rate 0.1 × batch 100, labels kept");
        assertEquals(out.features(), t.apply(b, new SplittableRandom(1)).features(), "same seed, same batch");
        assertNotEquals(out.labels(), t.apply(b, new SplittableRandom(2)).labels(), "another draw poisons other images");
    }
}
