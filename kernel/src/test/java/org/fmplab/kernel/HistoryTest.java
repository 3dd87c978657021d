package org.fmplab.kernel;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HistoryTest {

    private static History history() {
        History h = new History();
        h.add(1, "6 * 7", "42");
        h.add(2, "int x = 1;", null);
        h.add(3, "6 * 7", "42");
        return h;
    }

    @Test
    void tailKeepsTheLastCellsAsJupyterTuples() {
        assertEquals(List.of(List.of(1, 2, "int x = 1;"), List.of(1, 3, "6 * 7")), history().tail(2, false));
        assertEquals(List.of(List.of(1, 3, List.of("6 * 7", "42"))), history().tail(1, true));
    }

    @Test
    void rangeIsStartInclusiveStopExclusive() {
        assertEquals(List.of(List.of(1, 2, "int x = 1;")), history().range(1, 2, 3, false));
        assertTrue(history().range(7, 1, 3, false).isEmpty(), "other sessions are not kept");
    }

    @Test
    void searchUsesSqliteGlobs() {
        assertEquals(2, history().search("6 * 7", 0, false, false).size());
        assertEquals(1, history().search("6 * 7", 0, true, false).size());
        assertEquals(1, history().search("int [a-z] =*", 0, false, false).size());
        assertEquals(1, history().search("*", 1, false, false).size());
    }
}
