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
    private final Map<String, Double> epsilonTrials;
    private final int targetClass;
    private final double[] targetEvidence;

    /** A ranking without per-layer timings. */
    Ranking(RankConfig config, List<FeatureMapLayer> layers, Map<String, List<ChannelScore>> scores,
            double probeAccuracy, double seconds) {
        this(config, layers, scores, probeAccuracy, seconds, Map.of());
    }

    Ranking(RankConfig config, List<FeatureMapLayer> layers, Map<String, List<ChannelScore>> scores,
            double probeAccuracy, double seconds, Map<String, Double> layerSeconds) {
        this(config, layers, scores, probeAccuracy, seconds, layerSeconds, Map.of());
    }

    /**
     * @param scores        per layer, the scores in channel order (target-flip scores, tie-break
     *                      values and ranks are assigned here)
     * @param probeAccuracy the model's accuracy on the clean probe batch
     * @param seconds       wall time of the ranking
     * @param layerSeconds  wall time spent on each layer's channels (the rest of {@code seconds} is
     *                      the set-up every ranking pays once)
     * @param epsilonTrials the auto-ε rule's trials (budget → tied share), empty without the rule
     */
    Ranking(RankConfig config, List<FeatureMapLayer> layers, Map<String, List<ChannelScore>> scores,
            double probeAccuracy, double seconds, Map<String, Double> layerSeconds, Map<String, Double> epsilonTrials) {
        this.layerSeconds = Map.copyOf(layerSeconds);
        this.epsilonTrials = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(epsilonTrials));
        this.config = config;
        this.layers = List.copyOf(layers);
        List<ChannelScore> all = new ArrayList<>();
        for (FeatureMapLayer l : layers) all.addAll(scores.get(l.name()));
        TargetEstimate t = TargetEstimate.of(all);
        this.targetClass = t.target();
        this.targetEvidence = t.evidence();
        if (config.score() == RankConfig.Score.TARGET_FLIP && targetClass < 0) {
            throw new IllegalArgumentException("score = target_flip needs the maps' flip histograms, and no map flipped a probe image");
        }
        Map<String, List<ChannelScore>> ranked = new LinkedHashMap<>();
        for (FeatureMapLayer l : layers) ranked.put(l.name(), assignRanks(l.name(), scores.get(l.name()), t));
        this.byLayer = ranked;
        this.probeAccuracy = probeAccuracy;
        this.seconds = seconds;
    }

    /** Most backdoor-like first: by the configured score, then the larger tie-break value, then channel index. */
    static Comparator<ChannelScore> order(RankConfig.Score score) {
        return Comparator.comparingDouble(score::backdoorLikeness).reversed()
                .thenComparing(Comparator.comparingDouble(ChannelScore::tieBreak).reversed())
                .thenComparingInt(ChannelScore::channel);
    }

    private List<ChannelScore> assignRanks(String layer, List<ChannelScore> scores, TargetEstimate t) {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(config.tieSeed() ^ (0x9E3779B97F4A7C15L * layer.hashCode()));
        List<ChannelScore> derived = new ArrayList<>();
        for (ChannelScore s : scores) {
            double draw = rng.nextDouble(); // drawn for every map, so a map's value does not depend on the tie-break kind
            double tie = config.tieBreak() == RankConfig.TieBreak.RANDOM ? draw : s.mse();
            derived.add(s.withDerived(t.excess(s), tie, 0));
        }
        List<ChannelScore> sorted = new ArrayList<>(derived);
        sorted.sort(order(config.score()));
        ChannelScore[] out = new ChannelScore[scores.size()];
        for (int r = 0; r < sorted.size(); r++) out[sorted.get(r).channel()] = sorted.get(r).withDerived(sorted.get(r).targetFlip(), sorted.get(r).tieBreak(), r + 1);
        return List.of(out);
    }

    /**
     * Our estimate of the backdoor target from the maps' flip histograms h_m (clean probe only). With
     * q the pooled flip distribution over all maps and n_m the map's flips, a map's standardised
     * excess into class c is z = (h_m[c] − n_m q_c) / sqrt(n_m q_c (1 − q_c) + 1); ĉ maximises
     * Σ_m max(0, z)² (about half the number of maps for every class when flips follow the typical
     * map, so natural confusions, which dominate raw flip counts, do not win by volume). A map's
     * target-flip score is its raw excess h_m[ĉ] − n_m q_ĉ.
     */
    private record TargetEstimate(int target, double[] evidence, double[] q) {
        static TargetEstimate of(List<ChannelScore> all) {
            int k = all.stream().mapToInt(s -> s.flipsTo().size()).max().orElse(0);
            double[] pooled = new double[k];
            for (ChannelScore s : all) for (int c = 0; c < s.flipsTo().size(); c++) pooled[c] += s.flipsTo().get(c);
            double total = java.util.Arrays.stream(pooled).sum();
            if (total == 0) return new TargetEstimate(-1, new double[k], new double[k]);
            double[] q = new double[k];
            for (int c = 0; c < k; c++) q[c] = pooled[c] / total;
            double[] evidence = new double[k];
            for (ChannelScore s : all) {
                int n = s.flips();
                for (int c = 0; c < s.flipsTo().size(); c++) {
                    double z = (s.flipsTo().get(c) - n * q[c]) / Math.sqrt(n * q[c] * (1 - q[c]) + 1);
                    if (z > 0) evidence[c] += z * z;
                }
            }
            int best = 0;
            for (int c = 1; c < k; c++) if (evidence[c] > evidence[best]) best = c;
            return new TargetEstimate(best, evidence, q);
        }

        double excess(ChannelScore s) {
            if (target < 0 || s.flipsTo().size() <= target) return Double.NaN;
            return s.flipsTo().get(target) - s.flips() * q[target];
        }
    }

    /**
     * The same scores ranked by another score (e.g. the loss view of an accuracy ranking), without
     * probing again; wall time and probe accuracy are kept.
     */
    public Ranking rankedBy(RankConfig.Score score) {
        return reordered(config.withScore(score));
    }

    /** The same scores ranked by {@code score} with tie-break {@code tie} (seed {@code tieSeed}), without probing again. */
    public Ranking rankedBy(RankConfig.Score score, RankConfig.TieBreak tie, long tieSeed) {
        return reordered(config.withScore(score).withTieBreak(tie, tieSeed));
    }

    private Ranking reordered(RankConfig c) {
        return new Ranking(c, layers, byLayer, probeAccuracy, seconds, layerSeconds, epsilonTrials);
    }

    Ranking withEpsilonTrials(Map<String, Double> trials) {
        return new Ranking(config, layers, byLayer, probeAccuracy, seconds, layerSeconds, trials);
    }

    /**
     * The same ranking over {@code newLayers} (same names and channel counts, e.g. another pruning
     * target's consumer BatchNorms): the masks selected from it prune accordingly.
     */
    public Ranking withLayers(List<FeatureMapLayer> newLayers) {
        if (!newLayers.stream().map(l -> l.name() + "/" + l.channels()).toList()
                .equals(layers.stream().map(l -> l.name() + "/" + l.channels()).toList())) {
            throw new IllegalArgumentException("layers " + newLayers + " do not match the ranked layers " + layers);
        }
        return new Ranking(config, newLayers, byLayer, probeAccuracy, seconds, layerSeconds, epsilonTrials);
    }

    /**
     * Our extension's estimate ĉ of the backdoor target class from the flip histograms (see the
     * class comment of the target-flip score), or −1 when no map flipped any probe image.
     */
    public int targetClass() {
        return targetClass;
    }

    /** Per class, the evidence behind {@link #targetClass()} (Σ over maps of the squared positive standardised excess). */
    public double[] targetEvidence() {
        return targetEvidence.clone();
    }

    /** The auto-ε rule's trials in order (budget label → share of maps tied), empty when ε was fixed. */
    public Map<String, Double> epsilonTrials() {
        return epsilonTrials;
    }

    /** Share of all maps whose score equals another map's score in the same layer. */
    public double tiedShare() {
        int tied = 0;
        for (FeatureMapLayer l : layers) {
            Map<Double, Integer> counts = valueCounts(l.name());
            for (ChannelScore s : layer(l.name())) if (counts.get(config.score().value(s)) > 1) tied++;
        }
        return size() == 0 ? 0 : (double) tied / size();
    }

    /** Number of distinct score values in {@code layer}. */
    public int distinctScores(String layer) {
        return valueCounts(layer).size();
    }

    /** Share of {@code layer}'s maps at its most frequent score value. */
    public double modeShare(String layer) {
        int max = valueCounts(layer).values().stream().mapToInt(Integer::intValue).max().orElse(0);
        return (double) max / layer(layer).size();
    }

    private Map<Double, Integer> valueCounts(String layer) {
        Map<Double, Integer> counts = new java.util.HashMap<>();
        for (ChannelScore s : layer(layer)) counts.merge(config.score().value(s), 1, Integer::sum);
        return counts;
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
     * One row per feature map: layer, channel, accuracy, loss, margin, mse, flips, target flip, score
     * (the configured score's value), tie-break (the value that orders equal scores), rank (within
     * the layer) and selected (pruned by {@code selected}; false everywhere when it is null).
     */
    public Table table(ChannelMask selected) {
        StringColumn layer = StringColumn.create("layer");
        IntColumn channel = IntColumn.create("channel");
        DoubleColumn acc = DoubleColumn.create("accuracy");
        DoubleColumn loss = DoubleColumn.create("loss");
        DoubleColumn margin = DoubleColumn.create("margin");
        DoubleColumn mse = DoubleColumn.create("mse");
        IntColumn flips = IntColumn.create("flips");
        DoubleColumn target = DoubleColumn.create("target flip");
        DoubleColumn score = DoubleColumn.create("score");
        DoubleColumn tie = DoubleColumn.create("tie-break");
        IntColumn rank = IntColumn.create("rank");
        BooleanColumn sel = BooleanColumn.create("selected");
        for (ChannelScore s : all()) {
            layer.append(s.layer());
            channel.append(s.channel());
            acc.append(s.accuracy());
            loss.append(s.loss());
            margin.append(s.margin());
            mse.append(s.mse());
            flips.append(s.flips());
            target.append(s.targetFlip());
            score.append(config.score().value(s));
            tie.append(s.tieBreak());
            rank.append(s.rank());
            sel.append(selected != null && selected.isPruned(s.layer(), s.channel()));
        }
        return Table.create("FMP ranking (score " + config.score().name().toLowerCase(java.util.Locale.ROOT) + ", tie-break "
                + config.tieBreak().name().toLowerCase(java.util.Locale.ROOT) + ")",
                layer, channel, acc, loss, margin, mse, flips, target, score, tie, rank, sel);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "Ranking[%d feature maps in %d layers, probe accuracy %.3f, %.1f s, %s]",
                size(), layers.size(), probeAccuracy, seconds, config);
    }
}
