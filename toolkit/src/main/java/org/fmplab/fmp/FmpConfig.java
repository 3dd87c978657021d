package org.fmplab.fmp;

import java.util.Objects;
import org.fmplab.prune.PruneTarget;

/**
 * Everything FMP needs besides the model and the defender's data. Exactly one of {@code selector} and
 * {@code sizeSearch} is set: a fixed selection rule, or a search for the pruning size on the
 * defender's clean data.
 *
 * @param rank       how feature maps are ranked
 * @param selector   which ranked feature maps to prune, or null when {@code sizeSearch} is set
 * @param sizeSearch pruning-size search on clean data (per-layer ratios), or null
 * @param fineTuner  how the pruned model is fine-tuned
 * @param pruneTarget what pruning a map of a conv that feeds a residual sum zeroes ({@link PruneTarget})
 */
public record FmpConfig(RankConfig rank, Selector selector, SizeSearch sizeSearch, FineTuner fineTuner, PruneTarget pruneTarget) {
    /** A configuration with the release's pruning pairing ({@link PruneTarget#PAPER}). */
    public FmpConfig(RankConfig rank, Selector selector, SizeSearch sizeSearch, FineTuner fineTuner) {
        this(rank, selector, sizeSearch, fineTuner, PruneTarget.PAPER);
    }

    public FmpConfig {
        Objects.requireNonNull(rank, "rank must not be null");
        Objects.requireNonNull(pruneTarget, "pruneTarget must not be null (PAPER or FILTER)");
        Objects.requireNonNull(fineTuner, "fineTuner must not be null");
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
        return new FmpConfig(RankConfig.paper(), new Selector.Divisor(64), null, FineTuner.paper());
    }

    /**
     * The toolkit's default: the paper's ranking and fine-tuning with the lowest ⌊C/8⌋ channels per
     * layer, measured in the FMP issue on Fashion-MNIST with PreActResNet-18 width 16 (see the
     * project notes for the figures).
     */
    public static FmpConfig defaults() {
        return new FmpConfig(RankConfig.paper(), new Selector.LayerRatio(0.125), null, FineTuner.defaults());
    }

    /** Keys understood by {@link #fromParams}. */
    public static final java.util.List<String> PARAMS = java.util.List.of("preset", "probe", "alpha", "epsilon", "steps",
            "mode", "channels-per-pass", "score", "select", "search", "search-max-drop", "search-epochs", "epochs", "batch",
            "keep-pruned", "probe-batch", "tie-break", "tie-seed", "prune-target");

