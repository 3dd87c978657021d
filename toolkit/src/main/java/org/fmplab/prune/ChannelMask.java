package org.fmplab.prune;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.fmplab.model.FeatureMapLayer;

/**
 * An immutable set of pruned feature maps: for each conv layer of a network (its
 * {@link FeatureMapLayer}s, in graph order), the output channels to remove. Built by FMP's selectors
 * and by every pruning baseline; applied to a network by {@link Pruner}.
 */
public final class ChannelMask {
    private final Map<String, FeatureMapLayer> layers;
    private final Map<String, int[]> pruned;

    private ChannelMask(Map<String, FeatureMapLayer> layers, Map<String, int[]> pruned) {
        this.layers = layers;
        this.pruned = pruned;
    }

    /** A mask over {@code layers} that prunes nothing. */
    public static ChannelMask none(List<FeatureMapLayer> layers) {
        Map<String, FeatureMapLayer> byName = new LinkedHashMap<>();
        Map<String, int[]> empty = new LinkedHashMap<>();
        for (FeatureMapLayer l : layers) {
            if (byName.put(l.name(), l) != null) throw new IllegalArgumentException("layer '" + l.name() + "' is listed twice");
            empty.put(l.name(), new int[0]);
        }
        return new ChannelMask(byName, empty);
    }

    /**
     * A mask over {@code layers} pruning the first {@code count(layer)} channels of each: a mask that only
     * carries counts per layer, e.g. for {@link #randomLike}.
     */
    public static ChannelMask firstPerLayer(List<FeatureMapLayer> layers, java.util.function.ToIntFunction<FeatureMapLayer> count) {
        ChannelMask m = none(layers);
        for (FeatureMapLayer l : layers) {
            int[] first = new int[count.applyAsInt(l)];
            for (int i = 0; i < first.length; i++) first[i] = i;
            m = m.with(l.name(), first);
        }
        return m;
    }

    /**
     * A mask over {@code layers} pruning {@code selected} (layer name → channel indices; layers not
     * named prune nothing).
     *
     * @throws IllegalArgumentException for an unknown layer or a channel outside [0, C)
     */
    public static ChannelMask of(List<FeatureMapLayer> layers, Map<String, ? extends Collection<Integer>> selected) {
        ChannelMask m = none(layers);
        for (Map.Entry<String, ? extends Collection<Integer>> e : selected.entrySet()) {
            m = m.with(e.getKey(), e.getValue().stream().mapToInt(Integer::intValue).toArray());
        }
        return m;
    }

    /** This mask with {@code channels} of {@code layer} pruned as well. */
    public ChannelMask with(String layer, int... channels) {
        FeatureMapLayer l = layer(layer);
        TreeSet<Integer> set = new TreeSet<>();
        for (int c : pruned.get(layer)) set.add(c);
        for (int c : channels) {
            if (c < 0 || c >= l.channels()) {
                throw new IllegalArgumentException("channel " + c + " of layer '" + layer + "' is outside [0, " + l.channels() + ")");
            }
            set.add(c);
        }
        Map<String, int[]> copy = new LinkedHashMap<>(pruned);
        copy.put(layer, set.stream().mapToInt(Integer::intValue).toArray());
        return new ChannelMask(layers, copy);
    }

    /** The layers this mask covers, in graph order. */
    public List<FeatureMapLayer> layers() {
        return new ArrayList<>(layers.values());
    }

    /** The layer called {@code name}. */
    public FeatureMapLayer layer(String name) {
        FeatureMapLayer l = layers.get(name);
        if (l == null) throw new IllegalArgumentException("layer '" + name + "' is not a feature-map layer of this mask; known: " + layers.keySet());
        return l;
    }

    /** The pruned channels of {@code layer}, ascending (a copy). */
    public int[] pruned(String layer) {
        layer(layer);
        return pruned.get(layer).clone();
    }

    /** True if channel {@code channel} of {@code layer} is pruned. */
    public boolean isPruned(String layer, int channel) {
        layer(layer);
        return Arrays.binarySearch(pruned.get(layer), channel) >= 0;
    }

    /** Number of pruned channels of {@code layer}. */
    public int count(String layer) {
        layer(layer);
        return pruned.get(layer).length;
    }

    /** Number of pruned channels over all layers. */
    public int total() {
        return pruned.values().stream().mapToInt(a -> a.length).sum();
    }

    /** Pruned channel count per layer, in graph order. */
    public Map<String, Integer> countsPerLayer() {
        Map<String, Integer> out = new LinkedHashMap<>();
        pruned.forEach((k, v) -> out.put(k, v.length));
        return out;
    }

    /** 1 for kept and 0 for pruned channels of {@code layer}, length C. */
    public float[] keep(String layer) {
        float[] k = new float[layer(layer).channels()];
        Arrays.fill(k, 1f);
        for (int c : pruned.get(layer)) k[c] = 0f;
        return k;
    }

    /**
     * The random-pruning control: a mask with the same number of pruned channels in every layer, the
     * channels drawn uniformly at random (seeded).
     */
    public ChannelMask randomLike(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        ChannelMask m = none(layers());
        for (FeatureMapLayer l : layers.values()) {
            int k = count(l.name());
            int[] perm = new int[l.channels()];
            for (int i = 0; i < perm.length; i++) perm[i] = i;
            for (int i = 0; i < k; i++) {
                int j = i + rng.nextInt(perm.length - i);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            m = m.with(l.name(), Arrays.copyOf(perm, k));
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ChannelMask m) || !m.layers.equals(layers)) return false;
        for (String k : pruned.keySet()) if (!Arrays.equals(pruned.get(k), m.pruned.get(k))) return false;
        return true;
    }

    @Override
    public int hashCode() {
        int h = layers.hashCode();
        for (int[] a : pruned.values()) h = 31 * h + Arrays.hashCode(a);
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ChannelMask[").append(total()).append(" pruned");
        pruned.forEach((k, v) -> {
            if (v.length > 0) sb.append(", ").append(k).append('=').append(Arrays.toString(v));
        });
        return sb.append(']').toString();
    }
}
