package org.fmplab.defense;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.fmplab.defense.api.DefenseResult;
import org.fmplab.defense.api.Defenses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The same defender seed gives the same repaired model, bit for bit (tiny settings for test time). */
class DeterminismTest {
    private static BackdooredFixture.Fixture f;

    @BeforeAll
    static void fixture() {
        f = BackdooredFixture.get();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "ft     | epochs=1",
        "fp     | epochs=1",
        "nad    | epochs=1,teacher-epochs=1",
        "nc     | steps=3,batch=8,unlearn-epochs=1",
        "anp    | iterations=3,batch=32",
        "clp    | u=3",
        "ibau   | rounds=1,inner-steps=2,inner-batch=32",
        "random | epochs=1"})
    void sameSeedSameModel(String defense, String params) {
        DefenseResult a = run(defense, params, 11), b = run(defense, params, 11);
        assertEquals(a.stages().size(), b.stages().size());
        for (int i = 0; i < a.stages().size(); i++) {
            assertEquals(a.stages().get(i).model().params(), b.stages().get(i).model().params(), defense + " stage " + a.stages().get(i).name());
        }
        a.details().forEach((k, v) -> {
            if (!(v instanceof java.awt.image.BufferedImage)) assertEquals(v, b.details().get(k), defense + " detail " + k);
        });
    }

    @Test
    void theSeedMatters() {
        DefenseResult a = run("random", "epochs=1", 11), b = run("random", "epochs=1", 12);
        assertNotEquals(a.details().get("mask"), b.details().get("mask"));
    }

    private static DefenseResult run(String defense, String params, long seed) {
        Map<String, String> p = new LinkedHashMap<>();
        for (String kv : params.split(",")) p.put(kv.split("=")[0].trim(), kv.split("=")[1].trim());
        return Defenses.create(defense, p).defend(f.model(), f.data(seed), null);
    }
}
