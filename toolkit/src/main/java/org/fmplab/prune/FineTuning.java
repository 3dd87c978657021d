package org.fmplab.prune;

import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.data.ImageDataset;
import org.fmplab.model.BatchTransform;
import org.fmplab.model.TrainConfig;
import org.fmplab.model.TrainResult;
import org.fmplab.model.Trainer;
import org.fmplab.params.ParamSpec;
import org.fmplab.params.Params;
import org.fmplab.progress.ProgressListener;

/**
 * The toolkit's one fine-tuning recipe, shared by FMP, every pruning baseline, the random control
 * and every defense that fine-tunes (FT, NAD, NC's unlearning, i-BAU's outer step): the one
 * {@link Trainer} on the defender's clean subset with FMP's optimiser (method spec §2, step 8: SGD,
 * momentum 0.9, no weight decay, cosine decay to 1e-4; {@link TrainConfig#fineTune}). Its keys are
 * declared once ({@link #params}) and read once ({@link #from}) for every method that offers them.
 *
 * @param epochs       passes over the clean subset, in [0, 10000] (0 = no fine-tuning: a copy)
 * @param learningRate initial learning rate, in (0, 1]
 * @param batchSize    images per step, in [1, 4096] (capped at the subset size), or {@link #AUTO_BATCH}
 * @param keepPruned   re-apply the pruning mask after every step, so pruned channels stay zero
 *                     (false: they may regrow, as in FMP's released code)
 */
public record FineTuning(int epochs, double learningRate, int batchSize, boolean keepPruned) {
    /**
     * Batch size 0: a tenth of the clean subset, within [16, 256]. The paper fine-tunes 5% of CIFAR-10
     * (2,500 images) in batches of 256, about ten steps per epoch, and asks for smaller batches on small
     * subsets; a fixed 256 gives a 1,000-image subset 4 steps per epoch and a 200-image one a single step
     * (measured: clean accuracy 0.12 after fine-tuning a 4k-image run's pruned model), so the default
     * keeps the paper's ten steps per epoch instead.
     */
    public static final int AUTO_BATCH = 0;

    private static final ParamSpec EPOCHS = ParamSpec.integer("epochs", 10, 0, 10_000,
            "fine-tuning passes over the clean subset (0 = none)");
    private static final ParamSpec LR = ParamSpec.realAbove("lr", 0.01, 0, 1,
            "fine-tuning initial learning rate (SGD, momentum 0.9, cosine to 1e-4)");
    private static final ParamSpec BATCH = ParamSpec.integer("batch", AUTO_BATCH, 0, 4096,
            "fine-tuning batch size (0 = auto: a tenth of the clean subset, in [16, 256])");
    private static final ParamSpec KEEP_PRUNED = ParamSpec.bool("keep-pruned", false,
            "keep pruned channels at zero while fine-tuning (false: they may regrow)");

    public FineTuning {
        EPOCHS.check(epochs);
        LR.check(learningRate);
        BATCH.check(batchSize);
    }

    /** The toolkit's defaults: 10 epochs, lr 0.01, automatic batch size, pruned channels may regrow. */
    public static FineTuning defaults() {
        return new FineTuning(10, 0.01, AUTO_BATCH, false);
    }

    /** FMP's paper settings: 10 epochs, lr 0.01, batch 256, pruned channels may regrow. */
    public static FineTuning paper() {
        return new FineTuning(10, 0.01, 256, false);
    }

    /**
     * The declarations of {@code epochs}, {@code lr} and {@code batch} (and {@code keep-pruned} when
     * {@code withKeepPruned}), each under {@code prefix} (e.g. "teacher-" for NAD's teacher) and with
     * {@code def}'s values as defaults.
     */
    public static List<ParamSpec> params(String prefix, FineTuning def, boolean withKeepPruned) {
        List<ParamSpec> p = List.of(EPOCHS.prefixed(prefix).withDefault(def.epochs), LR.prefixed(prefix).withDefault(def.learningRate),
                BATCH.prefixed(prefix).withDefault(def.batchSize));
        if (!withKeepPruned) return p;
        return java.util.stream.Stream.concat(p.stream(), java.util.stream.Stream.of(KEEP_PRUNED.prefixed(prefix).withDefault(def.keepPruned)))
                .toList();
    }

