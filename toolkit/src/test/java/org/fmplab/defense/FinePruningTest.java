package org.fmplab.defense;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import org.fmplab.data.ImageDataset;
import org.fmplab.data.Subsets;
import org.fmplab.defense.api.DefenseResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FinePruningTest {
    private static BackdooredFixture.Fixture f;

    @BeforeAll
    static void fixture() {
        f = BackdooredFixture.get();
    }

    @Test
    void prunesTheLastConvInIncreasingActivationOrderAndStopsAtTheAccuracyBound() {
        FinePruningDefense fp = FinePruningDefense.from(Map.of());
        int[] held = Subsets.classBalanced(f.defender(), 0.2, 1);
        ImageDataset heldOut = f.defender().subset(held);
        ImageDataset rank = f.defender().subset(Subsets.complement(f.defender().size(), held));
        FinePruningDefense.Search s = fp.search(f.model(), rank, heldOut, null);

        assertEquals("conv4", s.layer());
        assertEquals("bn4", s.activation(), "the BatchNorm with its ReLU fused");
        int[] sortedByActivation = java.util.stream.IntStream.range(0, s.meanActivation().length).boxed()
                .sorted((a, b) -> Double.compare(s.meanActivation()[a], s.meanActivation()[b])).mapToInt(Integer::intValue).toArray();
        assertArrayEquals(sortedByActivation, s.order(), "pruning order = increasing mean activation");
        double base = s.accuracies().get(0)[1];
        assertEquals(0.9 * base, s.bound(), 1e-12, "10% relative drop");
        for (double[] a : s.accuracies()) {
            if (a[0] <= s.pruned()) assertTrue(a[1] >= s.bound(), "accepted k=" + a[0] + " has accuracy " + a[1]);
        }
        double[] last = s.accuracies().get(s.accuracies().size() - 1);
        if (s.pruned() < s.order().length - 1) {
            assertEquals(s.pruned() + 1, (int) last[0], "the search stops right after the first violation");
            assertTrue(last[1] < s.bound(), "the first rejected step violates the bound: " + Arrays.toString(last));
        }
        assertTrue(s.pruned() > 0, "something is pruned");
    }

    @Test
    void defenseRemovesExactlyTheSearchedChannelsAndKeepsThemPrunedThroughFineTuning() {
        FinePruningDefense fp = FinePruningDefense.from(Map.of("epochs", "1"));
        DefenseResult r = fp.defend(f.model(), f.data(3), null);
        assertEquals("pruned", r.stages().get(0).name());
        assertEquals("fine-tuned", r.last().name());
        int pruned = (int) r.details().get("prunedChannels");
        assertTrue(pruned > 0);
        // per-filter norms (slicing DL4J parameter views by channel is unreliable)
        var filterNorms = r.last().model().getLayer("conv4").getParam("W").norm2(1, 2, 3);
        var gamma = r.last().model().getLayer("bn4").getParam("gamma");
        int zero = 0;
        for (int c = 0; c < gamma.length(); c++) {
            if (gamma.getDouble(c) == 0) {
                zero++;
                assertEquals(0.0, filterNorms.getDouble(c), 0.0);
            }
        }
        assertEquals(pruned, zero, "pruned channels stay zero after fine-tuning (keep-pruned)");
    }
}
