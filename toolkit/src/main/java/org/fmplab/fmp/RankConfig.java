package org.fmplab.fmp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * How FMP ranks feature maps (method spec §2, steps 1–6).
 *
 * @param probeSize       B, images drawn (seeded) from the defender's clean subset; ≥ 1 and at most
 *                        the subset size (checked when ranking), or {@link #ALL_IMAGES}
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
 * @param score           what ranks a channel ({@link Score})
 * @param tieBreak        what orders maps of equal score ({@link TieBreak})
 * @param tieSeed         seed of the {@link TieBreak#RANDOM} order (unused by {@link TieBreak#MSE})
 * @param probeBatch      probe images per forward/backward pass (a large probe is processed in
 *                        chunks of this size; the scores do not depend on it); in [1, 4096]
 * @param autoEpsilon     true: ε (and α) is chosen per ranking on the defender's probe by
 *                        {@link #EPSILON_SWEEP} and {@link #AUTO_MAX_TIED}; {@code epsilon} is then
 *                        the value the rule chose (or the configured one before ranking)
 */
public record RankConfig(int probeSize, double alpha, double epsilon, int steps, Mode mode, int channelsPerPass,
                         Score score, TieBreak tieBreak, long tieSeed, int probeBatch, boolean autoEpsilon) {
    /** {@code probeSize} meaning "every image of the defender's clean subset". */
    public static final int ALL_IMAGES = Integer.MAX_VALUE;

    /** One perturbation budget: random-start size (and PGD step) α and radius ε. */
    public record Budget(double alpha, double epsilon, String label) { }

    /**
     * The budgets the {@code autoEpsilon} rule tries, smallest ε first: 4/255, 8/255, 16/255, 32/255
     * with the configured α, and the released code's runnable setting (α 0.02, ε 0.06).
     */
    public static List<Budget> epsilonSweep(double alpha) {
        List<Budget> b = new ArrayList<>(List.of(new Budget(alpha, 4.0 / 255, "4/255"), new Budget(alpha, 8.0 / 255, "8/255"),
                new Budget(alpha, 16.0 / 255, "16/255"), new Budget(alpha, 32.0 / 255, "32/255"),
                new Budget(0.02, 0.06, "released (alpha 0.02, eps 0.06)")));
        b.sort(Comparator.comparingDouble(Budget::epsilon));
        return List.copyOf(b);
    }

    /** The auto rule takes the smallest ε at which at most this share of maps ties with another map of its layer. */
    public static final double AUTO_MAX_TIED = 0.2;

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

    /** The per-channel score; {@link #backdoorLikeness} orders maps, largest first. */
    public enum Score {
        /** Top-1 accuracy of the whole model on the channel's adversarial batch, lowest first (the paper). */
        ACCURACY,
        /** Mean cross-entropy on the adversarial batch, highest first (finer than accuracy on a small probe). */
        LOSS,
        /** Mean logit margin (true-class logit minus the largest other logit), lowest first; continuous. */
        MARGIN,
        /**
         * Our extension, not the paper's: the map's adversarial flips into the estimated target class ĉ
         * beyond what a typical map sends there ({@link Ranking#targetClass()}), highest first.
         */
        TARGET_FLIP;

        /** True when a lower value is more backdoor-like (accuracy, margin). */
        public boolean lowerFirst() {
            return this == ACCURACY || this == MARGIN;
        }

        /** Larger = more backdoor-like. */
        public double backdoorLikeness(ChannelScore s) {
            return lowerFirst() ? -value(s) : value(s);
        }

        /** The score's own value for {@code s} (what the ranking table and plot show). */
        public double value(ChannelScore s) {
            return switch (this) {
                case ACCURACY -> s.accuracy();
                case LOSS -> s.loss();
                case MARGIN -> s.margin();
                case TARGET_FLIP -> s.targetFlip();
            };
        }
    }

    /** What orders maps of equal score (then the channel index). */
    public enum TieBreak {
        /**
         * Larger achieved feature-map MSE first (the toolkit's earlier default; not neutral: MSE grows
         * with the filter's gain, so it favours channels that matter for clean accuracy).
         */
        MSE,
        /** A uniform draw per map from {@code tieSeed}: ties in a seeded random order. */
        RANDOM
    }

    public RankConfig {
        requireRange("probeSize", probeSize, 1, Integer.MAX_VALUE);
        requireRange("alpha", alpha, 0, 1);
        requireRange("epsilon", epsilon, 0, 1);
        requireRange("steps", steps, 1, 1000);
        Objects.requireNonNull(mode, "mode must not be null (FAST or REFERENCE)");
        Objects.requireNonNull(score, "score must not be null " + java.util.Arrays.toString(Score.values()));
        Objects.requireNonNull(tieBreak, "tieBreak must not be null (MSE or RANDOM)");
        requireRange("channelsPerPass", channelsPerPass, 1, 4096);
        requireRange("probeBatch", probeBatch, 1, 4096);
        if (mode == Mode.REFERENCE && channelsPerPass != 1) {
            throw new IllegalArgumentException("channelsPerPass = " + channelsPerPass
                    + " must be 1 in REFERENCE mode (one channel at a time)");
        }
    }

    /** The paper's settings: B 32, α 1/255, ε 4/255, one FGSM step, accuracy score; fast mode; MSE tie-break. */
    public static RankConfig paper() {
        return new RankConfig(32, 1.0 / 255, 4.0 / 255, 1, Mode.FAST, 1, Score.ACCURACY, TieBreak.MSE, 0, 256, false);
    }

    public RankConfig withProbeSize(int b) {
        return new RankConfig(b, alpha, epsilon, steps, mode, channelsPerPass, score, tieBreak, tieSeed, probeBatch, autoEpsilon);
    }

    public RankConfig withAlpha(double a) {
        return new RankConfig(probeSize, a, epsilon, steps, mode, channelsPerPass, score, tieBreak, tieSeed, probeBatch, autoEpsilon);
    }

    /** This config with a fixed ε (the auto rule off). */
    public RankConfig withEpsilon(double e) {
        return new RankConfig(probeSize, alpha, e, steps, mode, channelsPerPass, score, tieBreak, tieSeed, probeBatch, false);
    }

    /** This config with ε (and α) chosen on the defender's probe ({@link #epsilonSweep}). */
    public RankConfig withAutoEpsilon() {
        return new RankConfig(probeSize, alpha, epsilon, steps, mode, channelsPerPass, score, tieBreak, tieSeed, probeBatch, true);
    }

    /** This config with the budget {@code b} (the auto rule's record of its choice kept). */
    RankConfig withBudget(Budget b) {
        return new RankConfig(probeSize, b.alpha(), b.epsilon(), steps, mode, channelsPerPass, score, tieBreak, tieSeed, probeBatch, autoEpsilon);
    }

    public RankConfig withSteps(int s) {
        return new RankConfig(probeSize, alpha, epsilon, s, mode, channelsPerPass, score, tieBreak, tieSeed, probeBatch, autoEpsilon);
    }

    public RankConfig withMode(Mode m) {
        return new RankConfig(probeSize, alpha, epsilon, steps, m, m == Mode.REFERENCE ? 1 : channelsPerPass, score, tieBreak,
                tieSeed, probeBatch, autoEpsilon);
    }

    public RankConfig withChannelsPerPass(int k) {
        return new RankConfig(probeSize, alpha, epsilon, steps, mode, k, score, tieBreak, tieSeed, probeBatch, autoEpsilon);
    }

    public RankConfig withScore(Score s) {
        return new RankConfig(probeSize, alpha, epsilon, steps, mode, channelsPerPass, s, tieBreak, tieSeed, probeBatch, autoEpsilon);
    }

    /** This config with tie-break {@code t}; {@code seed} names the random order's seed. */
    public RankConfig withTieBreak(TieBreak t, long seed) {
        return new RankConfig(probeSize, alpha, epsilon, steps, mode, channelsPerPass, score, t, seed, probeBatch, autoEpsilon);
    }

    public RankConfig withProbeBatch(int n) {
        return new RankConfig(probeSize, alpha, epsilon, steps, mode, channelsPerPass, score, tieBreak, tieSeed, n, autoEpsilon);
    }

    /** The number of probe images drawn from a clean subset of {@code available} images. */
    public int probeImages(int available) {
        return probeSize == ALL_IMAGES ? available : probeSize;
    }

    /** Fails unless the probe fits a clean subset of {@code available} images. */
    public void checkProbeFits(int available) {
        if (probeSize != ALL_IMAGES && probeSize > available) {
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
