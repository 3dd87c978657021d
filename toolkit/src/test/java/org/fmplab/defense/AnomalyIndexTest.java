package org.fmplab.defense;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class AnomalyIndexTest {
    @Test
    void madAnomalyIndexAsNeuralCleanseDefinesIt() {
        double[] norms = {1, 10, 11, 12, 9, 10};
        // median 10; |l − 10| = 9,0,1,2,1,0 → median 1 → MAD = 1.4826
        double[] idx = AnomalyIndex.of(norms);
        assertArrayEquals(new double[] {9 / 1.4826, 0, 1 / 1.4826, 2 / 1.4826, 1 / 1.4826, 0}, idx, 1e-9);
        assertEquals(List.of(0), AnomalyIndex.flagged(norms, 2));
    }

    @Test
    void onlyLowOutliersAreFlagged() {
        // class 3 is a high outlier (a hard class), not a backdoor target
        assertEquals(List.of(), AnomalyIndex.flagged(new double[] {10, 11, 9, 40, 10}, 2));
    }

    @Test
    void equalNormsFlagNothing() {
        assertArrayEquals(new double[3], AnomalyIndex.of(new double[] {4, 4, 4}));
        assertEquals(List.of(), AnomalyIndex.flagged(new double[] {4, 4, 4}, 2));
    }
}
