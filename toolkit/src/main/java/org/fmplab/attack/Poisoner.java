package org.fmplab.attack;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.fmplab.data.ImageDataset;
import org.fmplab.data.Subsets;
import org.fmplab.progress.ProgressListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one poisoning mechanism shared by every attack: chooses round(rate × N) victims (seeded), applies
 * the attack's trigger, relabels them per the label mode, and builds the backdoor test set.
 */
public final class Poisoner {
    private static final int CHUNK = 512;
    private final Attack attack;
    private final PoisonConfig config;

    public Poisoner(Attack attack, PoisonConfig config) {
        this.attack = attack;
        this.config = config;
    }

    public Attack attack() { return attack; }
    public PoisonConfig config() { return config; }

    /**
     * Prepares the attack on {@code train} (if it needs data) and poisons it; for attacks that
     * {@linkplain Attack#poisonsOnTheFly() poison on the fly} the returned set is clean and marked so.
     */
    public PoisonedDataset poison(ImageDataset train, ProgressListener listener) {
        config.validateFor(train.numClasses());
        attack.prepare(new AttackContext(train, config, listener));
        if (attack.poisonsOnTheFly()) {
            return new PoisonedDataset(train.withName(train.name() + "+" + attack.name()), new int[0], config, attack.name(), true);
        }
        int[] victims = chooseVictims(train);
        int[] labels = train.labels();
        if (!attack.cleanLabel()) {
            for (int i : victims) labels[i] = config.mode().targetFor(labels[i], config.target(), train.numClasses());
        }
        byte[] pixels = Pixels.replace(train, victims, triggerAll(train.subset(victims), victims, attack::apply));
        return new PoisonedDataset(train.withData(pixels, labels).withName(train.name() + "+" + attack.name()),
                victims, config, attack.name(), false);
    }

    /**
     * The backdoor test set: every test image whose true label differs from its attack target, with the
     * trigger applied, its true label kept and its target recorded.
     */
    public BackdoorTestSet backdoorTestSet(ImageDataset test) {
        config.validateFor(test.numClasses());
        List<Integer> keep = new ArrayList<>();
        for (int i = 0; i < test.size(); i++) {
            int l = test.label(i);
            if (config.mode().targetFor(l, config.target(), test.numClasses()) != l) keep.add(i);
        }
        int[] idx = keep.stream().mapToInt(Integer::intValue).toArray();
        ImageDataset sub = test.subset(idx);
        // Sample ids offset so that test triggers differ from training triggers for sample-specific attacks.
        int[] ids = Arrays.stream(idx).map(i -> -1 - i).toArray();
        INDArray triggered = triggerAll(sub, ids, attack::applyTest);
        int[] targets = new int[idx.length];
        for (int k = 0; k < idx.length; k++) targets[k] = config.mode().targetFor(sub.label(k), config.target(), test.numClasses());
        ImageDataset out = sub.withData(Pixels.toBytes(triggered), sub.labels()).withName(test.name() + "+" + attack.name() + "-bd");
        return new BackdoorTestSet(out, targets);
    }

    /** Victim indices: round(rate × N) images, from the target class for clean-label attacks, else from non-target images (all-to-one) or all images (all-to-all). */
    int[] chooseVictims(ImageDataset train) {
        int n = (int) Math.round(config.rate() * train.size());
        int[] pool = eligibleIndices(train);
        if (n > pool.length) {
            throw new IllegalArgumentException("rate = " + config.rate() + " asks for " + n + " poisoned images but only "
                    + pool.length + " are eligible" + (attack.cleanLabel() ? " (clean-label: target-class images)" : ""));
        }
        int[] order = Subsets.shuffled(pool.length, config.seed());
        int[] chosen = new int[n];
        for (int k = 0; k < n; k++) chosen[k] = pool[order[k]];
        Arrays.sort(chosen);
        return chosen;
    }

    /** The indices of the images of {@code train} that may be victims, in order. */
    public int[] eligibleIndices(ImageDataset train) {
        List<Integer> pool = new ArrayList<>();
        for (int i = 0; i < train.size(); i++) if (eligible(attack, config, train.label(i))) pool.add(i);
        return pool.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Whether an image of class {@code label} may be a victim (the rule of {@link #chooseVictims}). */
    static boolean eligible(Attack attack, PoisonConfig config, int label) {
        return attack.cleanLabel() ? label == config.target() : config.mode() == LabelMode.ALL_TO_ALL || label != config.target();
    }

    /** The training-time or test-time trigger of the attack. */
    @FunctionalInterface
    private interface Trigger {
        INDArray apply(INDArray images, int[] ids);
    }

    // Triggers in chunks so that large sets never need one huge float array for the attack's ops.
    private static INDArray triggerAll(ImageDataset images, int[] ids, Trigger trigger) {
        List<INDArray> parts = new ArrayList<>();
        for (int from = 0; from < images.size(); from += CHUNK) {
            int to = Math.min(images.size(), from + CHUNK);
            int[] local = new int[to - from];
            for (int k = 0; k < local.length; k++) local[k] = from + k;
            parts.add(trigger.apply(images.features(local), Arrays.copyOfRange(ids, from, to)));
        }
        if (parts.isEmpty()) return Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, 0, images.channels(), images.height(), images.width());
        return parts.size() == 1 ? parts.get(0) : Nd4j.concat(0, parts.toArray(new INDArray[0]));
    }
}
