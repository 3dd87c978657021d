package org.fmplab.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fmplab.experiment.AttackBench;
import org.fmplab.experiment.Compare;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./fmplab compare --quick} on a tiny size: the table's contract and the model cache. */
class CompareTest {
    @TempDir
    Path tmp;

    @Test
    void quickGridWritesTheTableAndReusesItsCacheOnARerun() throws Exception {
        String[] args = {"--quick", "--out", tmp.toString(), "--attacks", "badnets", "--defenses", "ft,clp",
            "--train-limit", "1500", "--test-limit", "300"};
        String first = run(args);
        List<String> lines = Files.readAllLines(tmp.resolve("compare.csv"), StandardCharsets.UTF_8);
        assertEquals("attack,defense,ca,asr,ra,der", lines.get(0));
        assertEquals(List.of("badnets,none", "badnets,ft", "badnets,clp", "mean,none", "mean,ft", "mean,clp"),
                lines.subList(1, lines.size()).stream().map(l -> l.substring(0, l.indexOf(',', l.indexOf(',') + 1))).toList());
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            assertEquals(6, f.length, line);
            for (int i = 2; i < 5; i++) {
                double v = Double.parseDouble(f[i]);
                assertTrue(v >= 0 && v <= 1, line);
            }
            if (f[1].equals("none")) assertEquals("", f[5], "no DER for the undefended model: " + line);
            else assertTrue(Double.parseDouble(f[5]) >= 0 && Double.parseDouble(f[5]) <= 1, line);
        }
        for (String file : new String[] {"compare.md", "compare.html", "compare.png", "compare-asr.png"}) {
            assertTrue(Files.size(tmp.resolve(file)) > 200, file);
        }
        assertTrue(Files.readString(tmp.resolve("compare.md")).contains("| **mean** |"));
        assertTrue(first.contains("badnets"), first);

        // a rerun trains nothing and recomputes no cell; the table is the same
        String second = run(args);
        assertTrue(second.contains("(3 cells from the store)"), second);
        assertEquals(lines, Files.readAllLines(tmp.resolve("compare.csv"), StandardCharsets.UTF_8));
    }

    @Test
    void attackBenchFillsTheComparisonsModelCache() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        assertEquals(0, AttackBench.main(new String[] {"--attacks", "badnets", "--no-clean", "--train", "1500", "--test", "300",
            "--epochs", "1", "--cache", tmp.toString()}, new PrintStream(buf, true, StandardCharsets.UTF_8)));
        String row = buf.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("| badnets |")).findFirst().orElseThrow();
        double benchCa = Double.parseDouble(row.split("\\|")[3].trim());

        List<Path> models;
        try (var s = Files.list(tmp.resolve("store").resolve("models"))) {
            models = s.toList();
        }
        assertEquals(1, models.size(), "the bench stored one model: " + models);
        var stamp = Files.getLastModifiedTime(models.get(0).resolve("params.npy"));
        String out = run(new String[] {"--out", tmp.toString(), "--attacks", "badnets", "--defenses", "clp",
            "--train-limit", "1500", "--test-limit", "300", "--epochs", "1"});
        assertTrue(out.contains("(0 cells from the store)"), out);
        assertEquals(stamp, Files.getLastModifiedTime(models.get(0).resolve("params.npy")), "the comparison reused the bench's model");
        String none = Files.readAllLines(tmp.resolve("compare.csv"), StandardCharsets.UTF_8).get(1);
        assertTrue(none.startsWith("badnets,none,"), none);
        assertEquals(benchCa, Double.parseDouble(none.split(",")[2]), 1e-4, "the same model, evaluated the same way");
    }

    private static String run(String[] args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        assertEquals(0, Compare.main(args, new PrintStream(buf, true, StandardCharsets.UTF_8)));
        return buf.toString(StandardCharsets.UTF_8);
    }
}
