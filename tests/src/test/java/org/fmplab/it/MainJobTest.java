package org.fmplab.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.fmplab.experiment.Pipeline;
import org.fmplab.experiment.RunConfig;
import org.fmplab.experiment.RunResult;
import org.fmplab.model.ModelIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The main job end to end on the real offline default (Fashion-MNIST), in small configurations. */
class MainJobTest {
    @TempDir
    Path tmp;

    private RunConfig small(String name) {
        // 4k images, 3 epochs of batch 64 (~190 steps): 3k images × 2 epochs of 128 (47 steps) left
        // BadNets at ASR 0.79, too close to chance for a test that needs a real backdoor
        return RunConfig.defaults().withName(name).withOutDir(tmp).withSizes(4000, 1000).withTraining(3, 64, 0.01)
                .withDefense("none", Map.of(), 0.05);
    }

    @Test
    void backdoorIsImplantedFmpRunsAndTheRunFolderHonoursItsContract() throws Exception {
        RunConfig c = small("badnets").withDefense("fmp", Map.of("epochs", "3"), 0.05);
        RunResult r = new Pipeline(c, null).run();
        assertEquals(java.util.List.of("backdoored", "pruned", "fine-tuned", "random-pruned", "random-fine-tuned"),
                r.stages().stream().map(x -> x.name()).toList());
        var s = r.stage("backdoored");
        assertTrue(s.ca() > 0.6, "clean accuracy after 3 epochs on 4k images: " + s.ca());
        assertTrue(s.asr() > 0.8, "BadNets should be learned: ASR " + s.asr());
        assertEquals(400, r.poisoned());

        Path dir = tmp.resolve("badnets");
        JsonNode j = new ObjectMapper().readTree(dir.resolve("results.json").toFile());
        assertEquals(0, j.get("seed").asLong());
        assertEquals("badnets", j.get("config").get("attack").asText());
        JsonNode st = j.get("stages").get(0);
        assertEquals("backdoored", st.get("name").asText());
        for (String k : new String[] {"ca", "asr", "ra", "seconds"}) {
            double v = st.get(k).asDouble();
            assertTrue(k.equals("seconds") ? v > 0 : v >= 0 && v <= 1, k + " = " + v);
        }
        assertEquals(s.asr(), st.get("asr").asDouble(), 1e-12);
        for (String f : new String[] {"report.md", "training-curve.png", "poisoned-samples.png", "stages.png"}) {
            assertTrue(Files.size(dir.resolve(f)) > 100, f);
        }
        assertTrue(Files.readString(dir.resolve("report.md")).contains("| backdoored |"));
        // FMP stages carry DER against the backdoored model; the fine-tuned model keeps a usable accuracy
        JsonNode tuned = j.get("stages").get(2);
        assertEquals("fine-tuned", tuned.get("name").asText());
        assertTrue(tuned.get("der").asDouble() >= 0 && tuned.get("der").asDouble() <= 1);
        assertTrue(r.stage("fine-tuned").ca() > 0.5, "CA after FMP " + r.stage("fine-tuned").ca());
        assertTrue(r.stage("fine-tuned").asr() < s.asr(), "FMP must lower ASR: " + r.stages());
        assertTrue(Files.readAllLines(dir.resolve("ranking.csv")).size() == 1 + r.fmp().ranking().size());
        assertTrue(Files.size(dir.resolve("fmp-ranking.png")) > 100);
        assertTrue(Files.isDirectory(dir.resolve("model-defended")));
        // the saved backdoored model reloads to the same predictions
        var saved = ModelIO.load(dir.resolve("model-backdoored"));
        assertEquals(r.training().model().params(), saved.model().params());
    }

    @Test
    void sameSeedGivesIdenticalMetricsAlsoWhenPoisoningOnTheFly() throws Exception {
        // WaNet re-draws its poisoned images in every batch: the seeded batch draws must repeat too
        RunConfig c = small("a").withSizes(1500, 500).withEpochs(1).withAttack("wanet", Map.of());
        RunResult a = new Pipeline(c, null).run();
        RunResult b = new Pipeline(c.withName("b"), null).run();
        assertEquals(a.stage("backdoored").ca(), b.stage("backdoored").ca());
        assertEquals(a.stage("backdoored").asr(), b.stage("backdoored").asr());
        assertEquals(a.training().model().params(), b.training().model().params());
        assertEquals(0, a.poisoned());
        assertTrue(Files.readString(tmp.resolve("a").resolve("report.md")).contains("10% poisoned (10.0% of every batch, re-drawn on the fly)"));
        assertTrue(Files.size(tmp.resolve("a").resolve("poisoned-samples.png")) > 100);
    }
}
