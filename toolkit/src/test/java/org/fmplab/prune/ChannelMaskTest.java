package org.fmplab.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fmplab.model.FeatureMapLayer;
import org.junit.jupiter.api.Test;

class ChannelMaskTest {
    private static final List<FeatureMapLayer> LAYERS = List.of(
            new FeatureMapLayer("a", 8, List.of("bnA"), true),
            new FeatureMapLayer("b", 16, List.of(), false));

    @Test
    void collectsSortedDistinctChannelsPerLayer() {
        ChannelMask m = ChannelMask.of(LAYERS, Map.of("a", List.of(5, 1, 5))).with("b", 15);
        assertArrayEquals(new int[] {1, 5}, m.pruned("a"));
        assertEquals(3, m.total());
        assertEquals(Map.of("a", 2, "b", 1), m.countsPerLayer());
        assertTrue(m.isPruned("b", 15));
        assertEquals(0f, m.keep("a")[5]);
        assertEquals(1f, m.keep("a")[4]);
    }

    @Test
    void rejectsUnknownLayersAndChannelsOutOfRange() {
        ChannelMask m = ChannelMask.none(LAYERS);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.with("a", 8));
        assertTrue(e.getMessage().contains("channel 8") && e.getMessage().contains("[0, 8)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> m.with("zz", 0));
        assertTrue(e.getMessage().contains("'zz'"), e.getMessage());
    }

    @Test
    void randomControlKeepsPerLayerCountsAndIsSeeded() {
        ChannelMask m = ChannelMask.none(LAYERS).with("a", 0, 1, 2).with("b", 3);
        ChannelMask r1 = m.randomLike(42);
        assertEquals(m.countsPerLayer(), r1.countsPerLayer());
        assertEquals(r1, m.randomLike(42));
        Set<ChannelMask> seen = new java.util.HashSet<>();
        for (long s = 0; s < 10; s++) seen.add(m.randomLike(s));
        assertTrue(seen.size() > 5, "different seeds give different masks");
        assertNotEquals(m, ChannelMask.none(LAYERS));
    }
}
