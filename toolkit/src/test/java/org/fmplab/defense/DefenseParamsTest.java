package org.fmplab.defense;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DefenseParamsTest {
    @Test
    void aSpecKeepsOrderTrimsAndSkipsBlankEntries() {
        Map<String, String> m = DefenseParams.parseSpec(" steps = 1000;;roundSteps=31; select=layer:0.125 ;");
        assertEquals(List.of("steps", "roundSteps", "select"), List.copyOf(m.keySet()));
        assertEquals("1000", m.get("steps"));
        assertEquals("layer:0.125", m.get("select"));
        assertTrue(DefenseParams.parseSpec("").isEmpty());
        assertEquals("a=b", DefenseParams.parseSpec("x=a=b").get("x"), "only the first '=' separates");
    }

    @Test
    void anEntryWithoutKeyOrEqualsSignIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> DefenseParams.parseSpec("steps=3;probe"));
        assertTrue(e.getMessage().contains("'probe'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DefenseParams.parseSpec("=3"));
    }

    @Test
    void gettersCheckRangesAndRejectUnknownKeys() {
        DefenseParams p = new DefenseParams("nc", DefenseParams.parseSpec("steps=0;typo=1"));
        var e = assertThrows(IllegalArgumentException.class, () -> p.intIn("steps", 10, 1, 100));
        assertEquals("nc: steps = 0 must be in [1, 100]", e.getMessage());
        var u = assertThrows(IllegalArgumentException.class, p::rejectUnknown);
        assertTrue(u.getMessage().contains("[typo]"), u.getMessage());
    }
}
