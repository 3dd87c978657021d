package org.fmplab.defense;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.defense.api.DefenderData;
import org.fmplab.defense.api.Defense;
import org.fmplab.defense.api.DefenseResult;
import org.fmplab.model.FeatureMapLayer;
import org.fmplab.model.FeatureMapLayers;
import org.fmplab.prune.ChannelMask;
import org.fmplab.prune.Pruner;
import org.fmplab.progress.ProgressListener;

/**
 * The random-pruning control: prune as many channels per conv layer as FMP does, chosen uniformly at
 * random ({@link ChannelMask#randomLike}, seeded by the defender's seed), then fine-tune exactly as FMP
 * does. If FMP's ranking beats chance, FMP must beat this.
 *
 * <p>How many: {@code counts} ("layer:n,layer:n", e.g. copied from an FMP report's mask) or else
 * ⌊{@code ratio}·C⌋ per layer. Parameters: {@code ratio}, {@code counts}, {@code keepPruned} (false: pruned
 * channels may regrow during fine-tuning, FMP's default as released), {@code epochs}, {@code lr},
 * {@code batch}. Stages "pruned" and "fine-tuned".
 */
public final class RandomPruningDefense implements Defense {
    public static final String NAME = "random";
    /**
     * Default per-layer share: ⌊C/8⌋, equal to FMP's default pruning size (its default selector prunes the
     * lowest-ranked ⌊C/8⌋ channels of every layer). The registry passes FMP's configured default in
     * ({@link #from(Map, double)}), so the two stay equal; the comparison grid goes further and passes
     * the per-layer counts FMP actually chose on the same model ({@code counts}).
     */
    public static final double DEFAULT_RATIO = 0.125;

    /**
     * @param ratio      per-layer share of channels to prune, in [0, 1), used for layers not in counts
     * @param counts     explicit per-layer counts (may be empty)
     * @param keepPruned keep pruned channels at zero during fine-tuning
     * @param fineTuning the fine-tuning after pruning
     */
    public record Config(double ratio, Map<String, Integer> counts, boolean keepPruned, FineTuning fineTuning) {
        public Config {
            if (!(ratio >= 0 && ratio < 1)) throw new IllegalArgumentException("ratio = " + ratio + " must be in [0, 1)");
            counts = Map.copyOf(counts);
            counts.forEach((k, v) -> {
                if (v < 0) throw new IllegalArgumentException("counts: " + k + " = " + v + " must be >= 0");
            });
            if (fineTuning == null) throw new IllegalArgumentException("fineTuning must not be null");
        }
    }

    private final Config config;

    public RandomPruningDefense(Config config) {
        this.config = config;
    }

    /** Registry factory: validates {@code params}; default ratio {@link #DEFAULT_RATIO}. */
    public static RandomPruningDefense from(Map<String, String> params) {
        return from(params, DEFAULT_RATIO);
    }

    /** Registry factory with the default per-layer ratio given (FMP's, by the registry). */
    public static RandomPruningDefense from(Map<String, String> params, double defaultRatio) {
        DefenseParams p = new DefenseParams(NAME, params);
        double ratio = p.doubleIn("ratio", defaultRatio, 0, 0.999999);
        Map<String, Integer> counts = parseCounts(p.string("counts", null));
        Config c = p.build(() -> new Config(ratio, counts, p.bool("keepPruned", false), FineTuning.from(p, "", FineTuning.defaults())));
        p.rejectUnknown();
        return new RandomPruningDefense(c);
    }

    /** Parses "layer:n,layer:n" (null or blank: empty). */
    static Map<String, Integer> parseCounts(String s) {
        Map<String, Integer> out = new LinkedHashMap<>();
        if (s == null || s.isBlank()) return out;
        for (String part : s.split(",")) {
            String[] kv = part.trim().split(":");
            try {
                if (kv.length != 2) throw new NumberFormatException();
                out.put(kv[0].trim(), Integer.parseInt(kv[1].trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(NAME + ": counts entry '" + part + "' must look like layer:count");
            }
        }
        return out;
    }

    public Config config() {
        return config;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DefenseResult defend(ComputationGraph backdoored, DefenderData data, ProgressListener listener) {
        StageRecorder rec = new StageRecorder(NAME);
        ChannelMask mask = mask(backdoored, data.seed());
        ComputationGraph pruned = Pruner.prune(backdoored, mask);
        rec.stage("pruned", pruned);
        rec.stage("fine-tuned", config.fineTuning().run(pruned, data.clean(), data.seed(), listener, "fine-tune", null,
                config.keepPruned() ? Pruner.keepPruned(mask) : null));
        rec.detail("prunedChannels", mask.total());
        rec.detail("mask", mask.toString());
        return rec.result();
    }

    /** The random mask: per layer the configured count, channels drawn with {@code seed}. */
    public ChannelMask mask(ComputationGraph net, long seed) {
        List<FeatureMapLayer> layers = FeatureMapLayers.of(net);
        for (String name : config.counts().keySet()) {
            if (layers.stream().noneMatch(l -> l.name().equals(name))) {
                throw new IllegalArgumentException(NAME + ": counts names layer '" + name + "', not a conv layer of this network; conv layers: "
                        + layers.stream().map(FeatureMapLayer::name).toList());
            }
        }
        ChannelMask sized = ChannelMask.none(layers);
        for (FeatureMapLayer l : layers) {
            int k = config.counts().getOrDefault(l.name(), (int) Math.floor(config.ratio() * l.channels()));
            if (k >= l.channels()) {
                throw new IllegalArgumentException(NAME + ": cannot prune " + k + " of the " + l.channels() + " channels of '" + l.name() + "'");
            }
            int[] first = new int[k];
            for (int i = 0; i < k; i++) first[i] = i;
            sized = sized.with(l.name(), first);
        }
        return sized.randomLike(seed);
    }
}
