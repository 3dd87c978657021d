package org.fmplab.attack;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.fmplab.data.ImageDataset;
import org.fmplab.progress.ProgressListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Small synthetic data for the attack tests: 1×16×16 grey images of 10 classes, class k drawn as a
 * bright horizontal bar at row k + 3 over noise, so that tiny networks learn them in a few steps.
 * Also the model-dependent attacks with tiny settings, prepared once per test JVM.
 */
final class Tiny {
    static final int N = 200;
    static final int SIZE = 16;
    private static final Map<String, Attack> PREPARED = new HashMap<>();
    private static ImageDataset train;

    private Tiny() { }

    /** {@code n} images, labels cycling through the 10 classes. */
    static ImageDataset data(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int per = SIZE * SIZE;
        byte[] px = new byte[n * per];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    int v = rng.nextInt(60);
                    if (y == labels[i] + 3 && x >= 2 && x < SIZE - 2) v = 200 + rng.nextInt(56);
                    px[i * per + y * SIZE + x] = (byte) v;
                }
            }
        }
        return ImageDataset.of("tiny", px, labels, 1, SIZE, SIZE, ImageDataset.numberedClasses(10));
    }

    static synchronized ImageDataset train() {
        if (train == null) train = data(N, 1);
        return train;
    }

    /** Registry parameters that make the model-dependent attacks train in about a second. */
    static Map<String, Object> fastParams(String name) {
        return switch (name) {
            case "lf" -> Map.of("surrogate-images", N, "surrogate-epochs", 1, "steps", 5, "sigma", 2.0);
            case "lc" -> Map.of("surrogate-images", N, "surrogate-epochs", 1, "steps", 3);
            case "input-aware" -> Map.of("mask-epochs", 1, "epochs", 1, "images", N);
            case "ssba-lite" -> Map.of("epochs", 1, "images", N, "bits", 8);
            default -> Map.of();
        };
    }

    /** The attack {@code name} with {@link #fastParams}, prepared on {@link #train()} (cached). */
    static synchronized Attack prepared(String name) {
        return PREPARED.computeIfAbsent(name, n -> {
            Attack a = Attacks.create(n, fastParams(n));
            a.prepare(new AttackContext(train(), PoisonConfig.paper(0), ProgressListener.NONE));
            return a;
        });
    }

    /** A few images of the tiny set as a float batch. */
    static INDArray batch(int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        return train().features(idx);
    }

    static int[] ids(int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = i;
        return ids;
    }
}
