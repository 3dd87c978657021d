package org.fmplab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.fmplab.model.ModelIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportModelTest {
    static final String R = "src/test/resources/import/";

    @TempDir
    Path tmp;

    private int run(ByteArrayOutputStream buf, String... args) {
        return ImportModel.main(args, new PrintStream(buf, true, StandardCharsets.UTF_8));
    }

    private String[] args(Path out, String... extra) {
        String[] base = {"--arch", "preactresnet18", "--weights", R + "preactresnet18-w4.safetensors", "--classes", "10",
            "--input", "3,32,32", "--out", out.toString(), "--check-input", R + "preactresnet18-w4-input.npy",
            "--check-logits", R + "preactresnet18-w4-logits.npy"};
        String[] all = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test
    void writesTheModelWithTheSourceChecksumWhenTheLogitsMatch() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Path out = tmp.resolve("m");
        assertEquals(0, run(buf, args(out, "--mean", "0.4914,0.4822,0.4465", "--std", "0.247,0.243,0.261")));
        assertTrue(buf.toString(StandardCharsets.UTF_8).contains("largest |logit difference|"), buf.toString(StandardCharsets.UTF_8));
        @SuppressWarnings("unchecked")
        Map<String, Object> src = (Map<String, Object>) ModelIO.load(out).metadata().get("imported");
        assertEquals(ModelIO.sha256(Files.readAllBytes(Path.of(R + "preactresnet18-w4.safetensors"))), src.get("sha256"));
    }

    @Test
    void exitsOneAndWritesNothingWhenTheLogitsDiffer() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Path out = tmp.resolve("m");
        assertEquals(1, run(buf, args(out))); // the fixture was trained with a normalisation: without it, other logits
        assertTrue(buf.toString(StandardCharsets.UTF_8).contains("FAILED"));
        assertFalse(Files.exists(out));
        var e = assertThrows(IllegalArgumentException.class, () -> run(buf, args(out, "--mean", "0.5,0.5", "--std", "1,1,1")));
        assertEquals("--mean has 2 and --std 3 values; the input has 3 channels", e.getMessage());
    }
}
