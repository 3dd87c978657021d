package org.fmplab.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudyReportTest {
    static final List<String> ATTACKS = List.of("badnets", "blended");
    static final List<String> SIZES = List.of("C/16", "C/8");
    static final List<String> STAGES = List.of("pruned", "fine-tuned");
    static final int K = 3;

    /**
     * 2 attacks × 3 seeds; per model the undefended row, fmp and fmp/eps=8/255 (no control), the random
     * control of fmp with K = 3 draws, and the oracle, at 2 sizes × 2 stages. ASR of a random draw:
     * 0.30 + 0.02·seed + 0.05·draw (+0.1 at C/8), so its per-seed mean is 0.35 + 0.02·seed.
     */
    static List<CellResult> synthetic() {
        List<CellResult> cells = new ArrayList<>();
        for (String attack : ATTACKS) {
            double a = attack.equals("badnets") ? 0 : 0.1;
            for (long seed = 0; seed < 3; seed++) {
                cells.add(new CellResult("mnist", attack, "none", "", "", seed, 0, "backdoored", 0.95, 0.97, 0.02, Double.NaN, 60));
                for (String size : SIZES) {
                    double big = size.equals("C/8") ? 0.1 : 0;
                    for (String stage : STAGES) {
                        double ft = stage.equals("fine-tuned") ? 0.02 : 0;
                        cells.add(cell(attack, "fmp", "", size, seed, 0, stage, 0.90 + ft - big / 5, 0.05 + a + 0.01 * seed - big / 5 + seed * seed * 0.003));
                        cells.add(cell(attack, "fmp", "eps=8/255", size, seed, 0, stage, 0.89 + ft, 0.08 + a + 0.015 * seed));
                        for (int d = 0; d < K; d++)
                            cells.add(cell(attack, "random", "fmp", size, seed, d, stage, 0.88 + ft - 0.01 * d, 0.30 + a + big + 0.02 * seed + 0.05 * d));
                        cells.add(cell(attack, "tac-oracle", "", size, seed, 0, stage, 0.91 + ft, 0.02 + a / 2 + 0.005 * seed));
                    }
                }
            }
        }
        java.util.Collections.reverse(cells); // the report must not depend on input order
        return cells;
    }

    static CellResult cell(String attack, String defense, String variant, String size, long seed, int draw, String stage, double ca, double asr) {
        return new CellResult("mnist", attack, defense, variant, size, seed, draw, stage, ca, asr, 0.5, 0.6, 1.0);
    }

    static List<Map<String, String>> read(Path file, String header) throws Exception {
        List<String> lines = Files.readAllLines(file);
        assertEquals(header, lines.get(0));
        List<String> cols = Csv.split(header);
        List<Map<String, String>> out = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = Csv.split(line);
            assertEquals(cols.size(), f.size(), line);
            Map<String, String> m = new HashMap<>();
            for (int i = 0; i < cols.size(); i++) m.put(cols.get(i), f.get(i));
            out.add(m);
        }
        return out;
    }

    static double num(Map<String, String> row, String col) {
        return Csv.parseNum(row.get(col));
    }

    @Test
    void writesTheStatedFilesWithTheStatedColumns(@TempDir Path dir) throws Exception {
        StudyReport report = new StudyReport(synthetic(), "synthetic study for the test");
        List<String> files = report.writeAll(dir);
        for (String f : files) assertTrue(Files.size(dir.resolve(f)) > 0, f);

        List<Map<String, String>> cells = read(dir.resolve("cells.csv"), "dataset,attack,defense,variant,size,seed,draw,stage,ca,asr,ra,der,seconds");
        assertEquals(2 * 3 * (1 + 2 * 2 * (1 + 1 + K + 1)), cells.size());
        assertEquals("none", cells.get(0).get("defense")); // sorted: the undefended model first
        assertEquals("", cells.get(0).get("der"));
        List<CellResult> back = CellResult.readCsv(dir.resolve("cells.csv"));
        assertEquals(report.cells(), back); // exact round trip, in ORDER

        List<Map<String, String>> summary = read(dir.resolve("summary.csv"),
                "dataset,attack,defense,variant,size,stage,n,ca_mean,ca_ci_low,ca_ci_high,asr_mean,asr_ci_low,asr_ci_high,der_mean");
        assertEquals(2 * (1 + 4 * 2 * 2), summary.size());
        for (Map<String, String> r : summary) {
            assertEquals("3", r.get("n"), "n is the number of seeds, not of draws: " + r);
            for (String m : List.of("ca", "asr")) {
                assertTrue(num(r, m + "_ci_low") <= num(r, m + "_mean") && num(r, m + "_mean") <= num(r, m + "_ci_high"), r.toString());
            }
        }
        // the control, averaged per seed first: seeds give 0.35, 0.37, 0.39 (badnets, C/16, pruned)
        Map<String, String> control = summary.stream().filter(r -> r.get("attack").equals("badnets") && r.get("defense").equals("random")
                && r.get("variant").equals("fmp") && r.get("size").equals("C/16") && r.get("stage").equals("pruned")).findFirst().orElseThrow();
        assertEquals(0.37, num(control, "asr_mean"), 1e-12);
        double half = 4.302653 * 0.02 / Math.sqrt(3); // t_{0.975,2} from the table × sd 0.02 / √3 (9 pooled draws would give another width)
        assertEquals(0.37 - half, num(control, "asr_ci_low"), 1e-6);
        assertEquals(0.37 + half, num(control, "asr_ci_high"), 1e-6);

        List<Map<String, String>> paired = read(dir.resolve("paired.csv"),
                "dataset,attack,size,stage,defense,baseline,n,asr_diff_mean,asr_diff_ci_low,asr_diff_ci_high,ca_diff_mean,p_value,test");
        // per attack × size × stage: fmp vs random/fmp, fmp and fmp/eps=8/255 vs the oracle, fmp vs fmp/eps=8/255; two tests each
        assertEquals(2 * 2 * 2 * 4 * 2, paired.size());
        for (Map<String, String> r : paired) {
            assertEquals("3", r.get("n"));
            double p = num(r, "p_value");
            assertTrue(p >= 0 && p <= 1, r.toString());
            assertTrue(List.of("wilcoxon-exact", "permutation-exact").contains(r.get("test")), r.toString());
            assertTrue(num(r, "asr_diff_ci_low") <= num(r, "asr_diff_mean") && num(r, "asr_diff_mean") <= num(r, "asr_diff_ci_high"));
        }
        assertTrue(paired.stream().noneMatch(r -> r.get("defense").startsWith("random") || r.get("defense").equals("tac-oracle")));
        assertTrue(paired.stream().noneMatch(r -> r.get("baseline").equals("random/fmp") && !r.get("defense").equals("fmp")));
        // fmp − control at badnets C/16 pruned: fmp ASR 0.05 + 0.01s + 0.003s² → 0.05, 0.063, 0.082; control 0.35, 0.37, 0.39
        Map<String, String> vsControl = paired.stream().filter(r -> r.get("attack").equals("badnets") && r.get("size").equals("C/16")
                && r.get("stage").equals("pruned") && r.get("baseline").equals("random/fmp") && r.get("test").equals("wilcoxon-exact"))
                .findFirst().orElseThrow();
        assertEquals("fmp", vsControl.get("defense"));
        assertEquals((0.05 + 0.063 + 0.082) / 3 - 0.37, num(vsControl, "asr_diff_mean"), 1e-12);
        assertEquals(0.25, num(vsControl, "p_value"), 1e-12); // all 3 differences negative: 2 of 8 sign assignments as extreme
        assertEquals(0.90 - (0.88 + 0.87 + 0.86) / 3, num(vsControl, "ca_diff_mean"), 1e-12);

        String md = Files.readString(dir.resolve("summary.md"));
        assertTrue(md.contains("K = 3 draws per model") && md.contains("Student's t") && md.contains("Wilcoxon"), md);
        assertTrue(md.contains("](plots/tradeoff-mnist-badnets-pruned.png)"));
        String html = Files.readString(dir.resolve("summary.html"));
        assertTrue(html.contains("data:image/png;base64,") && !html.contains("src=\"plots/"), "HTML must inline its plots");

        List<String> pngs = files.stream().filter(f -> f.endsWith(".png")).toList();
        assertEquals(2 * 2 * 3, pngs.size()); // per attack × stage: trade-off, ASR bars, CA bars
        for (String f : pngs) {
            BufferedImage img = ImageIO.read(dir.resolve(f).toFile());
            assertNotNull(img, f);
            assertTrue(img.getWidth() > 100 && img.getHeight() > 100, f);
        }
    }

    @Test
    void theTradeoffChartDrawsASharedControlOnceAndStopsAt100() {
        List<CellResult> cells = new ArrayList<>();
        for (long seed = 0; seed < 3; seed++) {
            cells.add(cell("badnets", "none", "", "", seed, 0, "backdoored", 0.86, 0.99));
            for (String size : List.of("C/16", "C/8")) {
                cells.add(cell("badnets", "fmp", "", size, seed, 0, "pruned", 0.5, 0.6 + 0.1 * seed));
                cells.add(cell("badnets", "fmp", "tie-break=random", size, seed, 0, "pruned", 0.5, 0.5 + 0.2 * seed));
                // both rankings' controls are the same cells (variants that differ only in ranking share them)
                for (String v : List.of("fmp", "fmp/tie-break=random")) cells.add(cell("badnets", "random", v, size, seed, 0, "pruned", 0.4, 0.9));
            }
        }
        var chart = new StudyReport(cells, "").tradeoffChart("mnist", "badnets", "pruned");
        assertEquals(List.of("fmp", "fmp/tie-break=random", "random/fmp (+1 identical)", "undefended"),
                List.copyOf(chart.getSeriesMap().keySet()));
        assertEquals(100.0, chart.getStyler().getYAxisMax());
    }

    @Test
    void oneSeedLeavesCisAndPEmpty(@TempDir Path dir) throws Exception {
        List<CellResult> one = synthetic().stream().filter(c -> c.seed() == 0 && c.attack().equals("badnets")).toList();
        StudyReport report = new StudyReport(one, "");
        Files.writeString(dir.resolve("summary.csv"), report.summaryCsv());
        Files.writeString(dir.resolve("paired.csv"), report.pairedCsv());
        for (Map<String, String> r : read(dir.resolve("summary.csv"), StudyReport.SUMMARY_HEADER)) {
            assertEquals("1", r.get("n"));
            assertEquals("", r.get("asr_ci_low"));
            assertEquals("", r.get("ca_ci_high"));
            assertTrue(!r.get("asr_mean").isEmpty());
        }
        for (Map<String, String> r : read(dir.resolve("paired.csv"), StudyReport.PAIRED_HEADER)) {
            assertEquals("1", r.get("n"));
            assertEquals("", r.get("p_value"));
            assertEquals("", r.get("asr_diff_ci_high"));
        }
    }

    @Test
    void intervalsOfRatesAndOfTheirDifferencesStopAtWhatARateCanBe() {
        // Two seeds far apart (t with one degree of freedom: a factor 12.7): FMP's ASR 0.1 and 0.9, the
        // control's 0.95 and 0.05; the raw intervals would reach past 0 and 1, and the difference's past ±1.
        List<CellResult> cells = new ArrayList<>();
        double[] fmp = {0.1, 0.9}, control = {0.95, 0.05};
        for (int seed = 0; seed < 2; seed++) {
            cells.add(cell("badnets", "fmp", "", "C/16", seed, 0, "pruned", 0.5, fmp[seed]));
            cells.add(cell("badnets", "random", "fmp", "C/16", seed, 0, "pruned", 0.5, control[seed]));
        }
        StudyReport r = new StudyReport(cells, "");
        for (StudyReport.SummaryRow row : r.summary()) {
            assertEquals(0.0, row.asr().ci().low());
            assertEquals(1.0, row.asr().ci().high());
        }
        StudyReport.PairedRow p = r.paired().get(0);
        assertEquals(0.0, p.asrDiff().mean(), 1e-12);
        assertEquals(-1.0, p.asrDiff().ci().low());
        assertEquals(1.0, p.asrDiff().ci().high());
    }

    @Test
    void rejectsDuplicateCells() {
        List<CellResult> cells = new ArrayList<>(synthetic());
        cells.add(cells.get(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new StudyReport(cells, ""));
        assertTrue(e.getMessage().startsWith("duplicate cell"), e.getMessage());
    }

    @Test
    void unmatchedSeedsAreNotPaired() {
        List<CellResult> cells = new ArrayList<>(synthetic().stream()
                .filter(c -> !(c.defense().equals("tac-oracle") && c.seed() == 2)).toList());
        StudyReport r = new StudyReport(cells, "");
        assertTrue(r.paired().stream().filter(p -> p.baseline().equals("tac-oracle")).allMatch(p -> p.n() == 2));
        assertTrue(r.paired().stream().filter(p -> p.baseline().equals("random/fmp")).allMatch(p -> p.n() == 3));
    }
}
