package org.fmplab.defense;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.fmplab.defense.api.DefenseResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ANP's mechanism on the BadNets fixture: masks in [0, 1] that move, exact pruning by threshold, the input
 * model untouched. Whether pruning lowers ASR is not asserted: on this fixture no mask falls under the 0.2
 * threshold (DefensesLowerAsrTest says what was measured).
 */
class AnpTest {
    private static BackdooredFixture.Fixture f;
    private static AnpDefense anp;
    private static Map<String, INDArray> masks;

    @BeforeAll
    static void optimise() {
        f = BackdooredFixture.get();
        // fewer, smaller iterations than the default, for test time
        anp = AnpDefense.from(Map.of("iterations", "60", "batch", "64"));
        masks = anp.masks(f.model(), f.defender(), 7, null);
    }

    @Test
    void everyConvConsumerBatchNormGetsAMaskThatStaysInTheUnitInterval() {
        assertEquals(java.util.List.of("bn1", "bn2", "bn3", "bn4"), java.util.List.copyOf(masks.keySet()));
        double min = 1;
        for (var e : masks.entrySet()) {
            INDArray m = e.getValue();
            assertEquals(f.model().getLayer(e.getKey()).getParam("gamma").length(), m.length());
            assertTrue(m.minNumber().doubleValue() >= 0 && m.maxNumber().doubleValue() <= 1, e.getKey() + ": " + m);
            min = Math.min(min, m.minNumber().doubleValue());
        }
        assertTrue(min < 0.9, "the masks moved: min " + min);
    }

    @Test
    void pruningByThresholdRemovesExactlyTheChannelsBelowIt() {
        DefenseResult r = anp.prune(f.model(), masks);
        int below = 0;
        for (INDArray m : masks.values()) for (long j = 0; j < m.length(); j++) if (m.getDouble(j) < 0.2) below++;
        assertEquals(below, r.details().get("prunedChannels"));
        for (var e : masks.entrySet()) {
            INDArray gamma = r.last().model().getLayer(e.getKey()).getParam("gamma");
            for (long j = 0; j < gamma.length(); j++) {
                assertEquals(e.getValue().getDouble(j) < 0.2, gamma.getDouble(j) == 0.0, e.getKey() + "[" + j + "]");
            }
        }
    }

    @Test
    void theNoiseStepMovesEveryEntryByEpsilonWhateverTheGradientsSize() {
        // The release's sign_grad: a tiny gradient moves the noise as far as a large one.
        AnpDefense.Channels c = new AnpDefense.Channels(org.nd4j.linalg.factory.Nd4j.createFromArray(1f, -2f, 0.5f),
                org.nd4j.linalg.factory.Nd4j.createFromArray(0.3f, 0.3f, -1f));
        c.noiseScale.assign(org.nd4j.linalg.factory.Nd4j.createFromArray(0f, 0.1f, -0.35f));
        c.noiseShift.assign(org.nd4j.linalg.factory.Nd4j.createFromArray(0.2f, 0f, 0f));
        INDArray gGamma = org.nd4j.linalg.factory.Nd4j.createFromArray(1e-7f, 1e-7f, -5f);
        INDArray gBeta = org.nd4j.linalg.factory.Nd4j.createFromArray(-1e-6f, 3f, 1e-6f);
        c.ascend(new INDArray[] {gGamma, gBeta}, 0.4);
        // δ += 0.4·sign(g_γ'·γ), clipped to [-0.4, 0.4]: signs +, −, − → 0.4, -0.3, -0.4 (clipped)
        assertEquals(0.4, c.noiseScale.getDouble(0), 1e-6);
        assertEquals(-0.3, c.noiseScale.getDouble(1), 1e-6);
        assertEquals(-0.4, c.noiseScale.getDouble(2), 1e-6);
        // ξ += 0.4·sign(g_β'·β): signs −, +, − → -0.2, 0.4, -0.4
        assertEquals(-0.2, c.noiseShift.getDouble(0), 1e-6);
        assertEquals(0.4, c.noiseShift.getDouble(1), 1e-6);
        assertEquals(-0.4, c.noiseShift.getDouble(2), 1e-6);
    }

    @Test
    void optimisationDoesNotTouchTheInputModel() {
        assertEquals(f.before(), f.evaluator().evaluate(f.model()));
    }
}
