package org.fmplab.fmp;

import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.data.ImageDataset;
import org.fmplab.model.TrainConfig;
import org.fmplab.model.TrainResult;
import org.fmplab.model.Trainer;
import org.fmplab.progress.ProgressListener;
import org.fmplab.prune.ChannelMask;
import org.fmplab.prune.Pruner;

/**
 * FMP's fine-tuning stage (method spec §2, step 8): the toolkit's one {@link Trainer} on the
 * defender's clean subset with cross-entropy, SGD lr 0.01, momentum 0.9, no weight decay, cosine decay
 * to 1e-4 ({@link TrainConfig#fineTune}). By default pruned channels may regrow, as in the released
 * code; {@code keepPruned} re-applies the mask after every step.
 *
 * @param epochs     passes over the clean subset, ≥ 0 (0 = no fine-tuning: a copy of the input)
 * @param batchSize  images per step, ≥ 1 (capped at the subset size), or {@link #AUTO_BATCH}
 * @param keepPruned keep pruned channels at zero during fine-tuning
 */
public record FineTuner(int epochs, int batchSize, boolean keepPruned) {
    public FineTuner {
        if (epochs < 0 || epochs > 10_000) throw new IllegalArgumentException("fineTuneEpochs = " + epochs + " must be in [0, 10000]");
        if (batchSize < 0) throw new IllegalArgumentException("fineTuneBatch = " + batchSize + " must be >= 1 (or 0 = auto)");
    }

    /**
     * Batch size 0: a tenth of the clean subset, within [16, 256]. The paper fine-tunes 5% of CIFAR-10
     * (2,500 images) in batches of 256, about ten steps per epoch, and asks for smaller batches on small
     * subsets; a fixed 256 gives a 1,000-image subset 4 steps per epoch and a 200-image one a single step
     * (measured: clean accuracy 0.12 after fine-tuning a 4k-image run's pruned model), so the default
     * keeps the paper's ten steps per epoch instead.
     */
    public static final int AUTO_BATCH = 0;

    /** The toolkit's defaults: 10 epochs, automatic batch size ({@link #AUTO_BATCH}), pruned channels may regrow. */
    public static FineTuner defaults() {
        return new FineTuner(10, AUTO_BATCH, false);
    }

    /** The spec's exact settings: 10 epochs, batch 256, pruned channels may regrow. */
    public static FineTuner paper() {
        return new FineTuner(10, 256, false);
    }

    /** The batch size used on a clean subset of {@code n} images. */
    public int batchFor(int n) {
        int b = batchSize == AUTO_BATCH ? Math.max(16, Math.min(256, n / 10)) : batchSize;
        return Math.max(1, Math.min(b, n));
    }

    public FineTuner withEpochs(int e) {
        return new FineTuner(e, batchSize, keepPruned);
    }

    public FineTuner withKeepPruned(boolean k) {
        return new FineTuner(epochs, batchSize, k);
    }

    /**
     * Fine-tunes a copy of {@code model} on {@code clean}; {@code mask} (may be null) is re-applied
     * after every step when {@link #keepPruned()}.
     */
    public TrainResult fineTune(ComputationGraph model, ImageDataset clean, ChannelMask mask, long seed, ProgressListener listener) {
        if (epochs == 0) return new TrainResult(model.clone(), List.of(), 0, 0);
        Trainer t = new Trainer(TrainConfig.fineTune(epochs, seed).withBatchSize(batchFor(clean.size()))).withListener(listener).withStage("fine-tune");
        if (keepPruned && mask != null && mask.total() > 0) t = t.withStepHook(Pruner.keepPruned(mask));
        return t.train(model, clean);
    }
}
