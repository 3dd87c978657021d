package org.fmplab.model;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Changes a training batch before the step: the hook through which on-the-fly attacks (WaNet,
 * Input-aware) poison batches inside the one {@link Trainer} loop. Runs before augmentation.
 */
@FunctionalInterface
public interface BatchTransform {
    /** A batch of images [N,C,H,W] in [0,1], one-hot labels [N,K] and the dataset indices. */
    record Batch(INDArray features, INDArray labels, int[] indices) { }

    Batch apply(Batch batch, SplittableRandom rng);
}
