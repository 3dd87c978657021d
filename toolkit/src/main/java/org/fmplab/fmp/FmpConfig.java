package org.fmplab.fmp;

import java.util.Objects;

/**
 * Everything FMP needs besides the model and the defender's data. Exactly one of {@code selector} and
 * {@code sizeSearch} is set: a fixed selection rule, or a search for the pruning size on the
 * defender's clean data.
 *
 * @param rank       how feature maps are ranked
 * @param selector   which ranked feature maps to prune, or null when {@code sizeSearch} is set
 * @param sizeSearch pruning-size search on clean data (per-layer ratios), or null
 * @param fineTuner  how the pruned model is fine-tuned
 */
public record FmpConfig(RankConfig rank, Selector selector, SizeSearch sizeSearch, FineTuner fineTuner) {
    public FmpConfig {
        Objects.requireNonNull(rank, "rank must not be null");
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
        return new FmpConfig(RankConfig.paper(), new Selector.Divisor(64), null, FineTuner.defaults());
    }

    /**
     * The toolkit's default: the paper's ranking and fine-tuning with the lowest ⌊C/8⌋ channels per
     * layer, measured in the FMP issue on Fashion-MNIST with PreActResNet-18 width 16 (see the
     * project notes for the figures).
     */
    public static FmpConfig defaults() {
        return new FmpConfig(RankConfig.paper(), new Selector.LayerRatio(0.125), null, FineTuner.defaults());
    }

    public FmpConfig withRank(RankConfig r) {
        return new FmpConfig(r, selector, sizeSearch, fineTuner);
    }

    /** This config with a fixed selector (and no size search). */
    public FmpConfig withSelector(Selector s) {
        return new FmpConfig(rank, s, null, fineTuner);
    }

    /** This config with a size search (and no fixed selector). */
    public FmpConfig withSizeSearch(SizeSearch s) {
        return new FmpConfig(rank, null, s, fineTuner);
    }

    public FmpConfig withFineTuner(FineTuner f) {
        return new FmpConfig(rank, selector, sizeSearch, f);
    }
}
