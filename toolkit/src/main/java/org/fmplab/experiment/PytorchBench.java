package org.fmplab.experiment;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Runs our PyTorch reference scripts under {@code bench/} (Debian's python3-torch) and compares. */
final class PytorchBench {
    private PytorchBench() { }

    /** Runs {@code /usr/bin/python3 bench/SCRIPT args} and returns its stdout lines. */
    static List<String> runScript(String script, String... args) {
        Path file = Path.of("bench", script);
        if (!Files.exists(file)) throw new IllegalArgumentException(file + " not found: run from the project root");
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", script));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).directory(Path.of("bench").toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            List<String> lines = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) lines.add(l.trim());
            }
            int rc = p.waitFor();
            if (rc != 0) throw new IllegalStateException(file + " failed with exit code " + rc + " (is python3-torch installed?)");
            return lines;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + file + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Times the net of {@code ours} in PyTorch and prints both figures and their ratio. */
    static void compareTraining(PrintStream out, TrainBench.Row ours, int steps) {
        for (String line : runScript("train_pytorch.py", Integer.toString(steps), ours.net(), Integer.toString(ours.width()), ours.input())) {
            String[] f = line.split("\\s+");
            if (f.length != 4 || !(f[0] + "/" + f[1] + "/" + f[2]).equals(ours.key())) continue;
            double torch = Double.parseDouble(f[3]);
            out.printf(Locale.ROOT, "%-16s width %-3s %-8s DL4J %8.1f img/s, PyTorch %8.1f img/s, ratio %.2fx%n",
                    f[0], f[1], f[2], ours.imagesPerSecond(), torch, ours.imagesPerSecond() / torch);
        }
    }
}
