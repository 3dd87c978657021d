package org.fmplab.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Reference values: t quantiles from printed tables (and scipy.stats.t.ppf); the p-values by enumerating
 * every sign assignment in a separate Python script (itertools.product over ±, midranks by
 * scipy.stats.rankdata), cross-checked with scipy.stats.wilcoxon where it applies.
 */
class StatsTest {
    /** A known paired sample: 6 positive, 2 negative differences; the negatives have the two smallest |d|. */
    static final double[] D = {1.2, -0.4, 2.1, 0.8, 1.5, -0.3, 0.9, 1.1};

    @Test
    void tQuantilesMatchTables() {
        assertEquals(2.364624, Stats.tQuantile(0.975, 7), 1e-6);
        assertEquals(3.182446, Stats.tQuantile(0.975, 3), 1e-6);
        assertEquals(12.706205, Stats.tQuantile(0.975, 1), 1e-6);
        assertEquals(2.042272, Stats.tQuantile(0.975, 30), 1e-6);
        assertEquals(-3.364930, Stats.tQuantile(0.01, 5), 1e-6);
        assertEquals(1.730251, Stats.tQuantile(0.9, 2.5), 1e-6); // fractional df: scipy
        assertEquals(0.0, Stats.tQuantile(0.5, 4), 0.0);
        assertEquals(0.975, Stats.tCdf(Stats.tQuantile(0.975, 7), 7), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Stats.tQuantile(1.0, 3));
    }

    @Test
    void meanSdAndTIntervalOfTheKnownSample() {
        Stats.Summary s = Stats.summary(D, 0.95);
        assertEquals(8, s.n());
        assertEquals(0.8625, s.mean(), 1e-12); // 6.9 / 8
        assertEquals(0.8501050355271232, s.sd(), 1e-12);
        // 0.8625 ± 2.364624 · 0.850105 / √8
        assertEquals(0.151794404716556, s.ci().low(), 1e-9);
        assertEquals(1.573205595283444, s.ci().high(), 1e-9);
        assertTrue(s.ci().contains(s.mean()));
    }

    @Test
    void wilcoxonExactOnTheKnownSample() {
        // W− = 1 + 2 = 3; sign assignments with W+ ≤ 3 or ≥ 33: {}, {1}, {2}, {3}, {1,2} and mirrors: 10 / 256
        Stats.Test t = Stats.wilcoxon(D);
        assertEquals(10.0 / 256, t.p(), 1e-15);
        assertEquals("wilcoxon-exact", t.method());
        assertEquals(8, t.n());
    }

    @Test
    void signFlipExactOnTheKnownSample() {
        // 8 of the 256 assignments reach |Σ| ≥ 6.9 (own enumeration)
        Stats.Test t = Stats.signFlip(D, 0, 1);
        assertEquals(8.0 / 256, t.p(), 1e-15);
        assertEquals("permutation-exact", t.method());
    }

    @Test
    void wilcoxonWithTiesAndZeros() {
        // the zero is dropped (n = 9); |0.5| ×3, |2.0| ×2 and |1.0| ×2 tie and share midranks; W+ = 34
        double[] d = {0.5, -0.5, 1.0, 1.0, 2.0, 0, -3.0, 2.0, 1.5, 0.5};
        Stats.Test t = Stats.wilcoxon(d);
        assertEquals(9, t.n());
        assertEquals(0.19140625, t.p(), 1e-12); // 98 / 512 by enumeration over midranks
    }

    @Test
    void nearTiesFromFloatingPointCountAsTies() {
        // 0.3−0.2 and 0.2−0.1 differ in the last bits; with a tie they share rank 1.5 and W+ = W−: p = 1
        Stats.Test t = Stats.wilcoxon(new double[] {0.3 - 0.2, -(0.2 - 0.1)});
        assertEquals(1.0, t.p(), 1e-15);
    }

    @Test
    void wilcoxonNormalApproximationAboveThirty() {
        double[] d = {0.3, 0.6, 0.0, -0.6, -0.2, -0.7, 0.4, 1.6, -0.2, -0.3, 0.8, 0.7, 0.4, -0.6, 0.3, 1.0, -1.0, -0.2, -1.6, -1.0,
            -1.5, 0.1, -1.0, 0.6, 0.5, 0.1, -2.2, -0.2, 0.3, 0.4, -1.2, -0.2, -0.7, -0.5, 1.4, -0.5, 0.3, 1.2, -0.3, 0.2};
        Stats.Test t = Stats.wilcoxon(d);
        assertEquals("wilcoxon-normal", t.method());
        assertEquals(39, t.n());
        // scipy.stats.wilcoxon(d, method="approx", correction=True, zero_method="wilcox")
        assertEquals(0.6497437803513333, t.p(), 1e-6);
    }

