package org.fmplab.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CellResultTest {
    static CellResult cell(String defense, String variant, String size, long seed, int draw, String stage) {
        return new CellResult("mnist", "badnets", defense, variant, size, seed, draw, stage, 0.9, 0.1, 0.8, 0.7, 1.5);
    }

    @Test
    void validatesKeysAndRanges() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CellResult("mnist", "badnets", "fmp", "", "C/8", 0, 0, "pruned", 1.2, 0.1, 0.1, 0.5, 1));
        assertTrue(e.getMessage().contains("ca = 1.2") && e.getMessage().contains("[0, 1]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> cell(" ", "", "", 0, 0, "pruned"));
        assertThrows(IllegalArgumentException.class, () -> cell("fmp", "", "C/8", 0, 0, ""));
        assertThrows(IllegalArgumentException.class, () -> cell("fmp", "", "C/8", 0, -1, "pruned"));
        assertThrows(IllegalArgumentException.class, () -> cell("fmp", null, "C/8", 0, 0, "pruned"));
        assertThrows(IllegalArgumentException.class,
                () -> new CellResult("mnist", "badnets", "fmp", "", "C/8", 0, 0, "pruned", 0.9, Double.NaN, 0.1, 0.5, 1));
        assertThrows(IllegalArgumentException.class,
                () -> new CellResult("mnist", "badnets", "fmp", "", "C/8", 0, 0, "pruned", 0.9, 0.1, 0.1, -0.1, 1));
        // the undefended row has no DER
        new CellResult("mnist", "badnets", CellResult.NONE, "", "", 0, 0, CellResult.BACKDOORED, 0.9, 0.95, 0.05, Double.NaN, 3);
    }

    @Test
    void csvRoundTripsExactlyAndQuotes() {
        CellResult a = new CellResult("mnist", "badnets", "random", "fmp/eps=8/255,k=2", "C/16", 3, 4, "fine-tuned",
                0.1 + 0.2, 1e-7, 0.987654321, Double.NaN, 12.25);
        String row = a.toCsvRow();
        assertEquals("mnist,badnets,random,\"fmp/eps=8/255,k=2\",C/16,3,4,fine-tuned,0.30000000000000004,0.0000001,0.987654321,,12.25", row);
        assertEquals(CellResult.CSV_HEADER.split(",").length, Csv.split(row).size());
        CellResult b = CellResult.fromCsvRow(row);
        assertEquals(a.toCsvRow(), b.toCsvRow());
        assertEquals(a.ca(), b.ca());
        assertTrue(Double.isNaN(b.der()));
        assertEquals("random/fmp/eps=8/255,k=2", b.label());
        assertEquals("fmp", cell("fmp", "", "C/8", 0, 0, "pruned").label());
    }

    @Test
    void orderIsDeterministic() {
        List<CellResult> cells = new ArrayList<>(List.of(
                cell("tac-oracle", "", "C/8", 0, 0, "pruned"),
                cell("random", "fmp", "C/8", 0, 1, "pruned"),
                cell("random", "fmp", "C/8", 0, 0, "pruned"),
                cell("fmp", "", "C/8", 0, 0, "fine-tuned"),
                cell("fmp", "", "C/8", 0, 0, "pruned"),
                cell("fmp", "", "C/32", 0, 0, "pruned"),
                cell("fmp", "", "C/16", 0, 0, "pruned"),
                cell("fmp", "", "C/16", 1, 0, "pruned")));
        cells.add(new CellResult("mnist", "badnets", "none", "", "", 0, 0, "backdoored", 0.9, 0.9, 0.1, Double.NaN, 1));
        cells.sort(CellResult.ORDER);
        List<String> got = cells.stream().map(c -> c.seed() + " " + c.label() + " " + c.size() + " " + c.stage() + " " + c.draw()).toList();
        assertEquals(List.of("0 none  backdoored 0", "0 fmp C/32 pruned 0", "0 fmp C/16 pruned 0", "0 fmp C/8 pruned 0",
                "0 fmp C/8 fine-tuned 0", "0 random/fmp C/8 pruned 0", "0 random/fmp C/8 pruned 1", "0 tac-oracle C/8 pruned 0",
                "1 fmp C/16 pruned 0"), got);
    }
}