    /** The learning-rate and batch declarations alone (for a method whose epochs are its own, e.g. i-BAU's rounds). */
    public static List<ParamSpec> optimiserParams(FineTuning def) {
        return List.of(LR.withDefault(def.learningRate), BATCH.withDefault(def.batchSize));
    }

    /**
     * Reads the recipe's keys under {@code prefix}: each given key overrides {@code base}'s value; keys
     * the method does not declare keep {@code base}'s.
     */
    public static FineTuning from(Params p, String prefix, FineTuning base) {
        return p.build(() -> new FineTuning(
                p.declares(prefix + "epochs") ? p.getInt(prefix + "epochs", base.epochs) : base.epochs,
                p.declares(prefix + "lr") ? p.getDouble(prefix + "lr", base.learningRate) : base.learningRate,
                p.declares(prefix + "batch") ? p.getInt(prefix + "batch", base.batchSize) : base.batchSize,
                p.declares(prefix + "keep-pruned") ? p.getBool(prefix + "keep-pruned", base.keepPruned) : base.keepPruned));
    }

    public FineTuning withEpochs(int e) {
        return new FineTuning(e, learningRate, batchSize, keepPruned);
    }

    public FineTuning withBatchSize(int b) {
        return new FineTuning(epochs, learningRate, b, keepPruned);
    }

    public FineTuning withKeepPruned(boolean k) {
        return new FineTuning(epochs, learningRate, batchSize, k);
    }

    /** The batch size used on a clean subset of {@code n} images. */
    public int batchFor(int n) {
        int b = batchSize == AUTO_BATCH ? Math.max(16, Math.min(256, n / 10)) : batchSize;
        return Math.max(1, Math.min(b, n));
    }

    /** The training configuration on a subset of {@code n} images (needs {@code epochs} ≥ 1). */
    public TrainConfig config(long seed, int n) {
        return TrainConfig.fineTune(epochs, seed).withLearningRate(learningRate).withBatchSize(batchFor(n));
    }

    /** A trainer for this recipe on a subset of {@code n} images, reporting to {@code listener} under {@code stage}. */
    public Trainer trainer(long seed, int n, ProgressListener listener, String stage) {
        return new Trainer(config(seed, n)).withListener(listener).withStage(stage);
    }

    /**
     * Fine-tunes a copy of a pruned {@code model} on {@code clean} (stage "fine-tune"); {@code mask} (may
     * be null) is re-applied after every step when {@link #keepPruned()}.
     */
    public TrainResult fineTune(ComputationGraph model, ImageDataset clean, ChannelMask mask, long seed, ProgressListener listener) {
        return train(model, clean, seed, listener, "fine-tune", null, keepPruned && mask != null && mask.total() > 0 ? Pruner.keepPruned(mask) : null);
    }

    /** Fine-tunes a copy of {@code net} on {@code data}; {@code transform} and {@code hook} may be null. */
    public TrainResult train(ComputationGraph net, ImageDataset data, long seed, ProgressListener listener, String stage,
                             BatchTransform transform, Trainer.StepHook hook) {
        if (epochs == 0) return new TrainResult(net.clone(), List.of(), 0, 0);
        Trainer t = trainer(seed, data.size(), listener, stage);
        if (transform != null) t = t.withBatchTransform(transform);
        if (hook != null) t = t.withStepHook(hook);
        return t.train(net, data);
    }

    /** {@link #train}'s model. */
    public ComputationGraph run(ComputationGraph net, ImageDataset data, long seed, ProgressListener listener, String stage,
                                BatchTransform transform, Trainer.StepHook hook) {
        return train(net, data, seed, listener, stage, transform, hook).model();
    }
}
