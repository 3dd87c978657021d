package org.fmplab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.model.EpochStats;
import org.fmplab.model.ModelFormatException;
import org.fmplab.model.ModelSpec;
import org.fmplab.model.Models;
import org.fmplab.model.TrainResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCacheTest {
    private static final RunConfig BASE = RunConfig.defaults().withSizes(1000, 200).withModel(ModelSpec.SMALL_CNN, 4);

    @Test
    void theKeyFollowsWhatShapesTheModelAndIgnoresTheRest() {
        String k = ModelCache.key(BASE);
        assertEquals(k, ModelCache.key(BASE.withName("other").withSizes(1000, 500).withDefense("ft", Map.of(), 0.2)));
        assertNotEquals(k, ModelCache.key(BASE.withSizes(2000, 200)));
        assertNotEquals(k, ModelCache.key(BASE.withAttack("blended", Map.of())));
        assertNotEquals(k, ModelCache.key(BASE.withAttack("badnets", Map.of("size", "4"))));
        assertNotEquals(k, ModelCache.key(BASE.withEpochs(4)));
        assertNotEquals(k, ModelCache.key(BASE.withSeed(1)));
        assertNotEquals(k, ModelCache.key(BASE.withModel(ModelSpec.SMALL_CNN, 8)));
    }

    @Test
    void theKeyRenewsWhenHowModelsAreMadeChanges() {
        assertEquals("seeded", ModelCache.keyFields(RunConfig.defaults()).get("init"));
        // WaNet and Input-aware changed how they train (poison re-drawn in every batch): their keys carry a revision
        assertEquals(1, ModelCache.keyFields(RunConfig.defaults().withAttack("input-aware", Map.of())).get("attackRevision"));
        assertFalse(ModelCache.keyFields(RunConfig.defaults()).containsKey("attackRevision"));
    }

    @Test
    void putThenGetGivesTheSameParametersAndHistory(@TempDir Path dir) {
        ModelCache cache = new ModelCache(dir.resolve("cache"));
        assertFalse(cache.contains(BASE));
        assertTrue(cache.get(BASE).isEmpty());
        ComputationGraph net = Models.build(new ModelSpec(ModelSpec.SMALL_CNN, 4, 1, 12, 12, 3, 7));
        TrainResult r = new TrainResult(net, List.of(new EpochStats(1, 1.5, 0.01, 2.0), new EpochStats(2, 0.75, 0.0, 2.5)), 4.5, 2000);
        cache.put(BASE, r);
        assertTrue(cache.contains(BASE));
        TrainResult back = cache.get(BASE).orElseThrow();
        assertEquals(net.params(), back.model().params());
        assertEquals(r.history(), back.history());
        assertEquals(4.5, back.seconds());
        assertEquals(2000, back.images());
        cache.put(BASE, r); // replacing an entry works too
        assertTrue(cache.get(BASE).isPresent());
    }

    @Test
    void aTamperedEntryFailsLoudly(@TempDir Path dir) throws Exception {
        ModelCache cache = new ModelCache(dir);
        ComputationGraph net = Models.build(new ModelSpec(ModelSpec.SMALL_CNN, 4, 1, 12, 12, 3, 7));
        cache.put(BASE, new TrainResult(net, List.of(), 1, 1));
        Path params = cache.dir(BASE).resolve("params.npy");
        byte[] b = Files.readAllBytes(params);
        b[b.length - 1] ^= 1;
        Files.write(params, b);
        assertThrows(ModelFormatException.class, () -> cache.get(BASE));
    }
}
