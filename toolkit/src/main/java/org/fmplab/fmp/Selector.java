package org.fmplab.fmp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.fmplab.model.FeatureMapLayer;
import org.fmplab.prune.ChannelMask;

/**
 * FMP's selection stage: which ranked feature maps to prune (method spec §2, step 7). Each variant is
 * a validated record, so a configuration names its selector exactly (e.g. in a manifest).
 */
public sealed interface Selector permits Selector.Divisor, Selector.LayerRatio, Selector.GlobalRatio,
        Selector.Cluster, Selector.Random {

    /** The channels to prune, given a ranking. */
    ChannelMask select(Ranking ranking);

    /**
     * The paper's rule: the lowest-ranked ⌊C/p⌋ channels of every conv layer (p = 64 in the paper:
     * 75 of PreActResNet-18's 4,800 channels, and none at all in layers of fewer than 64 channels).
     *
     * @param p the divisor, ≥ 1
     */
    record Divisor(int p) implements Selector {
        public Divisor {
            if (p < 1) throw new IllegalArgumentException("p = " + p + " must be >= 1");
        }

        @Override
        public ChannelMask select(Ranking ranking) {
            return lowestPerLayer(ranking, c -> c / p);
        }
    }

    /**
     * The lowest-ranked ⌊ratio·C⌋ channels of every conv layer.
     *
     * @param ratio in (0, 1)
     */
    record LayerRatio(double ratio) implements Selector {
        public LayerRatio {
            requireRatio(ratio);
        }

        @Override
        public ChannelMask select(Ranking ranking) {
            return lowestPerLayer(ranking, c -> (int) Math.floor(ratio * c + 1e-9));
        }
    }

    /**
     * The ⌊ratio·N⌋ most backdoor-like channels of the whole network (N = all conv channels), compared
     * across layers by score, then by rank within their layer, then graph order;
     * at most C − 1 channels of any layer.
     *
     * @param ratio in (0, 1)
     */
    record GlobalRatio(double ratio) implements Selector {
        public GlobalRatio {
            requireRatio(ratio);
        }

        @Override
        public ChannelMask select(Ranking ranking) {
            List<ChannelScore> all = new ArrayList<>(ranking.all());
            Comparator<ChannelScore> score = Comparator.comparingDouble(ranking.config().score()::backdoorLikeness).reversed();
            all.sort(score.thenComparingInt(ChannelScore::rank)); // stable: graph order, then channel
            int budget = (int) Math.floor(ratio * all.size() + 1e-9);
            ChannelMask mask = ChannelMask.none(ranking.layers());
            for (ChannelScore s : all) {
                if (mask.total() >= budget) break;
                if (mask.count(s.layer()) < mask.layer(s.layer()).channels() - 1) mask = mask.with(s.layer(), s.channel());
            }
            return mask;
        }
    }

    /**
     * The clustering rule of the method's earlier versions: per layer, k-means (k = 2..maxK, chosen by
     * the best silhouette) over the channel scores; the cluster of the most backdoor-like scores is
     * pruned if it holds fewer than half of the layer's channels. A layer whose scores are all equal (a
     * tie, common with small probes) prunes nothing.
     *
     * @param maxK largest k tried, in [2, 10]
     */
    record Cluster(int maxK) implements Selector {
        public Cluster {
            if (maxK < 2 || maxK > 10) throw new IllegalArgumentException("maxK = " + maxK + " must be in [2, 10]");
        }

        @Override
        public ChannelMask select(Ranking ranking) {
            ChannelMask mask = ChannelMask.none(ranking.layers());
            RankConfig.Score score = ranking.config().score();
            for (FeatureMapLayer l : ranking.layers()) {
                List<ChannelScore> scores = ranking.layer(l.name());
                double[] v = scores.stream().mapToDouble(s -> -score.backdoorLikeness(s)).toArray();
                int[] minority = KMeans1d.lowestMinorityCluster(v, maxK);
                mask = mask.with(l.name(), minority);
            }
            return mask;
        }
    }

    /**
     * The random-pruning control: as many channels per layer as {@code sizing} selects, drawn uniformly
     * at random (seeded). Every FMP report should include it at the same size.
     *
     * @param sizing the selector whose per-layer counts are matched
     * @param seed   seed of the random choice
     */
    record Random(Selector sizing, long seed) implements Selector {
        public Random {
            Objects.requireNonNull(sizing, "sizing must not be null");
        }

        @Override
        public ChannelMask select(Ranking ranking) {
            return sizing.select(ranking).randomLike(seed);
        }
    }

    private static ChannelMask lowestPerLayer(Ranking ranking, java.util.function.IntUnaryOperator count) {
        ChannelMask mask = ChannelMask.none(ranking.layers());
        for (FeatureMapLayer l : ranking.layers()) {
            int k = Math.min(count.applyAsInt(l.channels()), l.channels() - 1);
            int[] chosen = ranking.ranked(l.name()).stream().limit(Math.max(0, k)).mapToInt(ChannelScore::channel).toArray();
            mask = mask.with(l.name(), chosen);
        }
        return mask;
    }

    private static void requireRatio(double ratio) {
        if (!(ratio > 0 && ratio < 1)) throw new IllegalArgumentException("ratio = " + ratio + " must be in (0, 1)");
    }
}
