package org.fmplab.study;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Pure statistics for studies: mean, sample standard deviation, Student-t and percentile-bootstrap
 * confidence intervals of a mean, and two paired tests on differences (Wilcoxon signed-rank and the
 * sign-flip permutation test). Every p-value lies in [0, 1]. Undefined quantities are {@code NaN}, never
 * an exception: the mean of nothing, the standard deviation and the CI of one value.
 */
public final class Stats {
    /** Largest number of non-zero differences for which {@link #wilcoxon} enumerates the exact distribution. */
    public static final int WILCOXON_EXACT_MAX = 30;
    /** Largest n for which {@link #signFlip} enumerates all 2^n sign assignments. */
    public static final int SIGN_FLIP_EXACT_MAX = 20;
    /** |d| at or below this counts as a zero difference (and is dropped by Wilcoxon). */
    static final double ZERO = 1e-12;
    /**
     * Relative tolerance under which two |d| count as tied: differences of fractions such as 0.3 − 0.2 and
     * 0.2 − 0.1 differ in the last bits, and splitting such ties would make the ranks depend on rounding.
     */
    static final double TIE = 1e-9;

    private Stats() { }

    /** A two-sided interval; bounds are NaN when undefined. */
    public record Interval(double low, double high) {
        public boolean contains(double v) {
            return v >= low && v <= high;
        }

        public double halfWidth() {
            return (high - low) / 2;
        }
    }

    /** n values, their mean, sample standard deviation and the Student-t CI of the mean. */
    public record Summary(int n, double mean, double sd, Interval ci) { }

    /** The outcome of a paired test: its p-value, the method ("wilcoxon-exact", ...) and the pairs it used. */
    public record Test(double p, String method, int n) { }

    /** The mean, with one correcting pass so that n equal values give that value back exactly; NaN for none. */
    public static double mean(double[] x) {
        if (x.length == 0) return Double.NaN;
        double s = 0;
        for (double v : x) s += v;
        double m = s / x.length, r = 0;
        for (double v : x) r += v - m;
        return m + r / x.length;
    }

    /** Sample standard deviation (divisor n − 1); NaN for n &lt; 2. */
    public static double sd(double[] x) {
        if (x.length < 2) return Double.NaN;
        double m = mean(x), s = 0;
        for (double v : x) s += (v - m) * (v - m);
        return Math.sqrt(s / (x.length - 1));
    }

    /**
     * Mean, sd and the two-sided {@code level} CI of the mean by Student's t with n − 1 degrees of freedom:
     * mean ± t_{(1+level)/2, n−1} · sd / √n. With n = 1 there is no spread estimate: sd and CI are NaN.
     */
    public static Summary summary(double[] x, double level) {
        checkLevel(level);
        double m = mean(x), s = sd(x);
        if (x.length < 2) return new Summary(x.length, m, s, new Interval(Double.NaN, Double.NaN));
        double h = tQuantile((1 + level) / 2, x.length - 1) * s / Math.sqrt(x.length);
        return new Summary(x.length, m, s, new Interval(m - h, m + h));
    }

