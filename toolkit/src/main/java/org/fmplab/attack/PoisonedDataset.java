package org.fmplab.attack;

import org.fmplab.data.ImageDataset;

/**
 * A training set after poisoning, with the indices of the poisoned images (an attacker-side record:
 * defenses never see it).
 */
public record PoisonedDataset(ImageDataset dataset, int[] poisonIndices, PoisonConfig config, String attack) {
    public PoisonedDataset {
        poisonIndices = poisonIndices.clone();
    }

    @Override
    public int[] poisonIndices() {
        return poisonIndices.clone();
    }

    public int poisonCount() {
        return poisonIndices.length;
    }
}
