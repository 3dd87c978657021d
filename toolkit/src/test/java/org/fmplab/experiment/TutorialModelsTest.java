package org.fmplab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.fmplab.metrics.Scores;
import org.fmplab.progress.ProgressListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tutorials' shipped backdoored models (models/, ./fmplab tutorial-models). */
class TutorialModelsTest {
    private static final Path MODELS = Path.of("..", "models");
    private static final Tutorial QUICK = Tutorial.of(Map.of("FMPLAB_QUICK", "1"));
    private static final Tutorial FULL = Tutorial.of(Map.of());

    @Test
    void theQuickTutorialModelShipsUnderItsCurrentCacheNameWithItsChecksumInTheReadme() throws Exception {
        // Fails when a setting or recipe changes the cache key and nobody ran ./fmplab tutorial-models.
        String readme = Files.readString(MODELS.resolve("README.md"));
        String name = ModelCache.name(QUICK.config());
        assertTrue(ModelCache.ships(QUICK.config()), name + " is not in the jar: run ./fmplab tutorial-models");
        JsonNode manifest = new ObjectMapper().readTree(MODELS.resolve(name).resolve("manifest.json").toFile());
        String sha = manifest.get("sha256").get("params.npy").asText();
        assertTrue(readme.contains("`" + sha + "`"), "models/README.md lacks " + name + "'s checksum " + sha);
        assertFalse(ModelCache.ships(QUICK.config().withSeed(1)), "only seed 0 ships");
        assertFalse(ModelCache.ships(FULL.config()), "the full-size model (2.8 MB) is trained, not shipped");
    }

    @Test
    void theQuickNotebooksStartFromTheShippedModelWithoutTraining(@TempDir Path tmp) {
        ModelCache cache = new ModelCache(tmp);
        boolean[] trained = {false};
        ProgressListener l = p -> trained[0] = true;
        Tutorial.Backdoored b = QUICK.backdoored(cache, l);
        assertEquals("shipped", b.source());
        assertFalse(trained[0], "no training for a shipped model");
        assertTrue(b.scores().asr() >= 0.8 && b.scores().ca() >= 0.5, b.toString());  // quick mode's documented range
        assertEquals("cached", QUICK.backdoored(cache, l).source());
    }
}
