package org.fmplab.fmp;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fmplab.model.FeatureMapLayer;
import org.fmplab.prune.ChannelMask;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The result of {@link Ranker}: a score for every feature map of every conv layer, ranked within its
 * layer. Immutable data; {@link #table(ChannelMask)} gives it as a Tablesaw table.
 */
public final class Ranking {
    private final RankConfig config;
    private final List<FeatureMapLayer> layers;
    private final Map<String, List<ChannelScore>> byLayer;
    private final double probeAccuracy;
    private final double seconds;
    private final Map<String, Double> layerSeconds;

    /** A ranking without per-layer timings. */
    Ranking(RankConfig config, List<FeatureMapLayer> layers, Map<String, List<ChannelScore>> scores,
            double probeAccuracy, double seconds) {
        this(config, layers, scores, probeAccuracy, seconds, Map.of());
    }

    /**
     * @param scores        per layer, the scores in channel order (ranks are assigned here)
     * @param probeAccuracy the model's accuracy on the clean probe batch
     * @param seconds       wall time of the ranking
     * @param layerSeconds  wall time spent on each layer's channels (the rest of {@code seconds} is
     *                      the set-up every ranking pays once)
     */
    Ranking(RankConfig config, List<FeatureMapLayer> layers, Map<String, List<ChannelScore>> scores,
            double probeAccuracy, double seconds, Map<String, Double> layerSeconds) {
        this.layerSeconds = Map.copyOf(layerSeconds);
        this.config = config;
        this.layers = List.copyOf(layers);
        Map<String, List<ChannelScore>> ranked = new LinkedHashMap<>();
        for (FeatureMapLayer l : layers) ranked.put(l.name(), assignRanks(scores.get(l.name()), config.score()));
        this.byLayer = ranked;
        this.probeAccuracy = probeAccuracy;
        this.seconds = seconds;
    }

    /** Most backdoor-like first: by the configured score, then larger MSE, then channel index. */
    static Comparator<ChannelScore> order(RankConfig.Score score) {
        Comparator<ChannelScore> primary = score == RankConfig.Score.ACCURACY
                ? Comparator.comparingDouble(ChannelScore::accuracy)
                : Comparator.comparingDouble(ChannelScore::loss).reversed();
        return primary.thenComparing(Comparator.comparingDouble(ChannelScore::mse).reversed())
                .thenComparingInt(ChannelScore::channel);
    }

    private static List<ChannelScore> assignRanks(List<ChannelScore> scores, RankConfig.Score score) {
        List<ChannelScore> sorted = new ArrayList<>(scores);
        sorted.sort(order(score));
        ChannelScore[] out = new ChannelScore[scores.size()];
        for (int r = 0; r < sorted.size(); r++) out[sorted.get(r).channel()] = sorted.get(r).withRank(r + 1);
        return List.of(out);
    }

    /**
     * The same scores ranked by another score (e.g. the loss view of an accuracy ranking), without
     * probing again; wall time and probe accuracy are kept.
     */
    public Ranking rankedBy(RankConfig.Score score) {
        return new Ranking(config.withScore(score), layers, byLayer, probeAccuracy, seconds, layerSeconds);
    }

    public RankConfig config() {
        return config;
    }

    /** The ranked conv layers, in graph order. */
    public List<FeatureMapLayer> layers() {
        return layers;
    }

    /** Scores of one layer in channel order. */
    public List<ChannelScore> layer(String name) {
        List<ChannelScore> l = byLayer.get(name);
        if (l == null) throw new IllegalArgumentException("layer '" + name + "' was not ranked; ranked: " + byLayer.keySet());
        return l;
    }

    /** Scores of one layer, most backdoor-like (rank 1) first. */
    public List<ChannelScore> ranked(String name) {
        List<ChannelScore> l = new ArrayList<>(layer(name));
        l.sort(Comparator.comparingInt(ChannelScore::rank));
        return l;
    }

    /** Every score, layer by layer in graph order, channels in order. */
    public List<ChannelScore> all() {
        List<ChannelScore> out = new ArrayList<>();
        byLayer.values().forEach(out::addAll);
        return out;
    }

    /** The score of one feature map. */
    public ChannelScore get(String layer, int channel) {
        return layer(layer).get(channel);
    }

    /** The model's top-1 accuracy on the clean probe batch (the scale the channel accuracies fall from). */
    public double probeAccuracy() {
        return probeAccuracy;
    }

    /** Wall time of the ranking in seconds. */
    public double seconds() {
        return seconds;
    }

    /**
     * Wall time spent on the channels of {@code layer} in seconds (NaN when the ranking was not timed
     * per layer); {@link #seconds()} minus their sum is the set-up paid once per ranking.
     */
    public double layerSeconds(String layer) {
        layer(layer);
        return layerSeconds.getOrDefault(layer, Double.NaN);
    }

    /** Number of ranked feature maps. */
    public int size() {
        return byLayer.values().stream().mapToInt(List::size).sum();
    }

    /** {@link #table(ChannelMask)} with nothing selected. */
    public Table table() {
        return table(null);
    }

    /**
     * One row per feature map: layer, channel, accuracy, loss, mse, rank (within the layer) and
     * selected (pruned by {@code selected}; false everywhere when it is null).
     */
    public Table table(ChannelMask selected) {
        StringColumn layer = StringColumn.create("layer");
        IntColumn channel = IntColumn.create("channel");
        DoubleColumn acc = DoubleColumn.create("accuracy");
        DoubleColumn loss = DoubleColumn.create("loss");
        DoubleColumn mse = DoubleColumn.create("mse");
        IntColumn rank = IntColumn.create("rank");
        BooleanColumn sel = BooleanColumn.create("selected");
        for (ChannelScore s : all()) {
            layer.append(s.layer());
            channel.append(s.channel());
            acc.append(s.accuracy());
            loss.append(s.loss());
            mse.append(s.mse());
            rank.append(s.rank());
            sel.append(selected != null && selected.isPruned(s.layer(), s.channel()));
        }
        return Table.create("FMP ranking", layer, channel, acc, loss, mse, rank, sel);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "Ranking[%d feature maps in %d layers, probe accuracy %.3f, %.1f s, %s]",
                size(), layers.size(), probeAccuracy, seconds, config);
    }
}