    /**
     * A configuration from string parameters (CLI {@code --defense-param key=value}, notebooks), on top
     * of {@code preset} = {@code default} (the default) or {@code paper}. Keys: {@code probe} (images,
     * or {@code all}: the whole clean subset), {@code probe-batch} (probe images per pass),
     * {@code alpha}, {@code epsilon} (pixel units, e.g. 0.0157 or 4/255; the released runnable setting
     * is alpha=0.02, epsilon=0.06; {@code auto}: the smallest budget of {@link RankConfig#epsilonSweep}
     * at which the scores stop tying on the defender's probe), {@code steps}, {@code mode}
     * (fast|reference), {@code channels-per-pass}, {@code score} (accuracy|loss|margin|target-flip,
     * the last our extension), {@code tie-break} (mse|random), {@code tie-seed} (the random
     * tie-break's seed), {@code prune-target} (paper|filter), {@code select}
     * ({@code divisor:P}, {@code layer:R}, {@code global:R}, {@code cluster:K}), {@code search} (comma-
     * separated per-layer ratios; replaces {@code select}), {@code search-max-drop},
     * {@code search-epochs}, {@code epochs}, {@code batch}, {@code keep-pruned} (true|false).
     *
     * @throws IllegalArgumentException for an unknown key or an invalid value (the message names both)
     */
    public static FmpConfig fromParams(java.util.Map<String, String> params) {
        for (String k : params.keySet()) {
            if (!PARAMS.contains(k)) throw new IllegalArgumentException("unknown FMP parameter '" + k + "'; known: " + PARAMS);
        }
        String preset = params.getOrDefault("preset", "default");
        FmpConfig c = switch (preset) {
            case "default" -> defaults();
            case "paper" -> paper();
            default -> throw new IllegalArgumentException("preset = '" + preset + "' must be 'default' or 'paper'");
        };
        RankConfig r = c.rank();
        if (params.containsKey("probe")) {
            r = r.withProbeSize(params.get("probe").trim().equals("all") ? RankConfig.ALL_IMAGES : Params.integer(params, "probe"));
        }
        if (params.containsKey("alpha")) r = r.withAlpha(Params.number(params, "alpha"));
        if (params.containsKey("probe-batch")) r = r.withProbeBatch(Params.integer(params, "probe-batch"));
        if (params.containsKey("epsilon")) {
            r = params.get("epsilon").trim().equals("auto") ? r.withAutoEpsilon() : r.withEpsilon(Params.number(params, "epsilon"));
        }
        if (params.containsKey("steps")) r = r.withSteps(Params.integer(params, "steps"));
        if (params.containsKey("mode")) r = r.withMode(Params.choice(params, "mode", RankConfig.Mode.class));
        if (params.containsKey("channels-per-pass")) r = r.withChannelsPerPass(Params.integer(params, "channels-per-pass"));
        if (params.containsKey("score")) r = r.withScore(Params.choice(params, "score", RankConfig.Score.class));
        if (params.containsKey("tie-break") || params.containsKey("tie-seed")) {
            r = r.withTieBreak(params.containsKey("tie-break") ? Params.choice(params, "tie-break", RankConfig.TieBreak.class) : r.tieBreak(),
                    params.containsKey("tie-seed") ? Params.longInteger(params, "tie-seed") : r.tieSeed());
        }
        c = c.withRank(r);
        if (params.containsKey("select")) c = c.withSelector(Params.selector(params.get("select")));
        if (params.containsKey("search")) {
            double[] ratios = java.util.Arrays.stream(params.get("search").split(",")).mapToDouble(v -> Params.parse("search", v)).toArray();
            double drop = params.containsKey("search-max-drop") ? Params.number(params, "search-max-drop") : 0.02;
            int epochs = params.containsKey("search-epochs") ? Params.integer(params, "search-epochs") : 3;
            c = c.withSizeSearch(new SizeSearch(ratios, 0.25, epochs, drop));
        }
        FineTuner f = c.fineTuner();
        if (params.containsKey("epochs")) f = new FineTuner(Params.integer(params, "epochs"), f.batchSize(), f.keepPruned());
        if (params.containsKey("batch")) f = new FineTuner(f.epochs(), Params.integer(params, "batch"), f.keepPruned());
        if (params.containsKey("keep-pruned")) f = f.withKeepPruned(Params.bool(params, "keep-pruned"));
        c = c.withFineTuner(f);
        return params.containsKey("prune-target") ? c.withPruneTarget(Params.choice(params, "prune-target", PruneTarget.class)) : c;
    }

    public FmpConfig withRank(RankConfig r) {
        return new FmpConfig(r, selector, sizeSearch, fineTuner, pruneTarget);
    }

    /** This config with a fixed selector (and no size search). */
    public FmpConfig withSelector(Selector s) {
        return new FmpConfig(rank, s, null, fineTuner, pruneTarget);
    }

    /** This config with a size search (and no fixed selector). */
    public FmpConfig withSizeSearch(SizeSearch s) {
        return new FmpConfig(rank, null, s, fineTuner, pruneTarget);
    }

    public FmpConfig withFineTuner(FineTuner f) {
        return new FmpConfig(rank, selector, sizeSearch, f, pruneTarget);
    }

    public FmpConfig withPruneTarget(PruneTarget t) {
        return new FmpConfig(rank, selector, sizeSearch, fineTuner, t);
    }
}
