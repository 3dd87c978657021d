package org.fmplab.fmp;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.fmplab.params.ParamSet;
import org.fmplab.params.ParamSpec;
import org.fmplab.params.Params;
import org.fmplab.prune.FineTuning;

/**
 * Everything FMP needs besides the model and the defender's data. Exactly one of {@code selector} and
 * {@code sizeSearch} is set: a fixed selection rule, or a search for the pruning size on the
 * defender's clean data.
 *
 * @param rank       how feature maps are ranked
 * @param selector   which ranked feature maps to prune, or null when {@code sizeSearch} is set
 * @param sizeSearch pruning-size search on clean data (per-layer ratios), or null
 * @param fineTuning how the pruned model is fine-tuned (the toolkit's shared recipe)
 */
public record FmpConfig(RankConfig rank, Selector selector, SizeSearch sizeSearch, FineTuning fineTuning) {
    public FmpConfig {
        Objects.requireNonNull(rank, "rank must not be null");
        Objects.requireNonNull(fineTuning, "fineTuning must not be null");
        if ((selector == null) == (sizeSearch == null)) {
            throw new IllegalArgumentException("exactly one of selector and sizeSearch must be set, got selector = "
                    + selector + ", sizeSearch = " + sizeSearch);
        }
    }

    /**
     * The paper's exact settings: probe B 32, α 1/255, ε 4/255, one FGSM step, accuracy score, the
     * lowest ⌊C/64⌋ channels per layer, 10 fine-tuning epochs (SGD 0.01, momentum 0.9, cosine to 1e-4),
     * pruned channels free to regrow. On width-16 networks ⌊C/64⌋ prunes only the 128-channel layers'
     * two lowest channels (10 of 1,200): far too gentle there (see {@link #defaults()}).
     */
    public static FmpConfig paper() {
        return new FmpConfig(RankConfig.paper(), new Selector.Divisor(64), null, FineTuning.paper());
    }

    /**
     * The toolkit's default: the paper's ranking and fine-tuning with the lowest ⌊C/8⌋ channels per
     * layer, measured in the FMP issue on Fashion-MNIST with PreActResNet-18 width 16 (see the
     * project notes for the figures).
     */
    public static FmpConfig defaults() {
        return new FmpConfig(RankConfig.paper(), new Selector.LayerRatio(0.125), null, FineTuning.defaults());
    }

    /**
     * FMP's parameters, declared once (defaults of the {@code default} preset). To add a key: declare it
     * here and read it in {@link #fromParams} (one line each); {@code --help} lists it from here.
     */
    public static final ParamSet PARAMS = ParamSet.of("fmp",
            ParamSpec.choice("preset", "default", List.of("default", "paper"),
                    "starting point: default (lowest C/8 per layer, automatic batch) or paper (C/64, batch 256)"),
            ParamSpec.integerAtLeast("probe", 32, 1, "probe images B drawn from the clean subset"),
            ParamSpec.real("alpha", 1.0 / 255, 0, 1, "random-start size (pixel units, e.g. 1/255); also the PGD step"),
            ParamSpec.real("epsilon", 4.0 / 255, 0, 1, "FGSM step or PGD radius (pixel units, e.g. 4/255)"),
            ParamSpec.integer("steps", 1, 1, 1000, "1 = FGSM from the random start, > 1 = PGD"),
            ParamSpec.choice("mode", RankConfig.Mode.FAST, RankConfig.Mode.class, "fast (shared computation) or reference (as released)"),
            ParamSpec.integer("channels-per-pass", 1, 1, 4096, "channels attacked in one batched pass (1 on CPU)"),
            ParamSpec.choice("score", RankConfig.Score.ACCURACY, RankConfig.Score.class, "what ranks a channel"),
            ParamSpec.text("select", "layer:0.125", "which ranked channels to prune: divisor:P, layer:R, global:R or cluster:K"),
            ParamSpec.reals("search", null, 0, 1, "per-layer ratios to search on clean data (replaces select), e.g. 0.0625,0.125,0.25"),
            ParamSpec.real("search-max-drop", 0.02, 0, 1, "largest clean-accuracy drop the size search accepts"),
            ParamSpec.integer("search-epochs", 3, 1, 1000, "fine-tuning epochs of each searched candidate"))
            .plus(FineTuning.params("", FineTuning.defaults(), true));

    /**
     * A configuration from string parameters (CLI {@code --defense-param key=value}, notebooks), on top
     * of {@code preset} = {@code default} (the default) or {@code paper}; the keys are {@link #PARAMS}.
     *
     * @throws IllegalArgumentException for an unknown key or an invalid value (the message names both)
     */
    public static FmpConfig fromParams(Map<String, ?> params) {
        Params p = PARAMS.read(params);
        FmpConfig c = p.getString("preset").equals("paper") ? paper() : defaults();
        RankConfig base = c.rank();
        RankConfig r = p.build(() -> new RankConfig(p.getInt("probe", base.probeSize()), p.getDouble("alpha", base.alpha()),
                p.getDouble("epsilon", base.epsilon()), p.getInt("steps", base.steps()),
                p.has("mode") ? p.getChoice("mode", RankConfig.Mode.class) : base.mode(),
                p.getInt("channels-per-pass", base.channelsPerPass()),
                p.has("score") ? p.getChoice("score", RankConfig.Score.class) : base.score()));
        c = c.withRank(r);
        if (p.has("select")) c = c.withSelector(p.build(() -> selector(p.getString("select"))));
        if (p.has("search")) {
            SizeSearch s = p.build(() -> new SizeSearch(p.getDoubles("search"), 0.25, p.getInt("search-epochs"), p.getDouble("search-max-drop")));
            c = c.withSizeSearch(s);
        }
        return c.withFineTuning(FineTuning.from(p, "", c.fineTuning()));
    }

    /** {@code divisor:P}, {@code layer:R}, {@code global:R} or {@code cluster:K} (R may be a fraction, e.g. 1/8). */
    static Selector selector(String spec) {
        String[] f = spec.trim().split(":", 2);
        String error = "select = '" + spec + "' must be divisor:P, layer:R, global:R or cluster:K";
        if (f.length != 2) throw new IllegalArgumentException(error);
        return switch (f[0]) {
            case "divisor" -> new Selector.Divisor((Integer) ParamSpec.integerAtLeast("select", 1, 1, "").parse(f[1]));
            case "layer" -> new Selector.LayerRatio(ratio(f[1]));
            case "global" -> new Selector.GlobalRatio(ratio(f[1]));
            case "cluster" -> new Selector.Cluster((Integer) ParamSpec.integerAtLeast("select", 2, 1, "").parse(f[1]));
            default -> throw new IllegalArgumentException(error);
        };
    }

    private static double ratio(String v) {
        return (Double) ParamSpec.real("select", 0.125, 0, 1, "").parse(v);
    }

    public FmpConfig withRank(RankConfig r) {
        return new FmpConfig(r, selector, sizeSearch, fineTuning);
    }

    /** This config with a fixed selector (and no size search). */
    public FmpConfig withSelector(Selector s) {
        return new FmpConfig(rank, s, null, fineTuning);
    }

    /** This config with a size search (and no fixed selector). */
    public FmpConfig withSizeSearch(SizeSearch s) {
        return new FmpConfig(rank, null, s, fineTuning);
    }

    public FmpConfig withFineTuning(FineTuning f) {
        return new FmpConfig(rank, selector, sizeSearch, f);
    }
}
