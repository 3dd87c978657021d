package org.fmplab.defense;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.fmplab.defense.api.DefenseResult;
import org.fmplab.defense.api.Defenses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * These baselines lower the attack success rate of the small BadNets fixture below the undefended
 * model's (NC: {@link NeuralCleanseTest}). Training lengths are shortened for test time. CLP and ANP are
 * not here because on this fixture they do not (measured with the seeded fixture, ASR 98.66%): CLP
 * prunes nothing at u = 2.5 and 3, one channel at u = 2 (98.77%), 8 at u = 1.5 (99.66%, CA 81 → 73%) and
 * only at u = 1 gets to 77.7% at CA 58%; ANP's masks stay above 0.29 after 60, 100 and 300 iterations
 * (with the release's signed noise step), so its 0.2 threshold prunes nothing. On the seeded default
 * BadNets model both do lower ASR: ANP prunes 95 channels (ASR 9.3%, CA 86 → 67%), CLP gets to 59.6% at
 * CA −5 (docs/comparison.md).
 * Their mechanisms are tested in {@link ChannelLipschitzTest} and {@link AnpTest}.
 */
class DefensesLowerAsrTest {
    private static BackdooredFixture.Fixture f;

    @BeforeAll
    static void fixture() {
        f = BackdooredFixture.get();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "ft     | epochs=5",
        "fp     | epochs=5",
        "nad    | epochs=3,teacher-epochs=3",
        "ibau   | rounds=2,inner-steps=20,inner-batch=50",
        "random | epochs=5"})
    void lowersAttackSuccess(String defense, String params) {
        Map<String, String> p = new java.util.LinkedHashMap<>();
        for (String kv : params.split(",")) p.put(kv.split("=")[0].trim(), kv.split("=")[1].trim());
        DefenseResult r = Defenses.create(defense, p).defend(f.model(), f.data(5), null);
        double after = f.asr(r.last().model());
        assertTrue(after < f.before().asr(), defense + ": ASR " + f.before().asr() + " -> " + after);
    }
}
