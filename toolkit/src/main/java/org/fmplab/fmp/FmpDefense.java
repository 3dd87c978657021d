package org.fmplab.fmp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.defense.api.DefenderData;
import org.fmplab.defense.api.Defense;
import org.fmplab.defense.api.DefenseResult;
import org.fmplab.defense.api.DefenseStage;
import org.fmplab.model.TrainResult;
import org.fmplab.params.Seeds;
import org.fmplab.progress.ProgressListener;
import org.fmplab.progress.ProgressTracker;
import org.fmplab.prune.ChannelMask;
import org.fmplab.prune.Pruner;

/**
 * Adversarial Feature Map Pruning (Huang &amp; Bu, ICLR 2024) as a {@link Defense}: rank every conv
 * feature map by how much an adversarial perturbation aimed at it hurts the model ({@link Ranker}),
 * prune the most sensitive ones ({@link Selector} or {@link SizeSearch}, then {@link Pruner}) and
 * fine-tune on the defender's clean subset ({@link org.fmplab.prune.FineTuning}, the toolkit's shared recipe). Uses only {@link DefenderData}; the
 * input model is never modified. Progress goes to the listener (stage "rank" per channel, then
 * "fine-tune" per batch, also for each size-search candidate); every loop stops with
 * {@link org.fmplab.progress.InterruptedWorkException} when the thread is interrupted.
 */
public final class FmpDefense implements Defense {
    private final FmpConfig config;

    /** FMP with the toolkit's defaults ({@link FmpConfig#defaults()}). */
    public FmpDefense() {
        this(FmpConfig.defaults());
    }

    public FmpDefense(FmpConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** FMP with the paper's exact settings ({@link FmpConfig#paper()}). */
    public static FmpDefense paper() {
        return new FmpDefense(FmpConfig.paper());
    }

    public FmpConfig config() {
        return config;
    }

    @Override
    public String name() {
        return "fmp";
    }

    @Override
    public DefenseResult defend(ComputationGraph backdoored, DefenderData data, ProgressListener listener) {
        return run(backdoored, data, listener).toDefenseResult(name());
    }

    /** Runs every stage and returns the full result (ranking, mask, both models, timings). */
    public FmpResult run(ComputationGraph backdoored, DefenderData data, ProgressListener listener) {
        Ranking ranking = rank(backdoored, data, listener);
        long t0 = System.nanoTime();
        SizeSearch.Result search = null;
        Selector selector = config.selector();
        if (config.sizeSearch() != null) {
            search = config.sizeSearch().run(backdoored, ranking, data.clean(), config.fineTuning(), Seeds.fmpSizeSearch(data.seed()), listener);
            selector = search.chosen();
        }
        double searchSeconds = (System.nanoTime() - t0) / 1e9;
        ChannelMask mask = selector == null ? ChannelMask.none(ranking.layers()) : selector.select(ranking);
        DefenseResult stages = pruneAndFineTune(backdoored, data, mask, true, listener);
        TrainResult tuned = (TrainResult) stages.details().get("fineTuning");
        return new FmpResult(config, ranking, search, mask, stages.stages().get(0).model(), tuned.model(), tuned.history(),
                ranking.seconds(), searchSeconds, stages.stages().get(0).seconds(), tuned.seconds());
    }

    /** FMP's ranking of {@code backdoored}'s feature maps on the defender's data (no pruning). */
    public Ranking rank(ComputationGraph backdoored, DefenderData data, ProgressListener listener) {
        config.rank().checkProbeFits(data.clean().size());
        Ranking ranked = new Ranker(config.rank()).rank(backdoored, data.clean(), data.seed(), listener);
        return ranked.withLayers(config.pruneTarget().apply(ranked.layers()));  // which BatchNorm a pruned map silences
    }

    /**
     * FMP's last two steps for any mask — FMP's own, a random control's, an oracle's — so that every
     * pruning compared with FMP is fine-tuned exactly as FMP is (same recipe, same seed, same data): stage
     * "pruned", then, when {@code fineTune}, "fine-tuned". Details: {@code mask}, {@code pruned} (count),
     * {@code prunedPerLayer}, and {@code fineTuning} (the {@link TrainResult}) when fine-tuned.
     */
    public DefenseResult pruneAndFineTune(ComputationGraph backdoored, DefenderData data, ChannelMask mask, boolean fineTune,
                                          ProgressListener listener) {
        long t0 = System.nanoTime();
        ComputationGraph pruned = Pruner.prune(backdoored, mask);
        List<DefenseStage> stages = new ArrayList<>(List.of(new DefenseStage("pruned", pruned, (System.nanoTime() - t0) / 1e9)));
        Map<String, Object> details = new LinkedHashMap<>(Map.of("mask", mask, "pruned", mask.total(), "prunedPerLayer", mask.countsPerLayer()));
        if (fineTune) {
            ProgressTracker.checkInterrupted();
            TrainResult tuned = config.fineTuning().fineTune(pruned, data.clean(), mask, Seeds.fmpFineTune(data.seed()), listener);
            stages.add(new DefenseStage("fine-tuned", tuned.model(), tuned.seconds()));
            details.put("fineTuning", tuned);
        }
        return new DefenseResult(name(), stages, details);
    }

    /**
     * The random-pruning control of an FMP run: as many channels per layer as {@code fmp} pruned,
     * chosen at random ({@code seed}), then the same fine-tuning. Stages "pruned" and "fine-tuned".
     */
    public DefenseResult randomControl(ComputationGraph backdoored, DefenderData data, FmpResult fmp, long seed,
                                       ProgressListener listener) {
        DefenseResult r = pruneAndFineTune(backdoored, data, fmp.mask().randomLike(seed), true, listener);
        Map<String, Object> details = new LinkedHashMap<>(r.details());
        details.remove("fineTuning");
        details.put("seed", seed);
        return new DefenseResult("fmp-random-control", r.stages(), details);
    }
}
