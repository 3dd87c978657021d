package org.fmplab.params;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ParamsTest {
    private static final ParamSet SET = ParamSet.of("demo",
            ParamSpec.integer("steps", 10, 1, 100, "optimiser steps"),
            ParamSpec.realAbove("share", 0.2, 0, 1, "share of a batch"),
            ParamSpec.realOpen("alpha", 0.5, 0, 1, "blend"),
            ParamSpec.bool("keep-pruned", false, "keep them"),
            ParamSpec.choice("mode", "fast", List.of("fast", "reference"), "how"),
            ParamSpec.reals("betas", new double[] {1, 2}, 0, 10, "weights"),
            ParamSpec.text("layer", null, "a vertex"));

    @Test
    void absentKeysGiveTheDeclaredDefaultsAndGivenOnesTheirParsedValue() {
        Params p = SET.read(Map.of("steps", "7", "share", "1/4", "betas", "3, 4.5", "mode", "REFERENCE"));
        assertEquals(7, p.getInt("steps"));
        assertEquals(0.25, p.getDouble("share"), "fractions are numbers");
        assertArrayEquals(new double[] {3, 4.5}, p.getDoubles("betas"));
        assertEquals("reference", p.getString("mode"));
        assertEquals(false, p.getBool("keep-pruned"));
        assertEquals(null, p.getString("layer"));
        assertEquals(0.5, p.getDouble("alpha"));
        assertEquals(7, p.getInt("steps", 3), "a given value wins over the fallback");
        assertEquals(0.9, SET.read(Map.of()).getDouble("share", 0.9), "absent: the caller's fallback");
        assertEquals(5, SET.read(Map.of("steps", 5)).getInt("steps"), "numbers from a notebook's map");
    }

    @Test
    void badValuesAreNamedWithKeyValueAndRange() {
        expect("demo: steps = 0 must be in [1, 100]", Map.of("steps", "0"));
        expect("demo: steps = 'ten' is not an integer", Map.of("steps", "ten"));
        expect("demo: steps = '2.5' is not an integer", Map.of("steps", 2.5));
        expect("demo: share = 0.0 must be in (0, 1]", Map.of("share", "0"));
        expect("demo: alpha = 1.0 must be in (0, 1)", Map.of("alpha", "1"));
        expect("demo: keep-pruned = 'yes' must be true or false", Map.of("keep-pruned", "yes"));
        expect("demo: mode = 'slow' must be one of [fast, reference]", Map.of("mode", "slow"));
        expect("demo: betas entry 11.0 must be in [0, 10]", Map.of("betas", "1,11"));
        expect("demo: share = 'x' is not a number", Map.of("share", "x"));
    }

    @Test
    void unknownKeysListTheKnownOnesAndHintAtKebabCase() {
        var e = assertThrows(IllegalArgumentException.class, () -> SET.read(Map.of("keepPruned", "true")));
        assertEquals("demo: unknown parameter 'keepPruned'; known: [steps, share, alpha, keep-pruned, mode, betas, layer]; "
                + "did you mean 'keep-pruned'? (keys are kebab-case)", e.getMessage());
        var two = assertThrows(IllegalArgumentException.class, () -> SET.read(Map.of("zz", "1", "aa", "x", "steps", "0")));
        assertTrue(two.getMessage().startsWith("demo: unknown parameters 'aa', 'zz'; known:"), "unknown keys first: " + two.getMessage());
        var typo = assertThrows(IllegalArgumentException.class, () -> SET.read(Map.of("stpes", "1")));
        assertTrue(typo.getMessage().startsWith("demo: unknown parameter 'stpes'; known: [steps"), typo.getMessage());
    }

    @Test
    void declarationsAreKebabCaseUniqueAndReadAsDeclared() {
        assertThrows(IllegalArgumentException.class, () -> ParamSpec.integer("keepPruned", 1, 0, 1, ""));
        assertThrows(IllegalArgumentException.class, () -> ParamSpec.integer("teacher.epochs", 1, 0, 1, ""));
        assertThrows(IllegalArgumentException.class, () -> ParamSet.of("x", ParamSpec.bool("a", true, ""), ParamSpec.bool("a", false, "")));
        Params p = SET.read(Map.of());
        assertThrows(IllegalStateException.class, () -> p.getInt("undeclared"));
        assertThrows(IllegalStateException.class, () -> p.getInt("share"), "a number read as an integer");
    }

    @Test
    void helpListsEveryKeyWithItsDefaultAndValidValues() {
        String help = SET.help();
        for (String key : SET.names()) assertTrue(help.contains("\n  " + key + " "), key + " in\n" + help);
        assertTrue(help.matches("(?s).*\\n  steps +10 +\\[1, 100\\] +optimiser steps\\n.*"), help);
        assertTrue(help.matches("(?s).*\\n  mode +fast +fast\\|reference +how\\n.*"), help);
        assertTrue(help.matches("(?s).*\\n  layer +- +text +a vertex\\n.*"), help);
    }

    @Test
    void prefixesAndDefaultsDeriveNewDeclarations() {
        ParamSpec teacher = SET.spec("steps").prefixed("teacher-").withDefault(20);
        assertEquals("teacher-steps", teacher.name());
        assertEquals(20, teacher.defaultValue());
        assertThrows(IllegalArgumentException.class, () -> SET.spec("steps").withDefault(500), "a default is checked too");
        assertEquals(0.3, SET.withDefault("share", 0.3).read(Map.of()).getDouble("share"));
        assertEquals(50, SET.checked("steps", 50));
        var e = assertThrows(IllegalArgumentException.class, () -> SET.checked("steps", 500));
        assertEquals("demo: steps = 500 must be in [1, 100]", e.getMessage());
    }

    @Test
    void aSpecKeepsOrderTrimsAndSkipsBlankEntries() {
        Map<String, String> m = Params.parseSpec(" steps = 1000;;round-steps=31; select=layer:0.125 ;");
        assertEquals(List.of("steps", "round-steps", "select"), List.copyOf(m.keySet()));
        assertEquals("layer:0.125", m.get("select"));
        assertTrue(Params.parseSpec("").isEmpty());
        assertEquals("a=b", Params.parseSpec("x=a=b").get("x"), "only the first '=' separates");
        var e = assertThrows(IllegalArgumentException.class, () -> Params.parseSpec("steps=3;probe"));
        assertTrue(e.getMessage().contains("'probe'"), e.getMessage());
    }

    private static void expect(String message, Map<String, ?> values) {
        var e = assertThrows(IllegalArgumentException.class, () -> SET.read(values));
        assertEquals(message, e.getMessage());
    }
}
