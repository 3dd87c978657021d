package org.fmplab.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.fmplab.model.BatchTransform;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The attacks that train something first (LF, LC, SSBA-lite, Input-aware), on tiny data. */
class ModelAttacksTest {
    private static final double BYTE = 1 / 255.0;
    private static final int H = Tiny.SIZE;

    @Test
    void modelAttacksRefuseToTriggerBeforePreparation() {
        for (String name : new String[] {"lf", "lc", "ssba-lite", "input-aware"}) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Attacks.create(name).apply(Tiny.batch(1), Tiny.ids(1)));
            assertTrue(e.getMessage().startsWith(name + ": not prepared"), e.getMessage());
        }
    }

    @Test
    void lowFrequencyPatternIsSmoothAndWithinZeroTo51() {
        LowFrequency lf = (LowFrequency) Tiny.prepared("lf");
        INDArray p = lf.pattern(1, H, H);
        assertTrue(p.minNumber().doubleValue() >= 0, "min " + p.minNumber());
        assertTrue(p.maxNumber().doubleValue() <= 51 * BYTE + 1e-7, "max " + p.maxNumber());
        assertTrue(p.maxNumber().doubleValue() > 40 * BYTE, "rescaled to the full range");
        // smooth: neighbouring pixels differ by far less than the range
        INDArray dx = p.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(1, H)).sub(
                p.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, H - 1)));
        assertTrue(Transforms.abs(dx).maxNumber().doubleValue() < 51 * BYTE / 3, "max step " + Transforms.abs(dx).maxNumber());
        INDArray x = Tiny.batch(8);
        INDArray diff = lf.apply(x, Tiny.ids(8)).sub(x);
        assertTrue(diff.minNumber().doubleValue() >= -1e-7 && diff.maxNumber().doubleValue() <= 51 * BYTE + 1e-6);
    }

    @Test
    void labelConsistentPerturbationStaysWithin8Over255OutsideTheCheckerboard() {
        Attack lc = Tiny.prepared("lc");
        assertTrue(lc.cleanLabel());
        INDArray x = Tiny.batch(10);
        INDArray y = lc.apply(x, Tiny.ids(10));
        INDArray d = Transforms.abs(y.sub(x));
        double outside = 0;
        for (int n = 0; n < 10; n++) {
            for (int i = 0; i < H; i++) {
                for (int j = 0; j < H; j++) {
                    if (i >= H - 3 && j >= H - 3) {
                        double expected = ((H - 1 - i) + (H - 1 - j)) % 2 == 0 ? 1 : 0;
                        assertEquals(expected, y.getDouble(n, 0, i, j), 0.0, "checkerboard at " + i + "," + j);
                    } else {
                        assertTrue(d.getDouble(n, 0, i, j) <= 8 * BYTE + 1e-6, "perturbation " + d.getDouble(n, 0, i, j) * 255);
                        outside = Math.max(outside, d.getDouble(n, 0, i, j));
                    }
                }
            }
        }
        assertTrue(outside > 1 * BYTE, "PGD should perturb the image");
        // at test time: the checkerboard only
        INDArray t = lc.applyTest(x, Tiny.ids(10));
        assertEquals(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, H - 3)),
                t.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, H - 3)));
        assertEquals(1.0, t.getDouble(0, 0, H - 1, H - 1), 0.0);
    }

    @Test
    void ssbaLiteResidualIsWithinItsBudgetAndSampleSpecific() {
        Attack ssba = Tiny.prepared("ssba-lite");
        INDArray x = Tiny.batch(10);
        INDArray r = ssba.apply(x, Tiny.ids(10)).sub(x);
        assertTrue(Transforms.abs(r).maxNumber().doubleValue() <= 12 * BYTE + 1e-6, "L∞ " + Transforms.abs(r).maxNumber());
        assertTrue(Transforms.abs(r).maxNumber().doubleValue() > 0);
        INDArray r0 = r.get(NDArrayIndex.point(0)), r1 = r.get(NDArrayIndex.point(1));
        assertFalse(r0.equalsWithEps(r1, 1e-4), "different images get different residuals");
    }

    @Test
    void inputAwareTriggerMixesPatternAndImageThroughItsMask() {
        InputAware ia = (InputAware) Tiny.prepared("input-aware");
        INDArray x = Tiny.batch(6);
        INDArray y = ia.apply(x, Tiny.ids(6));
        INDArray m = ia.mask(x);
        assertTrue(m.minNumber().doubleValue() >= 0 && m.maxNumber().doubleValue() <= 1);
        assertTrue(y.minNumber().doubleValue() >= -1e-6 && y.maxNumber().doubleValue() <= 1 + 1e-6);
        // where the mask is ~0 the image is unchanged
        INDArray d = Transforms.abs(y.sub(x));
        for (int n = 0; n < 6; n++)
            for (int i = 0; i < H; i++)
                for (int j = 0; j < H; j++)
                    assertTrue(d.getDouble(n, 0, i, j) <= m.getDouble(n, 0, i, j) + 1e-5);
        // dynamic: another image's pattern differs from this image's own trigger
        assertFalse(ia.trigger(x, x).equalsWithEps(ia.trigger(x, Tiny.batch(7).get(NDArrayIndex.interval(1, 7))), 1e-5));
    }

    @Test
    void sameSeedSameGeneratorAndMask() {
        // two preparations from scratch: the networks' initial weights and their training follow the seed
        Attack a = Attacks.create("input-aware", Tiny.fastParams("input-aware"));
        Attack b = Attacks.create("input-aware", Tiny.fastParams("input-aware"));
        new Poisoner(a, PoisonConfig.paper(0)).poison(Tiny.train(), null);
        new Poisoner(b, PoisonConfig.paper(0)).poison(Tiny.train(), null);
        assertEquals(a.state().get("generator"), b.state().get("generator"));
        assertEquals(a.state().get("mask"), b.state().get("mask"));
    }

    @Test
    void inputAwarePoisonsEveryBatchAndCrossSamplesKeepTheirLabels() {
        Attack ia = Tiny.prepared("input-aware");
        PoisonedDataset p = new Poisoner(ia, PoisonConfig.paper(0)).poison(Tiny.train(), null);
        assertTrue(p.onTheFly(), "re-drawn in every batch by default, as the paper");
        BatchTransform t = ia.trainingTransform(p);
        int[] idx = Tiny.ids(50);
        BatchTransform.Batch b = new BatchTransform.Batch(p.dataset().features(idx), p.dataset().oneHot(idx), idx);
        BatchTransform.Batch out = t.apply(b, new SplittableRandom(0));
        OnTheFlyRows.Counts c = OnTheFlyRows.check(ia, b, out, 0, 1e-4, 1e-6);
        assertEquals(5, c.relabelled(), "rate 0.1 × batch 50");
        assertEquals(5, c.changedKeepingLabel(), "cross ratio 1 × rate 0.1 × batch 50, labels kept");
        assertArrayEquals(idx, out.indices());
    }

    @Test
    void ssbaLiteCanEncodeEveryBatchOnTheFlyInsteadOfOneFixedSet() {
        Attack fixed = Tiny.prepared("ssba-lite");
        PoisonedDataset once = new Poisoner(fixed, PoisonConfig.paper(0)).poison(Tiny.train(), null);
        assertTrue(!once.onTheFly() && once.poisonCount() > 0, "one fixed set by default");
        assertEquals(null, fixed.trainingTransform(once), "and nothing to do per batch");
        Map<String, Object> params = new java.util.HashMap<>(Tiny.fastParams("ssba-lite"));
        params.put("redraw", true);
        Attack redrawn = Attacks.create("ssba-lite", params);
        redrawn.restoreState(fixed.state()); // the same encoder
        PoisonedDataset p = new Poisoner(redrawn, PoisonConfig.paper(0)).poison(Tiny.train(), null);
        assertTrue(p.onTheFly());
        int[] idx = Tiny.ids(50);
        BatchTransform.Batch b = new BatchTransform.Batch(p.dataset().features(idx), p.dataset().oneHot(idx), idx);
        BatchTransform.Batch out = redrawn.trainingTransform(p).apply(b, new SplittableRandom(3));
        OnTheFlyRows.Counts c = OnTheFlyRows.check(fixed, b, out, 0, 1e-5, 0);
        assertEquals(5, c.relabelled(), "rate 0.1 × batch 50");
        assertEquals(0, c.changedKeepingLabel(), "the other rows untouched: SSBA has no label-keeping variants");
    }

    private static void assertArrayEquals(int[] a, int[] b) {
        org.junit.jupiter.api.Assertions.assertArrayEquals(a, b);
    }
}
