package org.fmplab.fmp;

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
        config.rank().checkProbeFits(data.clean().size());
        Ranking ranking = new Ranker(config.rank()).rank(backdoored, data.clean(), data.seed(), listener);
        long t0 = System.nanoTime();
        SizeSearch.Result search = null;
        Selector selector = config.selector();
        if (config.sizeSearch() != null) {
            search = config.sizeSearch().run(backdoored, ranking, data.clean(), config.fineTuning(), Seeds.fmpSizeSearch(data.seed()), listener);
            selector = search.chosen();
        }
        double searchSeconds = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        ChannelMask mask = selector == null ? ChannelMask.none(ranking.layers()) : selector.select(ranking);
        ComputationGraph pruned = Pruner.prune(backdoored, mask);
        double pruneSeconds = (System.nanoTime() - t1) / 1e9;
        ProgressTracker.checkInterrupted();
        TrainResult tuned = config.fineTuning().fineTune(pruned, data.clean(), mask, Seeds.fmpFineTune(data.seed()), listener);
        return new FmpResult(config, ranking, search, mask, pruned, tuned.model(), tuned.history(),
                ranking.seconds(), searchSeconds, pruneSeconds, tuned.seconds());
    }

    /**
     * The random-pruning control of an FMP run: as many channels per layer as {@code fmp} pruned,
     * chosen at random ({@code seed}), then the same fine-tuning. Stages "pruned" and "fine-tuned".
     */
    public DefenseResult randomControl(ComputationGraph backdoored, DefenderData data, FmpResult fmp, long seed,
                                       ProgressListener listener) {
        long t0 = System.nanoTime();
        ChannelMask mask = fmp.mask().randomLike(seed);
        ComputationGraph pruned = Pruner.prune(backdoored, mask);
        double pruneSeconds = (System.nanoTime() - t0) / 1e9;
        TrainResult tuned = config.fineTuning().fineTune(pruned, data.clean(), mask, Seeds.fmpFineTune(data.seed()), listener);
        return new DefenseResult("fmp-random-control", List.of(
                new DefenseStage("pruned", pruned, pruneSeconds),
                new DefenseStage("fine-tuned", tuned.model(), tuned.seconds())),
                Map.of("mask", mask, "pruned", mask.total(), "prunedPerLayer", mask.countsPerLayer(), "seed", seed));
    }
}
