package org.fmplab.fmp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.defense.api.DefenseResult;
import org.fmplab.defense.api.DefenseStage;
import org.fmplab.model.EpochStats;
import org.fmplab.prune.ChannelMask;

/**
 * Everything one FMP run produced, stage by stage.
 *
 * @param config          the configuration used
 * @param ranking         the feature-map ranking
 * @param search          the pruning-size search, or null when a fixed selector was used
 * @param mask            the pruned feature maps
 * @param pruned          the pruned model (before fine-tuning)
 * @param fineTuned       the pruned model after fine-tuning (the repaired model)
 * @param fineTuneHistory loss per fine-tuning epoch
 * @param rankSeconds     wall time of the ranking
 * @param searchSeconds   wall time of the size search (0 without one)
 * @param pruneSeconds    wall time of selection and pruning
 * @param fineTuneSeconds wall time of fine-tuning
 */
public record FmpResult(FmpConfig config, Ranking ranking, SizeSearch.Result search, ChannelMask mask,
                        ComputationGraph pruned, ComputationGraph fineTuned, List<EpochStats> fineTuneHistory,
                        double rankSeconds, double searchSeconds, double pruneSeconds, double fineTuneSeconds) {
    public FmpResult {
        fineTuneHistory = List.copyOf(fineTuneHistory);
    }

    /**
     * As the pipeline's {@link DefenseResult}: stages "pruned" (its time: ranking + size search +
     * pruning) and "fine-tuned"; details: {@code ranking} ({@link Ranking}), {@code rankingTable}
     * (Tablesaw), {@code mask} ({@link ChannelMask}), {@code pruned} (count), {@code prunedPerLayer},
     * {@code totalChannels}, {@code targetClassEstimate} (our extension's ĉ, {@link Ranking#targetClass()}), {@code rankSeconds}, {@code searchSeconds}, {@code pruneSeconds},
     * {@code fineTuneSeconds}, {@code config}, and {@code sizeSearch} (table) when a search ran.
     */
    public DefenseResult toDefenseResult(String name) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("ranking", ranking);
        d.put("rankingTable", ranking.table(mask));
        d.put("mask", mask);
        d.put("pruned", mask.total());
        d.put("prunedPerLayer", mask.countsPerLayer());
        d.put("totalChannels", ranking.size());
        d.put("targetClassEstimate", ranking.targetClass());
        d.put("rankSeconds", rankSeconds);
        d.put("searchSeconds", searchSeconds);
        d.put("pruneSeconds", pruneSeconds);
        d.put("fineTuneSeconds", fineTuneSeconds);
        d.put("config", config);
        if (search != null) d.put("sizeSearch", search.table());
        return new DefenseResult(name, List.of(
                new DefenseStage("pruned", pruned, rankSeconds + searchSeconds + pruneSeconds),
                new DefenseStage("fine-tuned", fineTuned, fineTuneSeconds)), d);
    }
}
