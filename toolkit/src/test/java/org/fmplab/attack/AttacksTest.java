package org.fmplab.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AttacksTest {
    static final List<String> ALL = List.of("badnets", "blended", "sig", "lf", "wanet", "input-aware", "ssba-lite", "lc");

    @Test
    void everyAttackOfThePaperIsRegisteredUnderItsName() {
        assertTrue(Attacks.names().containsAll(ALL), () -> "registered: " + Attacks.names());
        for (String name : ALL) assertEquals(name, Attacks.create(name).name());
    }

    @Test
    void unknownNameListsTheKnownAttacks() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Attacks.create("trojan"));
        assertTrue(e.getMessage().contains("'trojan' is unknown"), e.getMessage());
        assertTrue(e.getMessage().contains("wanet") && e.getMessage().contains("ssba-lite"), e.getMessage());
    }

    @Test
    void unknownParameterIsRejectedWithTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Attacks.create("blended", Map.of("alpah", 0.3)));
        assertTrue(e.getMessage().contains("blended: unknown parameter 'alpah'"), e.getMessage());
        assertTrue(e.getMessage().contains("alpha"), e.getMessage());
    }

    @Test
    void badValuesNameFieldValueAndRange() {
        assertMessage("blended: alpha = 1.5 must be in (0, 1)", "blended", Map.of("alpha", 1.5));
        assertMessage("blended: alpha = 0.0 must be in (0, 1)", "blended", Map.of("alpha", "0"));
        assertMessage("sig: delta = 0.0 must be in (0, 255]", "sig", Map.of("delta", 0));
        assertMessage("wanet: k = 1 must be in [2, 1024]", "wanet", Map.of("k", 1));
        assertMessage("wanet: s = -0.5 must be in [0, 1000]", "wanet", Map.of("s", -0.5));
        assertMessage("lc: eps = 300.0 must be in [0, 255]", "lc", Map.of("eps", 300));
        assertMessage("input-aware: density = 1.0 must be in (0, 1)", "input-aware", Map.of("density", 1));
        assertMessage("ssba-lite: bits = 0 must be in [1, 256]", "ssba-lite", Map.of("bits", 0));
        assertMessage("lf: max = 300.0 must be in (0, 255]", "lf", Map.of("max", 300));
        assertMessage("blended: alpha = 'abc' is not a number", "blended", Map.of("alpha", "abc"));
        assertMessage("sig: dirty = 'yes' must be true or false", "sig", Map.of("dirty", "yes"));
    }

    @Test
    void poisonConfigValidatesRateAndTarget() {
        IllegalArgumentException rate = assertThrows(IllegalArgumentException.class,
                () -> new PoisonConfig(1.5, 0, LabelMode.ALL_TO_ONE, 0));
        assertEquals("rate = 1.5 must be in (0, 1]", rate.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PoisonConfig(0, 0, LabelMode.ALL_TO_ONE, 0));
        IllegalArgumentException target = assertThrows(IllegalArgumentException.class,
                () -> new Poisoner(Attacks.create("badnets"), new PoisonConfig(0.1, 10, LabelMode.ALL_TO_ONE, 0))
                        .poison(Tiny.train(), null));
        assertEquals("target = 10 must be in [0, 10)", target.getMessage());
    }

    @Test
    void everyAttackListsItsDeclaredKebabCaseKeysForHelp() {
        for (String name : ALL) {
            String help = Attacks.paramHelp(name);
            for (String key : Attacks.params(name).names()) {
                assertTrue(key.matches("[a-z0-9]+(-[a-z0-9]+)*"), name + ": " + key);
                assertTrue(help.contains("\n  " + key + " "), name + " lists " + key + ":\n" + help);
            }
            assertEquals(Attacks.params(name).names(), List.copyOf(Attacks.create(name, Tiny.fastParams(name)).params().keySet()),
                    name + ": params() reports the declared keys");
        }
    }

    @Test
    void paramsRecreateTheSameAttack() {
        for (String name : ALL) {
            Attack a = Attacks.create(name, Tiny.fastParams(name));
            assertEquals(a.params(), Attacks.create(name, a.params()).params(), name);
        }
    }

    private static void assertMessage(String expected, String name, Map<String, ?> params) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Attacks.create(name, params));
        assertEquals(expected, e.getMessage());
    }
}
