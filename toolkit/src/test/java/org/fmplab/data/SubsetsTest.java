package org.fmplab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SubsetsTest {
    /** 100 images of class 0, 30 of class 1, 1 of class 2, none of class 3, interleaved. */
    private static ImageDataset unbalanced() {
        // class 1 at the 30 odd indices below 60, class 2 at index 130, class 0 everywhere else
        int[] labels = new int[131];
        for (int i = 1; i < 60; i += 2) labels[i] = 1;
        labels[130] = 2;
        return ImageDataset.of("u", new byte[131], labels, 1, 1, 1, ImageDataset.numberedClasses(4));
    }

    private static int[] countsOf(ImageDataset ds, int[] idx) {
        return ds.subset(idx).classCounts();
    }

    @Test
    void classBalancedTakesTheRoundedFractionOfEachClassAndAtLeastOne() {
        ImageDataset ds = unbalanced();
        assertArrayEquals(new int[] {100, 30, 1, 0}, ds.classCounts());
        int[] idx = Subsets.classBalanced(ds, 0.05, 7);
        assertArrayEquals(new int[] {5, 2, 1, 0}, countsOf(ds, idx)); // round(1.5) = 2; the single image is kept
        assertTrue(isStrictlyAscending(idx));
        assertArrayEquals(new int[] {100, 30, 1, 0}, countsOf(ds, Subsets.classBalanced(ds, 1.0, 7)));
    }

    @Test
    void classBalancedIsDeterministicPerSeed() {
        ImageDataset ds = unbalanced();
        assertArrayEquals(Subsets.classBalanced(ds, 0.3, 42), Subsets.classBalanced(ds, 0.3, 42));
        assertFalse(Arrays.equals(Subsets.classBalanced(ds, 0.3, 42), Subsets.classBalanced(ds, 0.3, 43)));
    }

    @Test
    void classBalancedValidatesTheFraction() {
        ImageDataset ds = unbalanced();
        for (double bad : new double[] {0, -0.1, 1.5, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Subsets.classBalanced(ds, bad, 1));
            assertTrue(e.getMessage().contains("fraction"), e.getMessage());
            assertTrue(e.getMessage().contains("(0, 1]"), e.getMessage());
            assertTrue(e.getMessage().contains(String.valueOf(bad)), e.getMessage());
        }
    }

    @Test
    void complementIsEverythingElseInOrder() {
        assertArrayEquals(new int[] {0, 2, 4, 5}, Subsets.complement(6, new int[] {3, 1, 3}));
        assertArrayEquals(new int[0], Subsets.complement(2, new int[] {0, 1}));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Subsets.complement(3, new int[] {3}));
        assertTrue(e.getMessage().contains("index 3"), e.getMessage());
    }

    @Test
    void subsetAndComplementPartitionTheDataset() {
        ImageDataset ds = unbalanced();
        int[] idx = Subsets.classBalanced(ds, 0.5, 3);
        int[] rest = Subsets.complement(ds.size(), idx);
        assertEquals(ds.size(), idx.length + rest.length);
        int[] all = IntStream.concat(Arrays.stream(idx), Arrays.stream(rest)).sorted().toArray();
        assertArrayEquals(ImageDataset.range(ds.size()), all);
    }

    @Test
    void shuffledIsASeededPermutation() {
        int[] a = Subsets.shuffled(1000, 5);
        assertArrayEquals(a, Subsets.shuffled(1000, 5));
        assertFalse(Arrays.equals(a, Subsets.shuffled(1000, 6)));
        assertFalse(Arrays.equals(a, ImageDataset.range(1000)));
        assertArrayEquals(ImageDataset.range(1000), Arrays.stream(a).sorted().toArray());
        assertEquals(0, Subsets.shuffled(0, 5).length);
    }

    @Test
    void randomSampleDrawsDistinctSortedIndices() {
        int[] s = Subsets.randomSample(50, 20, 9);
        assertEquals(20, s.length);
        assertTrue(isStrictlyAscending(s));
        assertTrue(Arrays.stream(s).allMatch(i -> i >= 0 && i < 50));
        assertArrayEquals(s, Subsets.randomSample(50, 20, 9));
        assertArrayEquals(ImageDataset.range(50), Subsets.randomSample(50, 50, 9));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Subsets.randomSample(5, 6, 1));
        assertTrue(e.getMessage().contains("k must be in [0, 5], got 6"), e.getMessage());
    }

    @Test
    void randomSampleIsRoughlyUniform() {
        int[] hits = new int[10];
        for (long seed = 0; seed < 2000; seed++) for (int i : Subsets.randomSample(10, 3, seed)) hits[i]++;
        for (int h : hits) assertTrue(h > 500 && h < 700, "each index should be drawn about 600 times: " + Arrays.toString(hits));
    }

    private static boolean isStrictlyAscending(int[] a) {
        for (int i = 1; i < a.length; i++) if (a[i] <= a[i - 1]) return false;
        return true;
    }
}
