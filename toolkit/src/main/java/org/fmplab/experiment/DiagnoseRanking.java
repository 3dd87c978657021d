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
    static final String HELP = """
            usage: ./fmplab diagnose-ranking --model-dir DIR [options]
              what FMP's ranking sees on a run's saved backdoored model (no training): per layer the
              distinct values of each score and the share tied at the mode; per ordering (the ranking,
              accuracy with a seeded random tie-break, loss, margin, target flip (our extension), MSE,
              filter norm, TAC / clean std) its coverage of each layer's top-TAC maps against chance.
              The ranking uses the run's defender data only; TAC uses the run's trigger (analysis only).
              --model-dir DIR        a folder written by ./fmplab run (results.json, model-backdoored/)
              --out DIR              where to write ranking-diagnostics.md and its CSVs (default: DIR)
              --fmp-param KEY=VALUE  ranking setting as for --defense-param of fmp (repeatable), e.g.
                                     epsilon=8/255, epsilon=auto, probe=all, score=margin, tie-break=random
              --ratios R1,R2         per-layer pruning shares the coverage is measured at (default 0.0625,0.125)
              --tie-seed N           seed of the random tie-breaks of the compared orderings (default 0)
            """;

    private DiagnoseRanking() { }

    static int main(String[] argv, PrintStream out) {
        Args a = new Args(argv, Set.of("help"));
        if (a.flag("help")) {
            out.println(HELP);
            return 0;
        }
        String dir = a.get("model-dir", null);
        if (dir == null) throw new IllegalArgumentException("--model-dir is required (a folder written by ./fmplab run)");
        Path run = Path.of(dir);
        Path outDir = Path.of(a.get("out", dir));
        RankConfig rank = FmpConfig.fromParams(a.pairs("fmp-param")).rank();
        List<Double> ratios = Arrays.stream(a.get("ratios", "0.0625,0.125").split(",")).map(s -> parseRatio(s)).toList();
        long tieSeed = a.getInt("tie-seed", 0);
        a.rejectUnknown();
        SavedRun saved = SavedRun.open(run);
        long t0 = System.nanoTime();
        RankingDiagnostics.Result r = RankingDiagnostics.run(saved.model(), saved.defender().clean(), saved.defender().seed(),
                saved.data().poisoner().attack(), rank, ratios, tieSeed, ConsoleProgress.stderr());
        String md = String.format(Locale.ROOT, "# Ranking diagnostics: %s%n%n%s; defender %d images, seed %d, trigger %s; %.0f s.%n%n%s",
                run, saved.summary(), saved.defender().clean().size(), saved.defender().seed(), saved.config().attack(),
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
