package org.fmplab.attack;

import org.fmplab.data.ImageDataset;

/**
 * Triggered test images for ASR/RA: {@code images} carry their TRUE labels, {@code targets} the label
 * the attack wants for each.
 */
public record BackdoorTestSet(ImageDataset images, int[] targets) {
    public BackdoorTestSet {
        if (images.size() != targets.length) {
            throw new IllegalArgumentException(targets.length + " targets for " + images.size() + " images");
        }
        targets = targets.clone();
    }

    @Override
    public int[] targets() {
        return targets.clone();
    }
}
