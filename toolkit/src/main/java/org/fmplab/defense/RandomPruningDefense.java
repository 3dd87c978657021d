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
import org.fmplab.params.ParamSet;
import org.fmplab.params.ParamSpec;
import org.fmplab.params.Params;
import org.fmplab.progress.ProgressListener;
import org.fmplab.prune.ChannelMask;
import org.fmplab.prune.FineTuning;
import org.fmplab.prune.Pruner;

/**
 * The random-pruning control: prune as many channels per conv layer as FMP does, chosen uniformly at
 * random ({@link ChannelMask#randomLike}, seeded by the defender's seed), then fine-tune exactly as FMP
 * does (the shared {@link FineTuning} recipe with FMP's defaults). If FMP's ranking beats chance, FMP
 * must beat this.
 *
 * <p>How many: {@code counts} ("layer:n,layer:n", e.g. copied from an FMP report's mask) or else
 * ⌊{@code ratio}·C⌋ per layer. Parameters ({@link #PARAMS}): {@code ratio}, {@code counts} and the shared
 * recipe's {@code epochs}, {@code lr}, {@code batch}, {@code keep-pruned}. Stages "pruned" and "fine-tuned".
 */
public final class RandomPruningDefense implements Defense {
    public static final String NAME = "random";
    /**
     * Default per-layer share: ⌊C/8⌋, equal to FMP's default pruning size (its default selector prunes the
     * lowest-ranked ⌊C/8⌋ channels of every layer).
     * (FMP's own declaration is out of this package's reach; a registry test keeps the two equal); the
     * comparison grid goes further and passes the per-layer counts FMP actually chose on the same model
     * ({@code counts}).
     */
    public static final double DEFAULT_RATIO = 0.125;

    /**
     * @param ratio      per-layer share of channels to prune, in [0, 1), used for layers not in counts
     * @param counts     explicit per-layer counts (may be empty)
     * @param fineTuning the fine-tuning after pruning (FMP's recipe, keep-pruned included)
     */
    public record Config(double ratio, Map<String, Integer> counts, FineTuning fineTuning) {
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

    /** The control's parameters: how many channels, then the shared fine-tuning recipe (FMP's defaults). */
    public static final ParamSet PARAMS = ParamSet.of(NAME,
            ParamSpec.real("ratio", DEFAULT_RATIO, 0, 0.999999, "per-layer share of channels pruned at random (FMP's default: 1/8)"),
            ParamSpec.text("counts", null, "explicit per-layer counts layer:n,layer:n (overrides ratio for those layers)"))
            .plus(FineTuning.params("", FineTuning.defaults(), true));

    /** Registry factory: validates {@code params}. */
    public static RandomPruningDefense from(Map<String, ?> params) {
        Params p = PARAMS.read(params);
        Map<String, Integer> counts = parseCounts(p.getString("counts"));
        return new RandomPruningDefense(p.build(() -> new Config(p.getDouble("ratio"), counts, FineTuning.from(p, "", FineTuning.defaults()))));
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
        rec.stage("fine-tuned", config.fineTuning().fineTune(pruned, data.clean(), mask, data.seed(), listener).model());
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
        return ChannelMask.firstPerLayer(layers, l -> {
            int k = config.counts().getOrDefault(l.name(), (int) Math.floor(config.ratio() * l.channels()));
            if (k >= l.channels()) {
                throw new IllegalArgumentException(NAME + ": cannot prune " + k + " of the " + l.channels() + " channels of '" + l.name() + "'");
            }
            return k;
        }).randomLike(seed);
    }
}
