package org.fmplab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TutorialTest {
    @Test
    void fullSizeByDefaultWithTheRunDefaultsSizesOverridden() {
        Tutorial t = Tutorial.of(Map.of());
        assertFalse(t.quick());
        assertEquals(20000, t.config().trainLimit());
        assertEquals(0, t.config().testLimit());
        assertEquals(3, t.config().epochs());
        assertEquals(RunConfig.defaults().effectiveWidth(), t.config().effectiveWidth());
        assertEquals(RunConfig.defaults().defenseParams(), t.config().defenseParams());
    }

    @Test
    void quickModeShrinksDataModelAndFmpAndTheKnobsOverride() {
        Tutorial t = Tutorial.of(Map.of("FMPLAB_QUICK", "1", "FMPLAB_EPOCHS", "1", "FMPLAB_LIMIT", "1000"));
        assertTrue(t.quick());
        assertEquals(1, t.config().epochs());
        assertEquals(1000, t.config().trainLimit());
        assertEquals(1000, t.config().testLimit());
        assertEquals(4, t.config().effectiveWidth());
        assertEquals("layer:0.25", t.config().defenseParams().get("select"));
        assertTrue(t.toString().startsWith("quick = true: preactresnet18 width 4, 1000 training images"), t.toString());
    }

    @Test
    void aBadKnobNamesTheVariableAndTheValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> Tutorial.of(Map.of("FMPLAB_LIMIT", "many")));
        assertTrue(e.getMessage().contains("FMPLAB_LIMIT = 'many'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Tutorial.of(Map.of("FMPLAB_QUICK", "yes")));
        assertTrue(e.getMessage().contains("FMPLAB_QUICK = 'yes'"), e.getMessage());
    }
}
