package org.fmplab.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Input-aware's diversity + mask-density loss: value by hand and gradient by finite differences. */
class PairDiversityLossTest {
    private final PairDiversityLoss loss = new PairDiversityLoss(1.0, 100.0, 0.3);

    @Test
    void scoreIsDiversityPlusDensityPenalty() {
        INDArray images = Nd4j.createFromArray(new float[][] {{0, 0}, {0.6f, 0.8f}});
        INDArray out = Nd4j.createFromArray(new float[][] {{0.1f, 0.5f}, {0.4f, 0.1f}});
        double dImg = Math.sqrt((0.36 + 0.64) / 2), dPat = Math.sqrt((0.09 + 0.16) / 2);
        double div = dImg / (dPat + 1e-6);               // one pair, weighted back to a batch mean
        double norm = 100 * ((0.5 - 0.3) / 2 + (0.4 - 0.3) / 2) / 2;
        assertEquals(div + norm, loss.computeScore(images, out, new ActivationIdentity(), null, true), 1e-4);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        java.util.Random rng = new java.util.Random(5);
        INDArray images = Nd4j.zeros(DataType.DOUBLE, 4, 6), out = Nd4j.zeros(DataType.DOUBLE, 4, 6);
        for (int i = 0; i < 4; i++) {
            for (int k = 0; k < 6; k++) {
                images.putScalar(i, k, rng.nextDouble());
                double v = rng.nextDouble();
                out.putScalar(i, k, Math.abs(v - 0.3) < 0.02 ? v + 0.05 : v); // away from the relu kink
            }
        }
        INDArray g = loss.computeGradient(images, out, new ActivationIdentity(), null);
        double h = 1e-3;
        for (int i = 0; i < 4; i++) {
            for (int k = 0; k < 6; k++) {
                INDArray plus = out.dup(), minus = out.dup();
                plus.putScalar(i, k, out.getDouble(i, k) + h);
                minus.putScalar(i, k, out.getDouble(i, k) - h);
                double fd = (loss.computeScore(images, plus, new ActivationIdentity(), null, false)
                        - loss.computeScore(images, minus, new ActivationIdentity(), null, false)) / (2 * h);
                assertEquals(fd, g.getDouble(i, k), 2e-2 * Math.max(1, Math.abs(fd)), "d/d out[" + i + "," + k + "]");
            }
        }
    }
}