    @Test
    void allZerosGivePOne() {
        double[] z = {0, 0, 0, 0};
        assertEquals(1.0, Stats.wilcoxon(z).p());
        assertEquals(0, Stats.wilcoxon(z).n());
        assertEquals(1.0, Stats.signFlip(z, 100, 1).p());
        Stats.Summary s = Stats.summary(z, 0.95);
        assertEquals(0.0, s.ci().low());
        assertTrue(s.ci().contains(s.mean()));
    }

    @Test
    void oneValueHasNoInterval() {
        Stats.Summary s = Stats.summary(new double[] {0.4}, 0.95);
        assertEquals(0.4, s.mean());
        assertTrue(Double.isNaN(s.sd()));
        assertTrue(Double.isNaN(s.ci().low()) && Double.isNaN(s.ci().high()));
        assertTrue(Double.isNaN(Stats.bootstrap(new double[] {0.4}, 0.95, 100, 1).low()));
        assertEquals(1.0, Stats.wilcoxon(new double[] {0.4}).p()); // half the assignments are as extreme, doubled
        assertEquals(1.0, Stats.signFlip(new double[] {0.4}, 0, 1).p());
        assertTrue(Double.isNaN(Stats.mean(new double[0])));
    }

    @Test
    void twoValues() {
        Stats.Summary s = Stats.summary(new double[] {0.3, 0.5}, 0.95);
        assertEquals(0.4, s.mean(), 1e-15);
        assertEquals(0.1414213562373095, s.sd(), 1e-12);
        assertEquals(0.4 - 12.706204736 * 0.1, s.ci().low(), 1e-8); // sd / √2 = 0.1
        assertEquals(0.4 + 12.706204736 * 0.1, s.ci().high(), 1e-8);
        assertEquals(0.5, Stats.wilcoxon(new double[] {0.3, 0.5}).p(), 1e-15);
        assertEquals(1.0, Stats.wilcoxon(new double[] {0.3, -0.5}).p(), 1e-15);
        assertEquals(0.5, Stats.signFlip(new double[] {0.3, 0.5}, 0, 1).p(), 1e-15);
    }

    @Test
    void monteCarloSignFlipIsSeededAndNearTheExactP() {
        Stats.Test a = Stats.signFlipMonteCarlo(D, 20_000, 7), b = Stats.signFlipMonteCarlo(D, 20_000, 7);
        assertEquals("permutation-mc", a.method());
        assertEquals(a.p(), b.p());
        assertEquals(8.0 / 256, a.p(), 0.006); // about 5 standard errors of a 20,000-draw estimate
        double[] big = new double[24];
        for (int i = 0; i < big.length; i++) big[i] = (i % 3 == 0 ? -1 : 1) * (0.1 + 0.05 * i);
        assertEquals("permutation-mc", Stats.signFlip(big, 2000, 7).method());
        assertThrows(IllegalArgumentException.class, () -> Stats.signFlip(big, 0, 7));
    }

    @Test
    void bootstrapIsSeededAndCoversTheMean() {
        Stats.Interval a = Stats.bootstrap(D, 0.95, 2000, 11), b = Stats.bootstrap(D, 0.95, 2000, 11);
        assertEquals(a, b);
        assertTrue(a.contains(Stats.mean(D)));
        Stats.Interval t = Stats.summary(D, 0.95).ci();
        // percentile bootstrap is narrower than t for n = 8, but of the same scale
        assertTrue(a.high() - a.low() < t.high() - t.low() && a.high() - a.low() > 0.5 * (t.high() - t.low()));
    }

    @Test
    void pValuesStayInUnitInterval() {
        for (int n = 1; n <= 12; n++) {
            double[] d = new double[n];
            for (int i = 0; i < n; i++) d[i] = i + 1; // all positive: the most extreme case
            double pw = Stats.wilcoxon(d).p(), ps = Stats.signFlip(d, 0, 1).p();
            assertEquals(2.0 / (1 << n) > 1 ? 1.0 : 2.0 / (1 << n), pw, 1e-15);
            assertEquals(pw, ps, 1e-15);
        }
    }
}
