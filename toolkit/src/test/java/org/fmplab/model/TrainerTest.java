package org.fmplab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.data.ImageDataset;
import org.fmplab.progress.InterruptedWorkException;
import org.fmplab.progress.Progress;
import org.junit.jupiter.api.Test;

class TrainerTest {
    /** 200 tiny 1×8×8 images of 2 classes: class 1 has a bright left half. Learnable in a few steps. */
    static ImageDataset toy() {
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        int n = 200;
        byte[] px = new byte[n * 64];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) {
                int v = r.nextInt(60) + (labels[i] == 1 && x < 4 ? 150 : 0);
                px[i * 64 + y * 8 + x] = (byte) v;
            }
        }
        return ImageDataset.of("toy", px, labels, 1, 8, 8, ImageDataset.numberedClasses(2));
    }

    static ComputationGraph net() {
        return Models.build(new ModelSpec(ModelSpec.SMALL_CNN, 4, 1, 8, 8, 2, 5));
    }

    @Test
    void trainingLowersTheLossAndLeavesTheInputModelAlone() {
        ComputationGraph before = net();
        var paramsBefore = before.params().dup();
        TrainResult r = new Trainer(new TrainConfig(4, 32, 0.05, 0.0, 0.9, 0, 0, false, 1)).train(before, toy());
        assertEquals(4, r.history().size());
        assertTrue(r.history().get(3).loss() < r.history().get(0).loss() * 0.8,
                "loss should fall: " + r.history());
        assertEquals(paramsBefore, before.params(), "the caller's network must not change");
        int[] pred = Inference.predict(r.model(), toy());
        double acc = org.fmplab.metrics.Metrics.accuracy(pred, toy().labels());
        assertTrue(acc > 0.9, "toy accuracy " + acc);
    }

    @Test
    void sameSeedGivesIdenticalWeights() {
        TrainConfig c = new TrainConfig(2, 32, 0.05, 0.0, 0.9, 5e-4, 1, true, 11);
        TrainResult a = new Trainer(c).train(net(), toy());
        TrainResult b = new Trainer(c).train(net(), toy());
        assertEquals(a.model().params(), b.model().params());
        TrainResult other = new Trainer(c.withSeed(12)).train(net(), toy());
        assertNotEquals(a.model().params(), other.model().params());
    }

    @Test
    void cosineScheduleEndsAtTheFinalRate() {
        TrainResult r = new Trainer(new TrainConfig(2, 50, 0.1, 0.001, 0.9, 0, 0, false, 1)).train(net(), toy());
        assertEquals(0.001, r.history().get(1).learningRate(), 1e-9);
        CosineSchedule s = new CosineSchedule(0.1, 0.0, 100);
        assertEquals(0.1, s.valueAt(0, 0), 1e-12);
        assertEquals(0.05, s.valueAt(50, 0), 1e-12);
    }

    @Test
    void progressIsReportedPerBatchAndInterruptStopsTraining() {
        List<Progress> seen = new ArrayList<>();
        new Trainer(new TrainConfig(1, 50, 0.05, 0, 0.9, 0, 0, false, 1)).withListener(seen::add).train(net(), toy());
        assertEquals(4, seen.size());
        assertEquals(4, seen.get(3).done());
        assertTrue(seen.get(3).finished());

        AtomicInteger steps = new AtomicInteger();
        Trainer t = new Trainer(new TrainConfig(50, 10, 0.05, 0, 0.9, 0, 0, false, 1)).withListener(p -> {
            if (steps.incrementAndGet() == 3) Thread.currentThread().interrupt();
        });
        try {
            assertThrows(InterruptedWorkException.class, () -> t.train(net(), toy()));
            assertEquals(3, steps.get());
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void batchTransformAndStepHookAreApplied() {
        AtomicInteger transforms = new AtomicInteger(), hooks = new AtomicInteger();
        new Trainer(new TrainConfig(1, 100, 0.05, 0, 0.9, 0, 0, false, 1))
                .withBatchTransform((b, rng) -> { transforms.incrementAndGet(); return b; })
                .withStepHook(m -> hooks.incrementAndGet())
                .train(net(), toy());
        assertEquals(2, transforms.get());
        assertEquals(2, hooks.get());
    }

    @Test
    void configValidationNamesTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TrainConfig(1, 32, 0.01, 0.0, 1.5, 0, 0, false, 1));
        assertTrue(e.getMessage().contains("momentum = 1.5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TrainConfig(0, 32, 0.01, 0.0, 0.9, 0, 0, false, 1));
        assertTrue(e.getMessage().contains("epochs = 0"), e.getMessage());
    }

    @Test
    void augmentationKeepsShapes() {
        TrainResult r = new Trainer(new TrainConfig(1, 64, 0.05, 0, 0.9, 0, 2, true, 1)).train(net(), toy());
        assertArrayEquals(new long[] {3, 2}, r.model().outputSingle(toy().features(new int[] {0, 1, 2})).shape());
    }
}
