package org.fmplab.params;

/**
 * Every seed derivation of the toolkit, named, in one place. A run has one master seed; each random
 * stream (poisoning, model initialisation, the defender's subset, ...) derives its seed from it here,
 * so no two streams share a seed by accident and a reader can see which draw uses which seed.
 *
 * <p>The values are the historic ones ({@code seed + 4}, {@code seed ^ 0x51ED}, ...): changing any of
 * them changes every published number, so {@code SeedsTest} pins them.
 */
public final class Seeds {
    private Seeds() { }

    // ---- Streams of a run, from its master seed (the experiment runner) ----

    /** Which training images get poisoned (the attack's own randomness). */
    public static long poisoning(long master) {
        return master + 1;
    }

    /** The untrained network's weights. */
    public static long modelInit(long master) {
        return master + 2;
    }

    /** The backdoor training (batch order, augmentation). */
    public static long training(long master) {
        return master + 3;
    }

    /** The defender's class-balanced clean subset. */
    public static long defenderSubset(long master) {
        return master + 4;
    }

    /** The defense: everything the defender draws (probe batches, fine-tuning order) derives from it. */
    public static long defense(long master) {
        return master + 5;
    }

    /** The random-pruning control paired with a pruning defense. */
    public static long control(long master) {
        return master + 6;
    }

    // ---- Within a stage, from that stage's seed ----

    /** The data order of one epoch of training. */
    public static long epochOrder(long seed, int epoch) {
        return seed * 31 + epoch;
    }

    /** The data order of one more pass over a dataset (optimisers that loop over batches: NC, ANP, i-BAU's inner step). */
    public static long pass(long seed, int pass) {
        return seed + pass;
    }

    /** i-BAU: the universal perturbation recomputed after outer round {@code round} (≥ 1). */
    public static long round(long seed, int round) {
        return seed + round;
    }

    /** NC: the trigger reverse-engineered for class {@code c}. */
    public static long perClass(long seed, int c) {
        return seed * 1000 + c;
    }

    /** NAD: the student's training (the teacher's fine-tuning uses the defense seed itself). */
    public static long nadStudent(long defense) {
        return defense + 1;
    }

    /** FMP: the pruning-size search (its held-out split and candidate fine-tunings). */
    public static long fmpSizeSearch(long defense) {
        return defense + 1;
    }

    /** FMP: the fine-tuning after pruning. */
    public static long fmpFineTune(long defense) {
        return defense + 2;
    }

    /** FMP's size search: which clean images are held out. */
    public static long heldOutSplit(long seed) {
        return seed ^ 0x51ED;
    }

    /** FMP's ranking: the random start of the adversarial probe. */
    public static long probeStart(long seed) {
        return seed ^ 0x6A09E667F3BCC909L;
    }

    /** SSBA-lite: the secret bits hidden in poisoned images. */
    public static long ssbaSecret(long seed) {
        return seed ^ 0x55BA;
    }

    /** SSBA-lite: the images its bit accuracy is measured on. */
    public static long ssbaBitCheck(long seed) {
        return seed + 7;
    }

    /** Input-aware: the generator's training (its mask network trains with the attack seed itself). */
    public static long inputAwareGenerator(long seed) {
        return seed + 1;
    }
}
