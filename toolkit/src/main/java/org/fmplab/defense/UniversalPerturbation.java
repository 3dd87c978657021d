package org.fmplab.defense;

import org.fmplab.data.ImageDataset;
import org.fmplab.data.Subsets;
import org.fmplab.params.Seeds;
import org.fmplab.progress.ProgressTracker;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * i-BAU's inner maximisation: one universal perturbation δ [1,C,H,W] shared by all images, found by
 * {@code steps} steps of gradient ascent over batches of the clean subset (the release makes one pass over
 * its 5,000-image subset in batches of 100: 50 steps; our default subset has 1,000 images, so 50 steps
 * are five passes) on CE(f(clip(x + δ)), f(x)) − λ‖δ‖² (labels are
 * the model's own clean predictions, as in the release), then projected onto the L2 ball of radius r.
 *
 * <p>Our inputs are raw pixels in [0,1] while the release works on normalised inputs (std ≈ 0.25), so
 * its values are rescaled: radius 10 → 2.5, step 10 → 10·0.25² ≈ 0.6, λ 0.001 → 0.001/0.25² = 0.016.
 * Unlike the release we clip x + δ to the valid pixel range.
 *
 * @param radius L2 radius of δ, > 0
 * @param lr     gradient-ascent step, > 0
 * @param lambda weight of the ‖δ‖² penalty, ≥ 0
 * @param batch  images per step, ≥ 1
 * @param steps  ascent steps (batches, cycling through the shuffled subset), ≥ 1
 */
record UniversalPerturbation(double radius, double lr, double lambda, int batch, int steps) {
    UniversalPerturbation {
        if (!(radius > 0)) throw new IllegalArgumentException("radius = " + radius + " must be > 0");
        if (!(lr > 0)) throw new IllegalArgumentException("lr = " + lr + " must be > 0");
        if (!(lambda >= 0)) throw new IllegalArgumentException("lambda = " + lambda + " must be >= 0");
        if (batch < 1) throw new IllegalArgumentException("batch = " + batch + " must be >= 1");
        if (steps < 1) throw new IllegalArgumentException("steps = " + steps + " must be >= 1");
    }

    /** δ for {@code net} on {@code data} (seeded batch order). */
    INDArray find(InputGradient net, ImageDataset data, long seed) {
        INDArray delta = Nd4j.zeros(DataType.FLOAT, 1, data.channels(), data.height(), data.width());
        int b = Math.min(batch, data.size());
        int[] order = Subsets.shuffled(data.size(), seed);
        int pos = 0, pass = 0;
        for (int s = 0; s < steps; s++) {
            if (pos + b > order.length) {
                order = Subsets.shuffled(data.size(), Seeds.pass(seed, ++pass));
                pos = 0;
            }
            int[] idx = java.util.Arrays.copyOfRange(order, pos, pos + b);
            pos += b;
            INDArray x = data.features(idx);
            INDArray pseudo = oneHot(net.probabilities(x).argMax(1).toIntVector(), data.numClasses());
            INDArray g = net.lossAndGradient(apply(x, delta), pseudo).gradient().sum(true, 0);
            // ascend CE − λ‖δ‖²
            delta.addi(g.subi(delta.mul(2 * lambda)).muli(lr));
            ProgressTracker.checkInterrupted();
        }
        double norm = delta.norm2Number().doubleValue();
        if (norm > radius) delta.muli(radius / norm);
        return delta;
    }

    /** clip[0,1](x + δ). */
    static INDArray apply(INDArray x, INDArray delta) {
        INDArray out = x.add(delta);
        return Transforms.min(Transforms.max(out, 0.0, false), 1.0, false);
    }

    private static INDArray oneHot(int[] labels, int k) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, labels.length, k);
        for (int i = 0; i < labels.length; i++) y.putScalar(i, labels[i], 1f);
        return y;
    }
}
