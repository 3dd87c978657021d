package org.fmplab.defense.api;

import org.fmplab.data.ImageDataset;

/**
 * Everything a defender knows besides the model: a small clean subset of the training data and a seed.
 * By construction it holds no trigger, no poison indices and no test set, so a defense cannot cheat.
 *
 * @param clean the defender's clean subset (default 5% of the training set, class-balanced)
 * @param seed  seed for every random choice of the defense
 */
public record DefenderData(ImageDataset clean, long seed) {
    public DefenderData {
        if (clean == null || clean.size() == 0) throw new IllegalArgumentException("the defender's clean subset must not be empty");
    }
}
