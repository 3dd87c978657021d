package org.fmplab.attack;

import org.fmplab.data.ImageDataset;

/**
 * A training set after poisoning, with the indices of the poisoned images (an attacker-side record:
 * defenses never see it).
 *
 * @param onTheFly true when the attack {@linkplain Attack#poisonsOnTheFly() poisons every batch on the
 *                 fly}: the dataset is then clean, {@code poisonIndices} is empty and round(rate × batch)
 *                 images of each training batch are poisoned by {@link Attack#trainingTransform}
 */
public record PoisonedDataset(ImageDataset dataset, int[] poisonIndices, PoisonConfig config, String attack, boolean onTheFly) {
    public PoisonedDataset {
        poisonIndices = poisonIndices.clone();
        if (onTheFly && poisonIndices.length > 0) throw new IllegalArgumentException("an on-the-fly poisoned set has no fixed poison indices");
    }

    @Override
    public int[] poisonIndices() {
        return poisonIndices.clone();
    }

    /** Images poisoned once (0 for on-the-fly poisoning: see {@link #describePoisoning()}). */
    public int poisonCount() {
        return poisonIndices.length;
    }

    /** For reports: "2000 images" or "10% of every batch, re-drawn on the fly". */
    public String describePoisoning() {
        return onTheFly ? String.format(java.util.Locale.ROOT, "%.3g%% of every batch, re-drawn on the fly", 100 * config.rate())
                : poisonIndices.length + " images";
    }
}
