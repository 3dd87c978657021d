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
 * @param batchSize  images per step, ≥ 1 (capped at the subset size)
 * @param keepPruned keep pruned channels at zero during fine-tuning
 */
public record FineTuner(int epochs, int batchSize, boolean keepPruned) {
    public FineTuner {
        if (epochs < 0 || epochs > 10_000) throw new IllegalArgumentException("fineTuneEpochs = " + epochs + " must be in [0, 10000]");
        if (batchSize < 1) throw new IllegalArgumentException("fineTuneBatch = " + batchSize + " must be >= 1");
    }

    /** The spec's defaults: 10 epochs, batch 256, pruned channels may regrow. */
    public static FineTuner defaults() {
        return new FineTuner(10, 256, false);
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
        Trainer t = new Trainer(TrainConfig.fineTune(epochs, seed).withBatchSize(batchSize)).withListener(listener).withStage("fine-tune");
        if (keepPruned && mask != null && mask.total() > 0) t = t.withStepHook(Pruner.keepPruned(mask));
        return t.train(model, clean);
    }
}
