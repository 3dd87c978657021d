package org.fmplab.experiment;

import java.io.PrintStream;
import java.util.Set;

/** {@code ./fmplab bench WHAT}: benchmarks that print figures (speed targets live here, not in tests). */
final class Bench {
    private Bench() { }

    static int main(String[] argv, PrintStream out) {
        Args a = new Args(argv, Set.of("vs-pytorch", "help"));
        String what = a.positional().isEmpty() ? "help" : a.positional().get(0);
        boolean vsPytorch = a.flag("vs-pytorch");
        switch (what) {
            case "train" -> {
                int steps = a.getInt("steps", 8);
                a.rejectUnknown();
                var rows = TrainBench.run(out, 128, steps);
                if (vsPytorch) PytorchBench.compareTraining(out, rows, steps);
            }
            default -> {
                out.println("usage: ./fmplab bench train [--steps N] [--vs-pytorch]");
                return what.equals("help") ? 0 : 2;
            }
        }
        return 0;
    }
}
