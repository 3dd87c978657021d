package org.fmplab.data;

/** A dataset's training and test parts, as the loaders return them. */
public record DataSplit(ImageDataset train, ImageDataset test) {
    public DataSplit {
        if (train.channels() != test.channels() || train.height() != test.height() || train.width() != test.width()) {
            throw new IllegalArgumentException("train and test shapes differ: " + train.describe() + " vs " + test.describe());
        }
        if (!train.classNames().equals(test.classNames())) {
            throw new IllegalArgumentException("train and test class names differ");
        }
    }
}
