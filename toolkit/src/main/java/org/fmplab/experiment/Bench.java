package org.fmplab.experiment;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
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
                Args a = new Args(rest, Set.of("vs-pytorch", "vs-dl4j-batchnorm"));
                boolean vsPytorch = a.flag("vs-pytorch");
                boolean vsDl4jBn = a.flag("vs-dl4j-batchnorm");
                int steps = a.getInt("steps", 8);
                a.rejectUnknown();
                TrainBench.run(out, 128, steps, vsPytorch, vsDl4jBn);
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
