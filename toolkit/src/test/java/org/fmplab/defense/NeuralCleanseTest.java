package org.fmplab.defense;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import org.fmplab.defense.api.DefenseResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

class NeuralCleanseTest {
    static final String STEPS = "150";
    private static BackdooredFixture.Fixture f;
    private static NeuralCleanseDefense nc;
    private static NeuralCleanseDefense.Detection detection;

    @BeforeAll
    static void detect() {
        f = BackdooredFixture.get();
        // shortened for test time (default 300 steps of 32 images per class)
        nc = NeuralCleanseDefense.from(Map.of("steps", STEPS, "batch", "16", "unlearn-epochs", "5"));
        detection = nc.detect(f.model(), f.data(5), null);
    }

    @Test
    void flagsTheTargetClassAsTheOnlyLowNormOutlier() {
        assertEquals(List.of(BackdooredFixture.TARGET), detection.flagged(), "norms " + java.util.Arrays.toString(detection.norms()));
        assertEquals(BackdooredFixture.TARGET, detection.smallestNormClass());
        assertTrue(detection.anomalyIndex() > 2, "anomaly index " + detection.anomalyIndex());
    }

    @Test
    void recoversTheBadNetsCorner() {
        TriggerReverser.Trigger t = detection.triggers().get(BackdooredFixture.TARGET);
        assertTrue(t.reached(), "the target's trigger reached the success threshold");
        INDArray m = t.mask();
        long h = m.size(2), w = m.size(3);
        // The 3×3 trigger sits in the bottom-right corner. The mask must put most of its weight there: its
        // density in the corner's 6×6 neighbourhood (4.6% of the image) at least 4× its mean density, and at
        // least three of the nine trigger pixels at ≥ 0.5. (This small model also reacts to white specks on
        // other dark borders, which the mask picks up too.)
        double corner = m.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(h - 6, h), NDArrayIndex.interval(w - 6, w))
                .sumNumber().doubleValue();
        double density = (corner / 36) / (t.norm() / (h * w));
        assertTrue(density >= 4, "corner density / mean density = " + density);
        INDArray trigger = m.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(h - 3, h), NDArrayIndex.interval(w - 3, w));
        int strong = 0;
        for (double v : trigger.dup().data().asDouble()) if (v >= 0.5) strong++;
        assertTrue(strong >= 3, "trigger pixels with mask >= 0.5: " + strong);
    }

    @Test
    void unlearningReportsTheIndexAndMaskImagesAndRemovesTheBackdoor() {
        DefenseResult r = nc.unlearn(f.model(), detection, f.data(5), null);
        assertEquals("unlearned", r.last().name());
        assertEquals("0", r.details().get("flagged"));
        assertTrue((double) r.details().get("anomalyIndex") > 2);
        BufferedImage masks = (BufferedImage) r.details().get("recoveredMasks");
        assertNotNull(masks);
        assertTrue(masks.getWidth() > 10 * 28, "one tile per class");
        double asr = f.asr(r.last().model());
        assertTrue(asr < f.before().asr() - 0.3, "NC lowers ASR well below " + f.before().asr() + ": " + asr);
    }
}