    /**
     * Percentile bootstrap CI of the mean: {@code resamples} resamples with replacement drawn from
     * {@code seed}, the interval between the (1−level)/2 and (1+level)/2 quantiles (linear interpolation) of
     * their means. NaN for n &lt; 2. Studies report the t interval; this one is for checking it.
     */
    public static Interval bootstrap(double[] x, double level, int resamples, long seed) {
        checkLevel(level);
        if (resamples < 2) throw new IllegalArgumentException("resamples = " + resamples + ": must be >= 2");
        if (x.length < 2) return new Interval(Double.NaN, Double.NaN);
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] means = new double[resamples];
        for (int b = 0; b < resamples; b++) {
            double s = 0;
            for (int i = 0; i < x.length; i++) s += x[rnd.nextInt(x.length)];
            means[b] = s / x.length;
        }
        Arrays.sort(means);
        return new Interval(quantile(means, (1 - level) / 2), quantile(means, (1 + level) / 2));
    }

    /**
     * Two-sided Wilcoxon signed-rank test of "the differences are symmetric about 0". Zero differences
     * (|d| ≤ 1e-12) are dropped (Wilcoxon's convention); tied |d| (equal within a relative 1e-9) get their
     * average rank. Up to {@value #WILCOXON_EXACT_MAX} non-zero differences, p is exact: the null
     * distribution of W+ given these (mid)ranks is enumerated by dynamic programming over the 2^n sign
     * assignments, so ties are handled exactly, and p = P(|W+ − E W+| ≥ |w − E W+|). Above, the normal
     * approximation with the tie-corrected variance n(n+1)(2n+1)/24 − Σ(t³ − t)/48 and a continuity
     * correction of 1/2. No non-zero difference: p = 1 (method "wilcoxon-exact", n = 0).
     */
    public static Test wilcoxon(double[] d) {
        double[] nz = Arrays.stream(d).filter(v -> Math.abs(v) > ZERO).toArray();
        int n = nz.length;
        if (n == 0) return new Test(1.0, "wilcoxon-exact", 0);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(Math.abs(nz[a]), Math.abs(nz[b])));
        int[] rank2 = new int[n]; // twice the (mid)rank: an integer even with ties
        List<Integer> tieSizes = new ArrayList<>();
        for (int i = 0; i < n; ) {
            int j = i + 1;
            while (j < n && tied(Math.abs(nz[order[i]]), Math.abs(nz[order[j]]))) j++;
            for (int k = i; k < j; k++) rank2[order[k]] = i + 1 + j; // 2 × ((i+1) + j) / 2
            tieSizes.add(j - i);
            i = j;
        }
        int w2 = 0, total2 = 0;
        for (int i = 0; i < n; i++) {
            total2 += rank2[i];
            if (nz[i] > 0) w2 += rank2[i];
        }
        if (n <= WILCOXON_EXACT_MAX) {
            // counts[s] = number of sign assignments with 2·W+ = s; doubles hold 2^30 exactly
            double[] counts = new double[total2 + 1];
            counts[0] = 1;
            int reach = 0;
            for (int r : rank2) {
                for (int s = reach; s >= 0; s--) if (counts[s] != 0) counts[s + r] += counts[s];
                reach += r;
            }
            // |2s − total2| ≥ |2·w2 − total2| in integers: E(2·W+) = total2 / 2
            long dev = Math.abs(2L * w2 - total2);
            double hit = 0;
            for (int s = 0; s <= total2; s++) if (Math.abs(2L * s - total2) >= dev) hit += counts[s];
            return new Test(clamp(hit / Math.pow(2, n)), "wilcoxon-exact", n);
        }
        double mu = total2 / 4.0; // E W+ = n(n+1)/4 = Σranks / 2
        double var = n * (n + 1.0) * (2 * n + 1) / 24;
        for (int t : tieSizes) var -= (Math.pow(t, 3) - t) / 48;
        double z = Math.max(0, Math.abs(w2 / 2.0 - mu) - 0.5) / Math.sqrt(var);
        return new Test(clamp(erfc(z / Math.sqrt(2))), "wilcoxon-normal", n);
    }

    /**
     * Two-sided paired permutation test on the mean difference: under the null each difference is equally
     * likely ± itself, so p = share of sign assignments whose |Σ ±d| reaches the observed |Σ d| (within a
     * relative 1e-9, so the observed assignment always counts). Exact over all 2^n assignments for
     * n ≤ {@value #SIGN_FLIP_EXACT_MAX} ("permutation-exact"); above, {@code draws} random assignments from
     * {@code seed} with p = (1 + hits) / (1 + draws) ("permutation-mc"). Zeros stay in (they change nothing).
     */
    public static Test signFlip(double[] d, int draws, long seed) {
        int n = d.length;
        if (n == 0) return new Test(1.0, "permutation-exact", 0);
        if (n <= SIGN_FLIP_EXACT_MAX) {
            double bar = signFlipBar(d);
            long hits = 0, all = 1L << n;
            for (long mask = 0; mask < all; mask++) {
                double s = 0;
                for (int i = 0; i < n; i++) s += (mask >> i & 1) == 0 ? d[i] : -d[i];
                if (Math.abs(s) >= bar) hits++;
            }
            return new Test(clamp((double) hits / all), "permutation-exact", n);
        }
        return signFlipMonteCarlo(d, draws, seed);
    }

    /** The Monte-Carlo branch of {@link #signFlip}, callable at any n so that tests can hold it against the exact one. */
    static Test signFlipMonteCarlo(double[] d, int draws, long seed) {
        if (draws < 1) throw new IllegalArgumentException("draws = " + draws + ": must be >= 1");
        double bar = signFlipBar(d);
        SplittableRandom rnd = new SplittableRandom(seed);
        long hits = 0;
        for (int b = 0; b < draws; b++) {
            double s = 0;
            for (double v : d) s += rnd.nextBoolean() ? v : -v;
            if (Math.abs(s) >= bar) hits++;
        }
        return new Test(clamp((1.0 + hits) / (1.0 + draws)), "permutation-mc", d.length);
    }

    /** |Σ d| less a relative 1e-9 of Σ|d|: assignments at or above it count as "as extreme as observed". */
    private static double signFlipBar(double[] d) {
        return Math.abs(Arrays.stream(d).sum()) - TIE * Arrays.stream(d).map(Math::abs).sum();
    }

    /** The p-quantile of Student's t with {@code df} degrees of freedom (df may be fractional). */
    public static double tQuantile(double p, double df) {
        if (!(p > 0 && p < 1)) throw new IllegalArgumentException("p = " + p + ": must be in (0, 1)");
        if (!(df > 0)) throw new IllegalArgumentException("df = " + df + ": must be > 0");
        if (p == 0.5) return 0;
        if (p < 0.5) return -tQuantile(1 - p, df);
        double lo = 0, hi = 1;
        while (tCdf(hi, df) < p) hi *= 2;
        for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) { // bisection: the CDF is monotone, no step can overshoot
            double mid = (lo + hi) / 2;
            if (tCdf(mid, df) < p) lo = mid;
            else hi = mid;
        }
        return (lo + hi) / 2;
    }

    /** CDF of Student's t: for t ≥ 0, 1 − I_x(df/2, 1/2)/2 with x = df/(df + t²). */
    public static double tCdf(double t, double df) {
        double tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
        return t >= 0 ? 1 - tail : tail;
    }

    /** The regularized incomplete beta function I_x(a, b) by its continued fraction (Lentz). */
    public static double regularizedBeta(double x, double a, double b) {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        double lnFront = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
        // the continued fraction converges fast for x < (a+1)/(a+b+2); use the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) otherwise
        if (x < (a + 1) / (a + b + 2)) return Math.exp(lnFront) * betaFraction(x, a, b) / a;
        return 1 - Math.exp(lnFront) * betaFraction(1 - x, b, a) / b;
    }

    private static double betaFraction(double x, double a, double b) {
        final double tiny = 1e-300;
        double c = 1, d = 1 - (a + b) * x / (a + 1);
        if (Math.abs(d) < tiny) d = tiny;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 10_000; m++) {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + aa * d;
            if (Math.abs(d) < tiny) d = tiny;
            c = 1 + aa / c;
            if (Math.abs(c) < tiny) c = tiny;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + aa * d;
            if (Math.abs(d) < tiny) d = tiny;
            c = 1 + aa / c;
            if (Math.abs(c) < tiny) c = tiny;
            d = 1 / d;
            double del = d * c;
            h *= del;
            if (Math.abs(del - 1) < 1e-16) break;
        }
        return h;
    }

    /** ln Γ(x) for x &gt; 0 (Lanczos, g = 7, 9 terms; relative error about 1e-15). */
    static double lnGamma(double x) {
        if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
        final double[] g = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7};
        x -= 1;
        double a = g[0], t = x + 7.5;
        for (int i = 1; i < 9; i++) a += g[i] / (x + i);
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
    }

    /** Complementary error function (Numerical Recipes' Chebyshev fit; fractional error below 1.2e-7). */
    static double erfc(double x) {
        double z = Math.abs(x), t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
                + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }

    private static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int i = (int) Math.floor(pos);
        if (i >= sorted.length - 1) return sorted[sorted.length - 1];
        return sorted[i] + (pos - i) * (sorted[i + 1] - sorted[i]);
    }

    private static boolean tied(double a, double b) {
        return Math.abs(a - b) <= TIE * Math.max(a, b);
    }

    private static double clamp(double p) {
        return Math.min(1, Math.max(0, p));
    }

    private static void checkLevel(double level) {
        if (!(level > 0 && level < 1)) throw new IllegalArgumentException("level = " + level + ": must be in (0, 1)");
    }
}
