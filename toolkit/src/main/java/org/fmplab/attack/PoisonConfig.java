package org.fmplab.attack;

/**
 * How much and whom to poison.
 *
 * @param rate   share of the training set to poison, in (0, 1]
 * @param target target label (all-to-one), in [0, K)
 * @param mode   all-to-one or all-to-all
 * @param seed   seed of the victim choice
 */
public record PoisonConfig(double rate, int target, LabelMode mode, long seed) {
    public PoisonConfig {
        if (!(rate > 0 && rate <= 1)) throw new IllegalArgumentException("rate = " + rate + " must be in (0, 1]");
        if (target < 0) throw new IllegalArgumentException("target = " + target + " must be >= 0");
        if (mode == null) throw new IllegalArgumentException("mode must not be null");
    }

    /** The paper's setting: 10% all-to-one to class 0. */
    public static PoisonConfig paper(long seed) {
        return new PoisonConfig(0.1, 0, LabelMode.ALL_TO_ONE, seed);
    }

    /** Checks the target against the number of classes of a dataset. */
    public void validateFor(int numClasses) {
        if (target >= numClasses) {
            throw new IllegalArgumentException("target = " + target + " must be in [0, " + numClasses + ")");
        }
    }
}
