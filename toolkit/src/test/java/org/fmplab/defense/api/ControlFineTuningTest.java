package org.fmplab.defense.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.data.ImageDataset;
import org.fmplab.defense.RandomPruningDefense;
import org.fmplab.fmp.FmpDefense;
import org.fmplab.model.ModelSpec;
import org.fmplab.model.Models;
import org.fmplab.progress.Progress;
import org.fmplab.prune.FineTuning;
import org.junit.jupiter.api.Test;

/**
 * The random control must fine-tune exactly as FMP does, or "FMP beats random" measures the recipe,
 * not the ranking. The registry once gave the control batch 256 (4 steps per epoch on 1,000 images)
 * and FMP its automatic batch (10 steps): these tests would have failed on that.
 */
class ControlFineTuningTest {
    @Test
    void theRegistrysRandomControlHasFmpsRecipe() {
        FineTuning fmp = ((FmpDefense) Defenses.create("fmp", Map.of())).config().fineTuning();
        FineTuning random = ((RandomPruningDefense) Defenses.create("random", Map.of())).config().fineTuning();
        assertEquals(fmp, random);
        assertEquals(fmp.config(5, 1000), random.config(5, 1000), "same training configuration on a 1,000-image subset");
    }

    @Test
    void bothRecipesTakeTheSameStepsOverTheSameData() {
        ImageDataset clean = data(1000);
        ComputationGraph net = Models.build(new ModelSpec(ModelSpec.SMALL_CNN, 4, 1, 10, 10, 3, 4));
        FineTuning fmp = ((FmpDefense) Defenses.create("fmp", Map.of("epochs", "1"))).config().fineTuning();
        FineTuning random = ((RandomPruningDefense) Defenses.create("random", Map.of("epochs", "1"))).config().fineTuning();
        long fmpSteps = steps(fmp, net, clean), randomSteps = steps(random, net, clean);
        assertEquals(fmpSteps, randomSteps, "fine-tuning steps per epoch");
        int batch = fmp.batchFor(clean.size());
        assertEquals((clean.size() + batch - 1) / batch, fmpSteps, "steps of the automatic batch (" + batch + " images)");
        assertTrue(batch < 256, "a tenth of 1,000 images, not a fixed 256");
    }

    // The planned step count, read from the first progress event (then training stops: one step is enough).
    private static long steps(FineTuning recipe, ComputationGraph net, ImageDataset clean) {
        List<Progress> events = new ArrayList<>();
        assertThrows(Stop.class, () -> recipe.fineTune(net, clean, null, 3, p -> {
            events.add(p);
            throw new Stop();
        }));
        assertEquals("fine-tune", events.get(0).stage());
        return events.get(0).total();
    }

    private static final class Stop extends RuntimeException { }

    private static ImageDataset data(int n) {
        Random r = new Random(2);
        byte[] px = new byte[n * 100];
        r.nextBytes(px);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = i % 3;
        return ImageDataset.of("tiny", px, labels, 1, 10, 10, ImageDataset.numberedClasses(3));
    }
}
