package org.fmplab.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.fmplab.experiment.StudyCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./fmplab study} survives {@code kill -9} and sharing its store: a study killed in the middle and
 * started again, and two studies started at once on one store, give exactly the table of a study run in
 * one go, with every cell stored once and nothing half-written left behind.
 */
class StudyResumeTest {
    @TempDir
    static Path tmp;
    private static List<String> reference;

    // Tiny but complete: 2 seeds x (none + fmp + 2 random draws + oracle) = 10 cells, two stages for the pruned ones.
    private static final String[] STUDY = {"--quick", "--name", "tiny", "--model", "smallcnn", "--width", "4", "--train-limit", "1000",
        "--test-limit", "300", "--epochs", "1", "--seeds", "0,1", "--defenses", "fmp(epochs=1)", "--sizes", "C/4",
        "--fine-tune-sizes", "C/4", "--control-draws", "2", "--analyses", "tac-oracle", "--defender-fraction", "0.1"};
    private static final int CELLS = 10;

    @BeforeAll
    static void runInOneGo() throws Exception {
        Path out = tmp.resolve("one-go");
        assertEquals(0, StudyCommand.main(args(out, out.resolve("store")), new PrintStream(new ByteArrayOutputStream())));
        reference = withoutSeconds(out);
        assertEquals(1 + 2 * (1 + 2 * 4), reference.size(),
                "header + 2 seeds x (backdoored + 2 stages x (fmp + 2 draws + oracle) at C/4): " + reference);
        assertEquals(CELLS, storedCells(out.resolve("store")));
        // the outputs' contract: columns, every CI around its mean, p-values in [0, 1], K draws per model
        List<String> summary = Files.readAllLines(out.resolve("summary.csv"));
        assertEquals("dataset,attack,defense,variant,size,stage,n,ca_mean,ca_ci_low,ca_ci_high,asr_mean,asr_ci_low,asr_ci_high,der_mean",
                summary.get(0));
        for (String line : summary.subList(1, summary.size())) {
            String[] f = line.split(",", -1);
            assertEquals("2", f[6], "two seeds per cell: " + line);
            for (int m : new int[] {7, 10}) {
                double mean = Double.parseDouble(f[m]);
                assertTrue(Double.parseDouble(f[m + 1]) <= mean && mean <= Double.parseDouble(f[m + 2]), "CI around the mean: " + line);
            }
        }
        List<String> paired = Files.readAllLines(out.resolve("paired.csv"));
        assertEquals("dataset,attack,size,stage,defense,baseline,n,asr_diff_mean,asr_diff_ci_low,asr_diff_ci_high,ca_diff_mean,p_value,test",
                paired.get(0));
        assertTrue(paired.stream().anyMatch(l -> l.contains(",fmp/epochs=1,random/fmp/epochs=1,2,")), "FMP paired with its control: " + paired);
        for (String line : paired.subList(1, paired.size())) {
            double p = Double.parseDouble(line.split(",", -1)[11]);
            assertTrue(p >= 0 && p <= 1, line);
        }
        assertEquals(2 * 2 * 2, Files.readAllLines(out.resolve("cells.csv")).stream().filter(l -> l.contains(",random,")).count(),
                "2 seeds x K = 2 draws x 2 stages");
        for (String f : new String[] {"summary.md", "summary.html", "study.json"}) assertTrue(Files.size(out.resolve(f)) > 100, f);
    }

    @Test
    void aStudyKilledInTheMiddleCompletesWithNoDuplicatedOrCorruptCell() throws Exception {
        Path out = tmp.resolve("killed");
        Path store = out.resolve("store");
        Process p = java(args(out, store), out.resolve("first.log"));
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (storedCells(store) < 3 && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(100);
        assertTrue(p.isAlive(), "the study finished before it could be killed: " + Files.readString(out.resolve("first.log")));
        int before = storedCells(store);
        p.destroyForcibly();  // SIGKILL: no shutdown hook, no cleanup
        p.waitFor();
        assertTrue(before >= 3 && before < CELLS, "killed with " + before + " of " + CELLS + " cells stored");

        Process again = java(args(out, store), out.resolve("second.log"));
        assertEquals(0, again.waitFor(), Files.readString(out.resolve("second.log")));
        assertEquals(reference, withoutSeconds(out));
        assertEquals(CELLS, storedCells(store));
        // the second run started from the cells the killed one had finished
        assertTrue(storedCellsAtStart(out.resolve("second.log")) >= before, Files.readString(out.resolve("second.log")));
    }

    @Test
    void twoStudiesSharingOneStoreAtOnceGiveTheTableOfOne() throws Exception {
        Path store = tmp.resolve("shared-store");
        Process a = java(args(tmp.resolve("a"), store), tmp.resolve("a.log"));
        Process b = java(args(tmp.resolve("b"), store), tmp.resolve("b.log"));
        assertEquals(0, a.waitFor(), Files.readString(tmp.resolve("a.log")));
        assertEquals(0, b.waitFor(), Files.readString(tmp.resolve("b.log")));
        assertEquals(reference, withoutSeconds(tmp.resolve("a")));
        assertEquals(reference, withoutSeconds(tmp.resolve("b")));
        assertEquals(CELLS, storedCells(store));
    }

    private static String[] args(Path out, Path store) {
        List<String> a = new ArrayList<>(List.of(STUDY));
        a.addAll(List.of("--out", out.toString(), "--store", store.toString()));
        return a.toArray(String[]::new);
    }

    private static Process java(String[] studyArgs, Path log) throws IOException {
        Files.createDirectories(log.getParent());
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                "org.fmplab.experiment.Main", "study"));
        cmd.addAll(List.of(studyArgs));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Finished cells in a store (temporaries of killed writers have no final name and do not count). */
    private static int storedCells(Path store) throws IOException {
        Path cells = store.resolve("cells");
        if (!Files.isDirectory(cells)) return 0;
        try (Stream<Path> s = Files.list(cells)) {
            return (int) s.filter(p -> !p.getFileName().toString().startsWith(".tmp-")).count();
        }
    }

    private static int storedCellsAtStart(Path log) throws IOException {
        for (String line : Files.readAllLines(log)) {
            int i = line.indexOf(" cells (");
            if (i > 0) return Integer.parseInt(line.substring(i + 8, line.indexOf(' ', i + 8)));
        }
        return -1;
    }

    /** cells.csv without its last column (wall time, which differs between runs). */
    private static List<String> withoutSeconds(Path out) throws IOException {
        List<String> lines = Files.readAllLines(out.resolve("cells.csv"), StandardCharsets.UTF_8);
        return lines.stream().map(l -> l.substring(0, l.lastIndexOf(','))).toList();
    }
}
