package org.fmplab.model;

/**
 * How to train: SGD with momentum, L2 weight decay, cosine learning-rate decay from
 * {@code learningRate} to {@code finalLearningRate} over all iterations, optional augmentation.
 *
 * @param epochs            passes over the data, ≥ 1
 * @param batchSize         images per step, ≥ 1 (capped at the dataset size)
 * @param learningRate      initial learning rate, > 0
 * @param finalLearningRate learning rate at the end of the cosine, in [0, learningRate]
 * @param momentum          in [0, 1)
 * @param weightDecay       L2 coefficient, ≥ 0
 * @param cropPadding       random-crop padding in pixels (0 = no crop augmentation)
 * @param flip              random horizontal flips
 * @param seed              shuffling and augmentation seed
 */
public record TrainConfig(int epochs, int batchSize, double learningRate, double finalLearningRate,
                          double momentum, double weightDecay, int cropPadding, boolean flip, long seed) {
    public TrainConfig {
        if (epochs < 1) throw new IllegalArgumentException("epochs = " + epochs + " must be >= 1");
        if (batchSize < 1) throw new IllegalArgumentException("batchSize = " + batchSize + " must be >= 1");
        if (!(learningRate > 0)) throw new IllegalArgumentException("learningRate = " + learningRate + " must be > 0");
        if (!(finalLearningRate >= 0 && finalLearningRate <= learningRate)) {
            throw new IllegalArgumentException("finalLearningRate = " + finalLearningRate + " must be in [0, learningRate = " + learningRate + "]");
        }
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum = " + momentum + " must be in [0, 1)");
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weightDecay = " + weightDecay + " must be >= 0");
        if (cropPadding < 0) throw new IllegalArgumentException("cropPadding = " + cropPadding + " must be >= 0");
    }

    /** Backdoor training as in the paper (SGD 0.01, momentum 0.9, weight decay 5e-4, batch 128, cosine). */
    public static TrainConfig paper(int epochs, long seed) {
        return new TrainConfig(epochs, 128, 0.01, 0.0, 0.9, 5e-4, 0, false, seed);
    }

    /** FMP's fine-tuning: SGD 0.01, momentum 0.9, no weight decay, cosine to 1e-4, batch 256. */
    public static TrainConfig fineTune(int epochs, long seed) {
        return new TrainConfig(epochs, 256, 0.01, 1e-4, 0.9, 0.0, 0, false, seed);
    }

    public TrainConfig withEpochs(int e) {
        return new TrainConfig(e, batchSize, learningRate, finalLearningRate, momentum, weightDecay, cropPadding, flip, seed);
    }

    public TrainConfig withLearningRate(double lr) {
        return new TrainConfig(epochs, batchSize, lr, Math.min(finalLearningRate, lr), momentum, weightDecay, cropPadding, flip, seed);
    }

    public TrainConfig withBatchSize(int b) {
        return new TrainConfig(epochs, b, learningRate, finalLearningRate, momentum, weightDecay, cropPadding, flip, seed);
    }

    public TrainConfig withAugmentation(int padding, boolean doFlip) {
        return new TrainConfig(epochs, batchSize, learningRate, finalLearningRate, momentum, weightDecay, padding, doFlip, seed);
    }

    public TrainConfig withSeed(long s) {
        return new TrainConfig(epochs, batchSize, learningRate, finalLearningRate, momentum, weightDecay, cropPadding, flip, s);
    }
}
