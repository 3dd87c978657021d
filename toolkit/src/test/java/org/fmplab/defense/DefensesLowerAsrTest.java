package org.fmplab.defense;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.fmplab.defense.api.DefenseResult;
import org.fmplab.experiment.Defenses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every baseline lowers the attack success rate of the small BadNets fixture below the undefended
 * model's (NC: {@link NeuralCleanseTest}; ANP: {@link AnpTest}). Training lengths are shortened for test
 * time. CLP runs at u = 1.5: at its default u = 3 it prunes one channel of this 4-conv, 16/32-channel
 * network and leaves ASR unchanged (the backdoor channels of this small model are not Lipschitz
 * outliers), which the comparison grid reports as it is.
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
        "nad    | epochs=3,teacher.epochs=3",
        "clp    | u=1.5",
        "ibau   | rounds=2,innerSteps=20,innerBatch=50",
        "random | epochs=5"})
    void lowersAttackSuccess(String defense, String params) {
        Map<String, String> p = new java.util.LinkedHashMap<>();
        for (String kv : params.split(",")) p.put(kv.split("=")[0].trim(), kv.split("=")[1].trim());
        DefenseResult r = Defenses.create(defense, p).defend(f.model(), f.data(5), null);
        double after = f.asr(r.last().model());
        assertTrue(after < f.before().asr(), defense + ": ASR " + f.before().asr() + " -> " + after);
    }
}
