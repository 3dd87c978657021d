package org.fmplab.experiment;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

    /** Training images/s of one net in PyTorch ({@code bench/train_pytorch.py}, same batch and steps). */
    static double trainingImagesPerSecond(String net, int width, String input, int steps) {
        String key = net + "/" + width + "/" + input;
        for (String line : runScript("train_pytorch.py", Integer.toString(steps), net, Integer.toString(width), input)) {
            String[] f = line.split("\\s+");
            if (f.length == 4 && (f[0] + "/" + f[1] + "/" + f[2]).equals(key)) return Double.parseDouble(f[3]);
        }
        throw new IllegalStateException("bench/train_pytorch.py printed no figure for " + key);
    }
}
