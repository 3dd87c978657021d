package org.fmplab.defense;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Neural Cleanse's outlier test on the per-class trigger norms: with the median norm m̃ and
 * MAD = 1.4826 · median(|l_c − m̃|) (consistent with a normal distribution), the anomaly index of class c
 * is |l_c − m̃| / MAD. A class is flagged as a backdoor target when its norm is BELOW the median and its
 * index exceeds the threshold (2 in the paper: > 95% probability of being an outlier).
 */
public final class AnomalyIndex {
    public static final double CONSISTENCY = 1.4826;

    private AnomalyIndex() { }

    /** Anomaly index of each norm (0 for all when the MAD is 0). */
    public static double[] of(double[] norms) {
        double med = median(norms);
        double[] dev = new double[norms.length];
        for (int i = 0; i < norms.length; i++) dev[i] = Math.abs(norms[i] - med);
        double mad = CONSISTENCY * median(dev);
        double[] out = new double[norms.length];
        if (mad == 0) return out;
        for (int i = 0; i < norms.length; i++) out[i] = dev[i] / mad;
        return out;
    }

    /** Classes with norm below the median and anomaly index above {@code threshold}, ascending. */
    public static List<Integer> flagged(double[] norms, double threshold) {
        double med = median(norms);
        double[] idx = of(norms);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < norms.length; i++) if (norms[i] < med && idx[i] > threshold) out.add(i);
        return out;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        if (n == 0) return Double.NaN;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
