package org.fmplab.defense;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.data.ImageDataset;
import org.fmplab.model.BatchTransform;
import org.fmplab.model.TrainConfig;
import org.fmplab.model.Trainer;
import org.fmplab.progress.ProgressListener;

/**
 * The fine-tuning every baseline shares, through the toolkit's one {@link Trainer}: FMP's recipe
 * (SGD with momentum 0.9, no weight decay, cosine decay to 1e-4; {@link TrainConfig#fineTune}) with
 * its epochs, learning rate and batch size as parameters.
 *
 * @param epochs       passes over the defender's clean subset, in [1, 1000] (default 10)
 * @param learningRate initial learning rate, in (0, 1] (default 0.01)
 * @param batchSize    images per step, in [1, 4096] (default 256; capped at the subset size)
 */
public record FineTuning(int epochs, double learningRate, int batchSize) {
    public static final int DEFAULT_EPOCHS = 10;
    public static final double DEFAULT_LR = 0.01;
    public static final int DEFAULT_BATCH = 256;

    public FineTuning {
        if (epochs < 1 || epochs > 1000) throw new IllegalArgumentException("epochs = " + epochs + " must be in [1, 1000]");
        if (!(learningRate > 0 && learningRate <= 1)) throw new IllegalArgumentException("learningRate = " + learningRate + " must be in (0, 1]");
        if (batchSize < 1 || batchSize > 4096) throw new IllegalArgumentException("batchSize = " + batchSize + " must be in [1, 4096]");
    }

    /** The defaults: 10 epochs, lr 0.01, batch 256. */
    public static FineTuning defaults() {
        return new FineTuning(DEFAULT_EPOCHS, DEFAULT_LR, DEFAULT_BATCH);
    }

    /**
     * Reads {@code <prefix>epochs}, {@code <prefix>lr} and {@code <prefix>batch} (prefix "" for a
     * defense's own fine-tuning, e.g. "teacher." for NAD's teacher).
     */
    public static FineTuning from(DefenseParams p, String prefix, FineTuning def) {
        return new FineTuning(p.intIn(prefix + "epochs", def.epochs, 1, 1000),
                p.doubleAbove(prefix + "lr", def.learningRate, 0, 1),
                p.intIn(prefix + "batch", def.batchSize, 1, 4096));
    }

    public FineTuning withEpochs(int e) {
        return new FineTuning(e, learningRate, batchSize);
    }

    /** The training configuration, seeded. */
    public TrainConfig config(long seed) {
        return TrainConfig.fineTune(epochs, seed).withLearningRate(learningRate).withBatchSize(batchSize);
    }

    /** A trainer for this recipe, reporting to {@code listener} under {@code stage}. */
    public Trainer trainer(long seed, ProgressListener listener, String stage) {
        return new Trainer(config(seed)).withListener(listener).withStage(stage);
    }

    /** Fine-tunes a copy of {@code net} on {@code data}; {@code transform} and {@code hook} may be null. */
    public ComputationGraph run(ComputationGraph net, ImageDataset data, long seed, ProgressListener listener, String stage,
                                BatchTransform transform, Trainer.StepHook hook) {
        Trainer t = trainer(seed, listener, stage);
        if (transform != null) t = t.withBatchTransform(transform);
        if (hook != null) t = t.withStepHook(hook);
        return t.train(net, data).model();
    }
}
