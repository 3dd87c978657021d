package org.fmplab.fmp;

import java.util.Objects;

/**
 * How FMP ranks feature maps (method spec §2, steps 1–6).
 *
 * @param probeSize       B, images drawn (seeded) from the defender's clean subset; ≥ 1 and at most
 *                        the subset size (checked when ranking)
 * @param alpha           random-start size α in pixel units of [0, 1], in [0, 1]; also the PGD step
 * @param epsilon         ε in [0, 1]: the FGSM step (steps = 1) or the PGD ball radius (steps &gt; 1)
 * @param steps           1 = FGSM from the random start; &gt; 1 = PGD with step α projected onto the
 *                        ε-ball around the clean images; in [1, 1000]
 * @param mode            {@link Mode#FAST} (shared computation, the default) or {@link Mode#REFERENCE}
 *                        (one channel at a time with full forward passes, like the released code);
 *                        both give identical adversarial examples and scores
 * @param channelsPerPass channels of one layer attacked in one batched pass (the probe batch
 *                        replicated per channel); 1 on CPU, larger on a GPU; in [1, 4096], 1 in
 *                        REFERENCE mode
 * @param score           what ranks a channel: {@link Score#ACCURACY} (the paper) or {@link Score#LOSS}
 */
public record RankConfig(int probeSize, double alpha, double epsilon, int steps, Mode mode, int channelsPerPass,
                         Score score) {
    /** How the ranking is computed; both modes give the same result. */
    public enum Mode {
        /**
         * Clean activations and the forward pass of the random start computed once for all layers;
         * per channel only a backward pass from its layer (through a single filter of it) and the
         * scoring forward.
         */
        FAST,
        /** Per channel: clean forward, forward of the random start, backward, scoring forward. */
        REFERENCE
    }

    /** The per-channel score, lower = more backdoor-like after sorting. */
    public enum Score {
        /**
         * Top-1 accuracy of the whole model on the channel's adversarial batch, lowest first; ties
         * broken by larger achieved feature-map MSE, then by channel index (the paper).
         */
        ACCURACY,
        /**
         * Mean cross-entropy on the adversarial batch, highest first (a finer score than accuracy on a
         * small probe); ties broken the same way.
         */
        LOSS
    }

    public RankConfig {
        requireRange("probeSize", probeSize, 1, Integer.MAX_VALUE);
        requireRange("alpha", alpha, 0, 1);
        requireRange("epsilon", epsilon, 0, 1);
        requireRange("steps", steps, 1, 1000);
        Objects.requireNonNull(mode, "mode must not be null (FAST or REFERENCE)");
        Objects.requireNonNull(score, "score must not be null (ACCURACY or LOSS)");
        requireRange("channelsPerPass", channelsPerPass, 1, 4096);
        if (mode == Mode.REFERENCE && channelsPerPass != 1) {
            throw new IllegalArgumentException("channelsPerPass = " + channelsPerPass
                    + " must be 1 in REFERENCE mode (one channel at a time)");
        }
    }

    /** The paper's settings: B 32, α 1/255, ε 4/255, one FGSM step, accuracy score; fast mode. */
    public static RankConfig paper() {
        return new RankConfig(32, 1.0 / 255, 4.0 / 255, 1, Mode.FAST, 1, Score.ACCURACY);
    }

    public RankConfig withProbeSize(int b) {
        return new RankConfig(b, alpha, epsilon, steps, mode, channelsPerPass, score);
    }

    public RankConfig withAlpha(double a) {
        return new RankConfig(probeSize, a, epsilon, steps, mode, channelsPerPass, score);
    }

    public RankConfig withEpsilon(double e) {
        return new RankConfig(probeSize, alpha, e, steps, mode, channelsPerPass, score);
    }

    public RankConfig withSteps(int s) {
        return new RankConfig(probeSize, alpha, epsilon, s, mode, channelsPerPass, score);
    }

    public RankConfig withMode(Mode m) {
        return new RankConfig(probeSize, alpha, epsilon, steps, m, m == Mode.REFERENCE ? 1 : channelsPerPass, score);
    }

    public RankConfig withChannelsPerPass(int k) {
        return new RankConfig(probeSize, alpha, epsilon, steps, mode, k, score);
    }

    public RankConfig withScore(Score s) {
        return new RankConfig(probeSize, alpha, epsilon, steps, mode, channelsPerPass, s);
    }

    /** Fails unless the probe fits a clean subset of {@code available} images. */
    public void checkProbeFits(int available) {
        if (probeSize > available) {
            throw new IllegalArgumentException("probeSize = " + probeSize + " must be in [1, " + available
                    + "] (the size of the defender's clean subset)");
        }
    }

    static void requireRange(String field, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) {
            throw new IllegalArgumentException(field + " = " + v + " must be in [" + fmt(lo) + ", " + fmt(hi) + "]");
        }
    }

    private static String fmt(double v) {
        if (v == Integer.MAX_VALUE) return "inf";
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
