package org.fmplab.fmp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.fmplab.attack.Attack;
import org.fmplab.data.ImageDataset;
import org.fmplab.model.FeatureMapLayer;
import org.fmplab.progress.ProgressListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * What does FMP's score see? No training: on a backdoored model it ranks the feature maps once
 * (defender data only) and compares, with the trigger (an analysis, never a defense), how well each
 * candidate ordering of the maps covers the trigger-aware maps: per layer, the lowest ⌊ρ·C⌋ maps of
 * each ordering against the layer's top ⌊ρ·C⌋ by TAC and by TAC / clean std ({@link Coverage}).
 * Orderings: the configured ranking, accuracy with a seeded random tie-break, loss, margin, our
 * target-flip score, MSE alone, the filter's L2 norm, and TAC / clean std itself; chance is
 * Σ k_l²/C_l / Σ k_l. Also, per layer, how many distinct values each score takes and the share of
 * maps tied at the most frequent one.
 */
public final class RankingDiagnostics {
    /** The pruning shares the coverage is measured at by default: ⌊C/16⌋ and ⌊C/8⌋ per layer. */
    public static final List<Double> DEFAULT_RATIOS = List.of(1.0 / 16, 1.0 / 8);


    private RankingDiagnostics() { }

    /**
     * @param ranking  the ranking examined (its configuration as given)
     * @param tac      TAC of every map, with clean standard deviations
     * @param ties     per layer: channels, and per score the number of distinct values and the share at the mode
     * @param coverage per ordering and ratio: maps pruned, coverage of top-TAC and of top TAC/std, chance
     */
    public record Result(Ranking ranking, Coverage.Tac tac, Table ties, Table coverage) {
        /** Both tables and the target-class estimate as markdown. */
        public String markdown() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "Ranking: %s; probe accuracy %.4f; %.1f s.%n%n", ranking.config(),
                    ranking.probeAccuracy(), ranking.seconds()));
            sb.append("Maps tied with another map of their layer:");
            for (RankConfig.Score s : scores(ranking)) {
                sb.append(String.format(Locale.ROOT, " %s %.3f;", name(s), ranking.rankedBy(s).tiedShare()));
            }
            if (!ranking.epsilonTrials().isEmpty()) {
                sb.append(String.format(Locale.ROOT, "%nAuto-ε trials (budget → tied share): %s.", ranking.epsilonTrials()));
            }
            sb.append(String.format(Locale.ROOT, "%nTarget class estimate ĉ (our extension, from the flip histograms): %d; evidence per class %s.%n%n",
                    ranking.targetClass(), Arrays.toString(Arrays.stream(ranking.targetEvidence()).map(v -> Math.round(v)).toArray())));
            sb.append(RankingDiagnostics.markdown(coverage)).append("\n").append(RankingDiagnostics.markdown(ties));
            return sb.toString();
        }
    }

    /** Ranks {@code net} with {@code rank} on {@code clean} (seed {@code seed}), measures TAC with {@code trigger}, and compares. */
    public static Result run(ComputationGraph net, ImageDataset clean, long seed, Attack trigger, RankConfig rank,
                             List<Double> ratios, long tieSeed, ProgressListener listener) {
        Ranking r = new Ranker(rank).rank(net, clean, seed, listener);
        Coverage.Tac tac = Coverage.tac(net, clean, trigger, clean.size(), seed, listener);
        return of(net, r, tac, ratios, tieSeed);
    }

    /** The tables for a ranking and a TAC (with clean std) of {@code net}; random tie-breaks use {@code tieSeed}. */
    public static Result of(ComputationGraph net, Ranking ranking, Coverage.Tac tac, List<Double> ratios, long tieSeed) {
        Coverage.Tac scaled = tac.normalisedByCleanStd();
        Map<String, Map<String, int[]>> orders = new LinkedHashMap<>();
        orders.put(name(ranking.config().score()) + ", tie-break " + name(ranking.config().tieBreak()) + " (configured)", orders(ranking));
        for (RankConfig.Score s : scores(ranking)) {
            orders.put(name(s) + ", random tie-break", orders(ranking.rankedBy(s, RankConfig.TieBreak.RANDOM, tieSeed)));
        }
        orders.put("mse alone", orders(ranking, values(ranking, ChannelScore::mse), tieSeed));
        orders.put("filter L2 norm", orders(ranking, filterNorms(net, ranking.layers()), tieSeed));
        orders.put("TAC / clean std (uses the trigger)", orders(ranking, scaled.values(), tieSeed));
        StringColumn name = StringColumn.create("ordering");
        DoubleColumn ratio = DoubleColumn.create("ratio");
        IntColumn pruned = IntColumn.create("maps");
        DoubleColumn covTac = DoubleColumn.create("top-TAC coverage");
        DoubleColumn covScaled = DoubleColumn.create("top-TAC/std coverage");
        DoubleColumn chance = DoubleColumn.create("chance");
        for (double rho : ratios) {
            Map<String, Integer> k = sizes(ranking.layers(), rho);
            Map<String, int[]> top = orders(ranking, tac.values(), -1);
            Map<String, int[]> topScaled = orders(ranking, scaled.values(), -1);
            for (Map.Entry<String, Map<String, int[]>> e : orders.entrySet()) {
                name.append(e.getKey());
                ratio.append(rho);
                pruned.append(k.values().stream().mapToInt(Integer::intValue).sum());
                covTac.append(coverage(e.getValue(), top, k));
                covScaled.append(coverage(e.getValue(), topScaled, k));
                chance.append(chance(ranking.layers(), k));
            }
        }
        Table coverage = Table.create("top-TAC coverage per layer", name, ratio, pruned, covTac, covScaled, chance);
        return new Result(ranking, tac, ties(ranking), coverage);
    }

    private static Table ties(Ranking ranking) {
        StringColumn layer = StringColumn.create("layer");
        IntColumn channels = IntColumn.create("maps");
        Table t = Table.create("distinct score values per layer", layer, channels);
        for (FeatureMapLayer l : ranking.layers()) {
            layer.append(l.name());
            channels.append(l.channels());
        }
        for (RankConfig.Score s : scores(ranking)) {
            Ranking r = ranking.rankedBy(s);
            IntColumn distinct = IntColumn.create(name(s) + " distinct");
            DoubleColumn mode = DoubleColumn.create(name(s) + " at mode");
            for (FeatureMapLayer l : ranking.layers()) {
                distinct.append(r.distinctScores(l.name()));
                mode.append(r.modeShare(l.name()));
            }
            t.addColumns(distinct, mode);
        }
        return t;
    }

    /** Every score the ranking can be viewed by (target flip only when some map flipped an image). */
    private static List<RankConfig.Score> scores(Ranking r) {
        return Arrays.stream(RankConfig.Score.values()).filter(s -> s != RankConfig.Score.TARGET_FLIP || r.targetClass() >= 0).toList();
    }

    /** Per layer, the maps most backdoor-like first, as the ranking orders them. */
    private static Map<String, int[]> orders(Ranking r) {
        Map<String, int[]> out = new LinkedHashMap<>();
        for (FeatureMapLayer l : r.layers()) out.put(l.name(), r.ranked(l.name()).stream().mapToInt(ChannelScore::channel).toArray());
        return out;
    }

    /**
     * Per layer, channels by decreasing value; ties in a seeded random order, or (seed −1) to the
     * lower channel, as {@link Coverage#topPerLayer} defines the top-TAC maps.
     */
    private static Map<String, int[]> orders(Ranking r, Map<String, double[]> values, long tieSeed) {
        Map<String, int[]> out = new LinkedHashMap<>();
        for (FeatureMapLayer l : r.layers()) {
            double[] v = values.get(l.name());
            double[] tie = new double[v.length];
            if (tieSeed >= 0) {
                SplittableRandom rng = new SplittableRandom(tieSeed ^ (0x9E3779B97F4A7C15L * l.name().hashCode()));
                for (int c = 0; c < v.length; c++) tie[c] = rng.nextDouble();
            }
            Integer[] o = new Integer[v.length];
            for (int c = 0; c < v.length; c++) o[c] = c;
            Arrays.sort(o, Comparator.comparingDouble((Integer c) -> -v[c]).thenComparingDouble(c -> -tie[c]).thenComparingInt(c -> c));
            out.put(l.name(), Arrays.stream(o).mapToInt(Integer::intValue).toArray());
        }
        return out;
    }

    private static Map<String, double[]> values(Ranking r, java.util.function.ToDoubleFunction<ChannelScore> f) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (FeatureMapLayer l : r.layers()) out.put(l.name(), r.layer(l.name()).stream().mapToDouble(f).toArray());
        return out;
    }

    /** L2 norm of every output filter of every ranked conv. */
    static Map<String, double[]> filterNorms(ComputationGraph net, List<FeatureMapLayer> layers) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (FeatureMapLayer l : layers) {
            INDArray w = net.getLayer(l.name()).getParam(ConvolutionParamInitializer.WEIGHT_KEY);
            out.put(l.name(), w.dup('c').reshape(w.size(0), -1).norm2(1).toDoubleVector());
        }
        return out;
    }

    /** ⌊ρ·C⌋ per layer, at most C − 1 (as {@link Selector.LayerRatio}). */
    private static Map<String, Integer> sizes(List<FeatureMapLayer> layers, double rho) {
        Map<String, Integer> k = new LinkedHashMap<>();
        for (FeatureMapLayer l : layers) k.put(l.name(), Math.min((int) Math.floor(rho * l.channels() + 1e-9), l.channels() - 1));
        return k;
    }

    /** Σ_l |first k_l of order ∩ first k_l of top| / Σ k_l. */
    static double coverage(Map<String, int[]> order, Map<String, int[]> top, Map<String, Integer> k) {
        int hits = 0;
        int total = 0;
        for (Map.Entry<String, Integer> e : k.entrySet()) {
            int n = e.getValue();
            int[] t = Arrays.copyOf(top.get(e.getKey()), n);
            Arrays.sort(t);
            for (int i = 0; i < n; i++) if (Arrays.binarySearch(t, order.get(e.getKey())[i]) >= 0) hits++;
            total += n;
        }
        return total == 0 ? Double.NaN : (double) hits / total;
    }

    /** Expected coverage of a uniformly random choice of k_l maps per layer: Σ k_l²/C_l / Σ k_l. */
    static double chance(List<FeatureMapLayer> layers, Map<String, Integer> k) {
        double hits = 0;
        int total = 0;
        for (FeatureMapLayer l : layers) {
            int n = k.get(l.name());
            hits += (double) n * n / l.channels();
            total += n;
        }
        return total == 0 ? Double.NaN : hits / total;
    }

    private static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A Tablesaw table as a markdown table (numbers to 3 decimals). */
    static String markdown(Table t) {
        StringBuilder sb = new StringBuilder("| ").append(String.join(" | ", t.columnNames())).append(" |\n|");
        for (int c = 0; c < t.columnCount(); c++) sb.append(t.column(c) instanceof StringColumn ? "---|" : "---:|");
        sb.append('\n');
        for (int r = 0; r < t.rowCount(); r++) {
            sb.append('|');
            for (int c = 0; c < t.columnCount(); c++) {
                Object v = t.column(c).get(r);
                sb.append(' ').append(v instanceof Double d ? String.format(Locale.ROOT, "%.3f", d) : String.valueOf(v)).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
