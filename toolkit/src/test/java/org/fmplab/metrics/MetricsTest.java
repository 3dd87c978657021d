package org.fmplab.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {
    @Test
    void accuracyCountsExactMatches() {
        assertEquals(0.75, Metrics.accuracy(new int[] {1, 2, 3, 4}, new int[] {1, 2, 3, 0}), 1e-12);
    }

    @Test
    void asrIgnoresImagesWhoseTrueLabelIsTheTarget() {
        int[] pred = {0, 0, 1, 0, 2};
        int[] truth = {1, 2, 1, 0, 2};
        int[] target = {0, 0, 0, 0, 0};
        // victims: indices 0,1,2,4 (index 3 is already class 0): predicted 0 at 0 and 1 -> 2/4
        assertEquals(0.5, Metrics.attackSuccessRate(pred, truth, target), 1e-12);
        // RA over the same victims: true label kept at 2 and 4 -> 2/4
        assertEquals(0.5, Metrics.robustAccuracy(pred, truth, target), 1e-12);
    }

    @Test
    void allToAllTargetsArePerImage() {
        int[] truth = {0, 1, 2};
        int[] target = {1, 2, 0};
        int[] pred = {1, 1, 0};
        assertEquals(2.0 / 3, Metrics.attackSuccessRate(pred, truth, target), 1e-12);
        assertEquals(1.0 / 3, Metrics.robustAccuracy(pred, truth, target), 1e-12);
    }

    @Test
    void derSubtractsCleanAccuracyLoss() {
        // ASR 0.98 -> 0.03, CA 0.90 -> 0.87: (0.95 - 0.03 + 1) / 2 = 0.96
        assertEquals(0.96, Metrics.der(0.90, 0.98, 0.87, 0.03), 1e-12);
        // CA gain is not rewarded, ASR increase is not punished below 0.5
        assertEquals(0.5, Metrics.der(0.80, 0.10, 0.85, 0.20), 1e-12);
        // worst case: ASR unchanged, CA lost completely
        assertEquals(0.0, Metrics.der(1.0, 1.0, 0.0, 1.0), 1e-12);
        assertEquals(1.0, Metrics.der(0.5, 1.0, 0.5, 0.0), 1e-12);
    }

    @Test
    void scoresDerMatchesMetrics() {
        Scores before = new Scores(0.9, 1.0, 0.0);
        Scores after = new Scores(0.88, 0.02, 0.85);
        assertEquals(Metrics.der(0.9, 1.0, 0.88, 0.02), after.derFrom(before), 1e-12);
    }

    @Test
    void lengthMismatchIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Metrics.accuracy(new int[] {1, 2}, new int[] {1}));
        assertTrue(e.getMessage().contains("labels has 1 entries"), e.getMessage());
    }

    @Test
    void confusionMatrixAndPerClassAccuracy() {
        ConfusionMatrix m = ConfusionMatrix.of(new int[] {0, 1, 1, 2, 2, 2}, new int[] {0, 0, 1, 2, 2, 1}, 3);
        assertEquals(1, m.count(0, 0));
        assertEquals(1, m.count(0, 1));
        assertEquals(1, m.count(1, 2));
        double[] acc = m.perClassAccuracy();
        assertEquals(0.5, acc[0], 1e-12);
        assertEquals(0.5, acc[1], 1e-12);
        assertEquals(1.0, acc[2], 1e-12);
        var t = m.toTable(List.of("a", "b", "c"));
        assertEquals(3, t.rowCount());
        assertEquals(2, t.intColumn("n").get(0));
    }

    @Test
    void stageTableHasOneRowPerStage() {
        var t = StageResult.table("x", List.of(new StageResult("backdoored", 0.9, 1, 0, Double.NaN, 1),
                new StageResult("fine-tuned", 0.88, 0.02, 0.85, 0.98, 2)));
        assertEquals(2, t.rowCount());
        assertEquals(0.02, t.doubleColumn("ASR").get(1), 1e-12);
    }
}
