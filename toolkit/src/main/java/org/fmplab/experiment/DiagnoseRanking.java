package org.fmplab.experiment;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.fmplab.fmp.FmpConfig;
import org.fmplab.fmp.RankConfig;
import org.fmplab.fmp.RankingDiagnostics;

/** {@code ./fmplab diagnose-ranking}: {@link RankingDiagnostics} on the saved backdoored model of a run folder. */
final class DiagnoseRanking {
    static final String HELP = Help.text("diagnose-ranking");

    private DiagnoseRanking() { }

    static int main(String[] argv, PrintStream out) {
        Args a = new Args(argv, Set.of("help", "quick"));
        if (a.flag("help")) {
            out.println(HELP);
            return 0;
        }
        String dir = a.get("model-dir", null);
        String store = a.get("store", null);
        if ((dir == null) == (store == null)) {
            throw new IllegalArgumentException("give --model-dir (a folder written by ./fmplab run) or --store (a study's store), one of them");
        }
        if (store != null && a.get("out", null) == null) throw new IllegalArgumentException("--store needs --out DIR");
        Path run = Path.of(dir != null ? dir : store);
        Path outDir = Path.of(a.get("out", dir));
        RunConfig fromStore = store != null ? Main.parseRun(a) : null;
        RankConfig rank = FmpConfig.fromParams(a.pairs("fmp-param")).rank();
        List<Double> ratios = Arrays.stream(a.get("ratios", "0.0625,0.125").split(",")).map(s -> parseRatio(s)).toList();
        long tieSeed = a.getInt("tie-seed", 0);
        a.rejectUnknown();
        SavedRun saved = dir != null ? SavedRun.open(run) : SavedRun.fromStore(run, fromStore);
        String label = dir != null ? dir : store + ", seed " + fromStore.seed();
        long t0 = System.nanoTime();
        RankingDiagnostics.Result r = RankingDiagnostics.run(saved.model(), saved.defender().clean(), saved.defender().seed(),
                saved.data().poisoner().attack(), rank, ratios, tieSeed, ConsoleProgress.stderr());
        String md = String.format(Locale.ROOT, "# Ranking diagnostics: %s%n%n%s; defender %d images, seed %d, trigger %s; %.0f s.%n%n%s",
                label, saved.summary(), saved.defender().clean().size(), saved.defender().seed(), saved.config().attack(),
                (System.nanoTime() - t0) / 1e9, r.markdown());
        try {
            Files.createDirectories(outDir);
            Files.writeString(outDir.resolve("ranking-diagnostics.md"), md);
            r.coverage().write().csv(outDir.resolve("ranking-diagnostics-coverage.csv").toFile());
            r.ties().write().csv(outDir.resolve("ranking-diagnostics-ties.csv").toFile());
            r.ranking().table().write().csv(outDir.resolve("ranking-diagnostics-ranking.csv").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println(md);
        return 0;
    }

    private static double parseRatio(String s) {
        try {
            double v = Double.parseDouble(s.trim());
            if (!(v > 0 && v < 1)) throw new IllegalArgumentException("--ratios: " + s + " must be in (0, 1)");
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--ratios: '" + s + "' is not a number");
        }
    }
}
