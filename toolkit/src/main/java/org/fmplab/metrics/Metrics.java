package org.fmplab.metrics;

/**
 * The metrics of the field, defined once (method spec §1). ASR and RA are computed over triggered
 * test images whose TRUE label differs from their attack target.
 */
public final class Metrics {
    private Metrics() { }

    /** Share of {@code predicted[i] == labels[i]}: CA on a clean set. */
    public static double accuracy(int[] predicted, int[] labels) {
        requireSameLength(predicted, labels, "labels");
        if (predicted.length == 0) return Double.NaN;
        int hit = 0;
        for (int i = 0; i < predicted.length; i++) if (predicted[i] == labels[i]) hit++;
        return (double) hit / predicted.length;
    }

    /**
     * ASR: among triggered images whose true label differs from their target, the share predicted as
     * the target. Images whose true label equals their target are ignored.
     */
    public static double attackSuccessRate(int[] predicted, int[] trueLabels, int[] targets) {
        return shareAmongVictims(predicted, trueLabels, targets, targets);
    }

    /** RA: among the same triggered images as ASR, the share predicted as the TRUE label. */
    public static double robustAccuracy(int[] predicted, int[] trueLabels, int[] targets) {
        return shareAmongVictims(predicted, trueLabels, targets, trueLabels);
    }

    /**
     * Defense effectiveness rating (BackdoorBench): (max(0, ΔASR) − max(0, ΔCA) + 1) / 2 in [0,1],
     * where Δ = before − after. A drop of clean accuracy is subtracted (not added).
     */
    public static double der(double caBefore, double asrBefore, double caAfter, double asrAfter) {
        return (Math.max(0, asrBefore - asrAfter) - Math.max(0, caBefore - caAfter) + 1) / 2;
    }

    private static double shareAmongVictims(int[] predicted, int[] trueLabels, int[] targets, int[] expected) {
        requireSameLength(predicted, trueLabels, "trueLabels");
        requireSameLength(predicted, targets, "targets");
        int n = 0, hit = 0;
        for (int i = 0; i < predicted.length; i++) {
            if (trueLabels[i] == targets[i]) continue;
            n++;
            if (predicted[i] == expected[i]) hit++;
        }
        return n == 0 ? Double.NaN : (double) hit / n;
    }

    private static void requireSameLength(int[] a, int[] b, String name) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(name + " has " + b.length + " entries but there are " + a.length + " predictions");
        }
    }
}
