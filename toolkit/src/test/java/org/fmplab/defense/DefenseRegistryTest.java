package org.fmplab.defense;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.fmplab.defense.api.Defenses;
import org.junit.jupiter.api.Test;

class DefenseRegistryTest {
    private static final List<String> BASELINES = List.of("ft", "fp", "nad", "nc", "anp", "clp", "ibau", "random");

    @Test
    void everyBaselineIsRegisteredUnderItsName() {
        assertTrue(Defenses.names().containsAll(BASELINES), Defenses.names().toString());
        for (String n : BASELINES) assertEquals(n, Defenses.create(n, Map.of()).name());
        assertEquals(null, Defenses.create("none", Map.of()));
    }

    @Test
    void fmpIsRegisteredBeforeItsRandomControlWithItsParameters() {
        List<String> names = Defenses.names();
        assertTrue(names.indexOf("fmp") > 0 && names.indexOf("fmp") < names.indexOf("random"), names.toString());
        assertEquals("fmp", Defenses.create("fmp", Map.of()).name());
        assertEquals(org.fmplab.fmp.FmpConfig.fromParams(Map.of("select", "layer:0.25")),
                ((org.fmplab.fmp.FmpDefense) Defenses.create("fmp", Map.of("select", "layer:0.25"))).config());
        var e = assertThrows(IllegalArgumentException.class, () -> Defenses.create("fmp", Map.of("probe", "x", "nope", "1")));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }

    @Test
    void parametersAreValidatedWithMessagesNamingDefenseKeyValueAndRange() {
        expect("fp: accuracy-drop = 1.5 must be in [0, 1]", "fp", Map.of("accuracy-drop", "1.5"));
        expect("anp: eps = -0.1 must be in [0, 1]", "anp", Map.of("eps", "-0.1"));
        expect("ft: epochs = -1 must be in [0, 10000]", "ft", Map.of("epochs", "-1"));
        expect("nad: teacher-lr = 2.0 must be in (0, 1]", "nad", Map.of("teacher-lr", "2"));
        expect("nc: share = 0.0 must be in (0, 1]", "nc", Map.of("share", "0"));
        expect("clp: u = 'three' is not a number", "clp", Map.of("u", "three"));
        expect("random: ratio = 1.0 must be in [0, 0.999999]", "random", Map.of("ratio", "1"));
        expect("ibau: rounds = 0 must be in [1, 1000]", "ibau", Map.of("rounds", "0"));
        expect("nad: layers [a] and betas [500.0, 1000.0, 1000.0] must have the same length", "nad", Map.of("layers", "a"));
        expect("fp: keep-pruned = 'yes' must be true or false", "fp", Map.of("keep-pruned", "yes"));
    }

    @Test
    void unknownParametersAreRejectedWithTheKnownOnes() {
        var e = assertThrows(IllegalArgumentException.class, () -> Defenses.create("clp", Map.of("U", "3")));
        assertEquals("clp: unknown parameter 'U'; known: [u]; did you mean 'u'? (keys are kebab-case)", e.getMessage());
        var old = assertThrows(IllegalArgumentException.class, () -> Defenses.create("fp", Map.of("keepPruned", "true")));
        assertTrue(old.getMessage().contains("did you mean 'keep-pruned'"), old.getMessage());
    }

    @Test
    void everyDefenseListsItsDeclaredKeysWithDefaultsForHelp() {
        for (String n : Defenses.names()) {
            if (n.equals("none")) continue;
            String help = Defenses.paramHelp(n);
            for (String key : Defenses.params(n).names()) assertTrue(help.contains("\n  " + key + " "), n + " lists " + key + ":\n" + help);
        }
        assertTrue(Defenses.paramHelp("nad").contains("teacher-epochs"), Defenses.paramHelp("nad"));
        assertTrue(Defenses.paramHelp("fp").matches("(?s).*keep-pruned +true .*"), Defenses.paramHelp("fp"));
    }

    @Test
    void everyDefenseThatFineTunesDeclaresTheSharedRecipesKeys() {
        for (String n : List.of("fmp", "ft", "fp", "nad", "random")) {
            assertTrue(Defenses.params(n).names().containsAll(List.of("epochs", "lr", "batch")), n + ": " + Defenses.params(n).names());
        }
        assertTrue(Defenses.params("nc").names().containsAll(List.of("unlearn-epochs", "unlearn-lr", "unlearn-batch")));
    }

    @Test
    void theRandomControlPrunesAsMuchAsFmpsDefaultSelector() {
        // The baselines cannot see FMP's declaration, so this test keeps the two defaults equal.
        var fmp = org.fmplab.fmp.FmpConfig.defaults().selector();
        assertEquals(new org.fmplab.fmp.Selector.LayerRatio(RandomPruningDefense.DEFAULT_RATIO), fmp);
        assertEquals(RandomPruningDefense.DEFAULT_RATIO, ((RandomPruningDefense) Defenses.create("random", Map.of())).config().ratio());
    }

    @Test
    void randomCountsAreParsedAndCheckedAgainstTheNetwork() {
        var r = RandomPruningDefense.from(Map.of("counts", "conv1:2, conv3:5"));
        assertEquals(Map.of("conv1", 2, "conv3", 5), r.config().counts());
        var net = TestModels.smallCnn(8, 1, 12, 1);
        var mask = r.mask(net, 3);
        assertEquals(2, mask.count("conv1"));
        assertEquals(5, mask.count("conv3"));
        assertEquals((int) Math.floor(RandomPruningDefense.DEFAULT_RATIO * 8), mask.count("conv2"));
        assertEquals(mask, r.mask(net, 3), "seeded");
        var e = assertThrows(IllegalArgumentException.class, () -> RandomPruningDefense.from(Map.of("counts", "stem:3")).mask(net, 1));
        assertTrue(e.getMessage().contains("not a conv layer"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RandomPruningDefense.from(Map.of("counts", "conv1=3")));
    }

    private static void expect(String message, String defense, Map<String, String> params) {
        var e = assertThrows(IllegalArgumentException.class, () -> Defenses.create(defense, params));
        assertEquals(message, e.getMessage());
    }
}
