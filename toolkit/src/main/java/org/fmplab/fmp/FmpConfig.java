package org.fmplab.fmp;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.fmplab.params.ParamSet;
import org.fmplab.params.ParamSpec;
import org.fmplab.params.Params;
import org.fmplab.prune.FineTuning;
import org.fmplab.prune.PruneTarget;

/**
 * Everything FMP needs besides the model and the defender's data. Exactly one of {@code selector} and
 * {@code sizeSearch} is set: a fixed selection rule, or a search for the pruning size on the
 * defender's clean data.
 *
 * @param rank       how feature maps are ranked
 * @param selector   which ranked feature maps to prune, or null when {@code sizeSearch} is set
 * @param sizeSearch pruning-size search on clean data (per-layer ratios), or null
 * @param fineTuning  how the pruned model is fine-tuned (the toolkit's shared recipe)
 * @param pruneTarget what pruning a map of a conv that feeds a residual sum zeroes ({@link PruneTarget})
 */
public record FmpConfig(RankConfig rank, Selector selector, SizeSearch sizeSearch, FineTuning fineTuning, PruneTarget pruneTarget) {
    /** A configuration with the release's pruning pairing ({@link PruneTarget#PAPER}). */
    public FmpConfig(RankConfig rank, Selector selector, SizeSearch sizeSearch, FineTuning fineTuning) {
        this(rank, selector, sizeSearch, fineTuning, PruneTarget.PAPER);
    }

    public FmpConfig {
        Objects.requireNonNull(rank, "rank must not be null");
        Objects.requireNonNull(pruneTarget, "pruneTarget must not be null (PAPER or FILTER)");
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
     * The parameters that decide only which maps FMP ranks first and selects, not how a given mask is pruned
     * and fine-tuned: a random control or the oracle of a fixed size does not depend on them.
     */
    public static final java.util.Set<String> RANKING_KEYS = java.util.Set.of("probe", "probe-batch", "alpha", "epsilon",
            "steps", "mode", "channels-per-pass", "score", "tie-break", "tie-seed", "select", "search", "search-max-drop",
            "search-epochs");

    /**
     * FMP's parameters, declared once (defaults of the {@code default} preset). To add a key: declare it
     * here and read it in {@link #fromParams} (one line each); {@code --help} lists it from here.
     */
    public static final ParamSet PARAMS = ParamSet.of("fmp",
            ParamSpec.choice("preset", "default", List.of("default", "paper"),
                    "starting point: default (lowest C/8 per layer, automatic batch) or paper (C/64, batch 256)"),
            ParamSpec.text("probe", "32", "probe images B drawn from the clean subset (>= 1), or all: the whole subset"),
            ParamSpec.integer("probe-batch", 256, 1, 4096, "probe images per pass (memory bound of probe=all)"),
            ParamSpec.real("alpha", 1.0 / 255, 0, 1, "random-start size (pixel units, e.g. 1/255); also the PGD step"),
            ParamSpec.text("epsilon", "4/255", "FGSM step or PGD radius in [0, 1] (pixel units, e.g. 4/255; the released "
                    + "runnable setting is alpha=0.02, epsilon=0.06), or auto: the smallest budget of the sweep at which "
                    + "the scores stop tying on the defender's probe"),
            ParamSpec.integer("steps", 1, 1, 1000, "1 = FGSM from the random start, > 1 = PGD"),
            ParamSpec.choice("mode", RankConfig.Mode.FAST, RankConfig.Mode.class, "fast (shared computation) or reference (as released)"),
            ParamSpec.integer("channels-per-pass", 1, 1, 4096, "channels attacked in one batched pass (1 on CPU)"),
            ParamSpec.choice("score", RankConfig.Score.ACCURACY, RankConfig.Score.class,
                    "what ranks a channel (target-flip is our extension: flips concentrated on one class)"),
            ParamSpec.choice("tie-break", RankConfig.TieBreak.MSE, RankConfig.TieBreak.class,
                    "order of maps with equal scores: mse (larger achieved MSE first, as released) or random (seeded)"),
            ParamSpec.longInt("tie-seed", 0, "seed of the random tie-break"),
            ParamSpec.choice("prune-target", PruneTarget.PAPER, PruneTarget.class,
                    "paper: zero the BatchNorm that consumes the map (after a residual sum: the summed stream); "
                    + "filter: zero only the conv's own filter where it feeds a sum"),
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
        RankConfig r = p.build(() -> {
            RankConfig x = base;
            if (p.has("probe")) {
                String v = p.getString("probe").trim();
                x = x.withProbeSize(v.equals("all") ? RankConfig.ALL_IMAGES : (Integer) ParamSpec.integerAtLeast("probe", 32, 1, "").parse(v));
            }
            if (p.has("probe-batch")) x = x.withProbeBatch(p.getInt("probe-batch"));
            if (p.has("alpha")) x = x.withAlpha(p.getDouble("alpha"));
            if (p.has("epsilon")) {
                String v = p.getString("epsilon").trim();
                x = v.equals("auto") ? x.withAutoEpsilon() : x.withEpsilon((Double) ParamSpec.real("epsilon", 4.0 / 255, 0, 1, "").parse(v));
            }
            if (p.has("steps")) x = x.withSteps(p.getInt("steps"));
            if (p.has("mode")) x = x.withMode(p.getChoice("mode", RankConfig.Mode.class));
            if (p.has("channels-per-pass")) x = x.withChannelsPerPass(p.getInt("channels-per-pass"));
            if (p.has("score")) x = x.withScore(p.getChoice("score", RankConfig.Score.class));
            if (p.has("tie-break") || p.has("tie-seed")) {
                x = x.withTieBreak(p.has("tie-break") ? p.getChoice("tie-break", RankConfig.TieBreak.class) : x.tieBreak(),
                        p.has("tie-seed") ? p.getLong("tie-seed") : x.tieSeed());
            }
            return x;
        });
        c = c.withRank(r);
        if (p.has("select")) c = c.withSelector(p.build(() -> selector(p.getString("select"))));
        if (p.has("search")) {
            SizeSearch s = p.build(() -> new SizeSearch(p.getDoubles("search"), 0.25, p.getInt("search-epochs"), p.getDouble("search-max-drop")));
            c = c.withSizeSearch(s);
        }
        c = c.withFineTuning(FineTuning.from(p, "", c.fineTuning()));
        return p.has("prune-target") ? c.withPruneTarget(p.getChoice("prune-target", PruneTarget.class)) : c;
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
        return new FmpConfig(r, selector, sizeSearch, fineTuning, pruneTarget);
    }

    /** This config with a fixed selector (and no size search). */
    public FmpConfig withSelector(Selector s) {
        return new FmpConfig(rank, s, null, fineTuning, pruneTarget);
    }

    /** This config with a size search (and no fixed selector). */
    public FmpConfig withSizeSearch(SizeSearch s) {
        return new FmpConfig(rank, null, s, fineTuning, pruneTarget);
    }

    public FmpConfig withFineTuning(FineTuning f) {
        return new FmpConfig(rank, selector, sizeSearch, f, pruneTarget);
    }

    public FmpConfig withPruneTarget(PruneTarget t) {
        return new FmpConfig(rank, selector, sizeSearch, fineTuning, t);
    }
}
