package org.fmplab.attack;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Base of the attacks whose trigger is one fixed pattern per image shape (Blended, SIG, LF): a
 * subclass says what the pattern is and how it combines with an image; this class applies it to a
 * batch.
 */
abstract class PatternAttack implements Attack {

    /** The trigger pattern [C,H,W] for images of this shape. */
    abstract INDArray pattern(int c, int h, int w);

    /** Combines a batch [N,C,H,W] with the pattern broadcast to the same shape; returns a new array. */
    abstract INDArray combine(INDArray images, INDArray pattern);

    @Override
    public final INDArray apply(INDArray images, int[] sampleIds) {
        INDArray p = pattern((int) images.size(1), (int) images.size(2), (int) images.size(3));
        return combine(images, ImageOps.broadcast(p, images));
    }

    /** x' = clip(x + p, 0, 1): additive triggers (SIG, LF). */
    static INDArray additive(INDArray images, INDArray pattern) {
        return ImageOps.clip01(images.add(pattern));
    }

    /** x' = (1 − α)·x + α·p: blended triggers. */
    static INDArray blend(INDArray images, INDArray pattern, double alpha) {
        return images.mul(1 - alpha).addi(pattern.mul(alpha));
    }
}
