package org.fmplab.experiment;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** {@code ./fmplab bench WHAT}: benchmarks that print figures (speed targets live here, not in tests). */
final class Bench {
    static final String USAGE = Help.text("bench");

    private Bench() { }

    static int main(String[] argv, PrintStream out) {
        String what = argv.length == 0 || Arrays.asList(argv).contains("--help") ? "help" : argv[0];
        String[] rest = Arrays.copyOfRange(argv, Math.min(1, argv.length), argv.length);
        switch (what) {
            case "train" -> {
                Args a = new Args(rest, Set.of("vs-pytorch", "vs-dl4j-batchnorm", "vs-unfused", "vs-dl4j-layers", "vs-dl4j-conv-backward"));
                boolean vsPytorch = a.flag("vs-pytorch");
                List<TrainBench.Variant> baselines = new ArrayList<>();
                if (a.flag("vs-dl4j-batchnorm")) baselines.add(TrainBench.Variant.DL4J_BATCHNORM);
                if (a.flag("vs-unfused")) baselines.add(TrainBench.Variant.UNFUSED);
                if (a.flag("vs-dl4j-layers")) baselines.add(TrainBench.Variant.DL4J_LAYERS);
                if (a.flag("vs-dl4j-conv-backward")) baselines.add(TrainBench.Variant.DL4J_CONV_BACKWARD);
                int steps = a.getInt("steps", 8);
                int rounds = a.getInt("rounds", 3);
                if (rounds < 1) throw new IllegalArgumentException("--rounds must be >= 1, got " + rounds);
                String nets = a.get("nets", "");
                List<String> only = nets.isBlank() ? List.of() : List.of(nets.split(","));
                String dir = a.get("out", null);
                a.rejectUnknown();
                TrainBench.run(out, 128, steps, rounds, vsPytorch, baselines, only, dir == null ? null : Path.of(dir));
                return 0;
            }
            case "fmp" -> {
                FmpBench.run(out, rest);
                return 0;
            }
            case "attacks" -> {
                try {
                    return AttackBench.main(rest, out);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            default -> {
                out.print(USAGE);
                return what.equals("help") || what.equals("--help") ? 0 : 2;
            }
        }
    }
}
