package org.fmplab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.fmplab.attack.LabelMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A saved run is reopened with the configuration it was made with, not the defaults. */
class SavedRunTest {
    @TempDir
    Path dir;

    private Path runFolder(String name, Map<String, Object> config) throws Exception {
        Path run = Files.createDirectories(dir.resolve(name));
        Files.createDirectories(run.resolve("model-backdoored"));
        Map<String, Object> results = new LinkedHashMap<>();
        results.put("config", config);
        results.put("seed", config.get("seed"));
        new ObjectMapper().writeValue(run.resolve("results.json").toFile(), results);
        return run;
    }

    @Test
    void theConfigurationComesBackFromResultsJson() throws Exception {
        RunConfig c = RunConfig.defaults().withName("seed3-def10").withSeed(3).withDefense("fmp", Map.of("select", "layer:0.25"), 0.1)
                .withAttack("blended", Map.of("alpha", "0.15")).withPoisoning(0.05, 2, LabelMode.ALL_TO_ALL)
                .withData("fashion-mnist", Path.of("/data/fm")).withSizes(5000, 2000).withTraining(4, 64, 0.02);
        RunConfig back = SavedRun.config(runFolder("seed3-def10", c.toMap()));
        assertEquals(c.toMap(), back.toMap());
        assertEquals(3, back.seed());
        assertEquals(0.1, back.defenderFraction());
        assertEquals(dir.toAbsolutePath(), back.outDir());
    }

    @Test
    void aFolderWithoutResultsIsRefusedByName() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SavedRun.config(empty));
        assertTrue(e.getMessage().contains("not a finished run folder"), e.getMessage());
    }

    @Test
    void aMissingOrMistypedKeyIsNamed() throws Exception {
        Map<String, Object> noSeed = new LinkedHashMap<>(RunConfig.defaults().toMap());
        noSeed.remove("seed");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SavedRun.config(runFolder("a", noSeed)));
        assertTrue(e.getMessage().contains("'seed'"), e.getMessage());
        Map<String, Object> badRate = new LinkedHashMap<>(RunConfig.defaults().toMap());
        badRate.put("poisonRate", "ten");
        e = assertThrows(IllegalArgumentException.class, () -> SavedRun.config(runFolder("b", badRate)));
        assertTrue(e.getMessage().contains("'poisonRate'"), e.getMessage());
    }
}
