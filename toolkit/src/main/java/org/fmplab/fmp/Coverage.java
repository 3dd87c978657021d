package org.fmplab.fmp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.attack.Attack;
import org.fmplab.data.ImageDataset;
import org.fmplab.data.Subsets;
import org.fmplab.model.FeatureMapLayer;
import org.fmplab.model.FeatureMapLayers;
import org.fmplab.progress.ProgressListener;
import org.fmplab.progress.ProgressTracker;
import org.fmplab.prune.ChannelMask;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The coverage experiment (method spec §2; the definition is ours, the paper's labelling is not
 * published): a feature map's trigger-activated change TAC = mean |a(triggered x) − a(x)| over clean
 * images x (mean over images and spatial positions, a = the conv's output channel). With k = the
 * number of pruned feature maps, the k channels of highest TAC are the "backdoor feature maps", and
 * coverage = |pruned ∩ backdoor| / k. Because TAC scales differ between layers, a per-layer variant
 * (top-k_l TAC of each layer, k_l = pruned in that layer) is reported as well.
 *
 * <p>An analysis tool for researchers: it needs the trigger, so it is never an input to a defense.
 */
public final class Coverage {
    private Coverage() { }

    /**
     * TAC of every feature map, per layer in channel order, and each map's clean standard deviation
     * (over images and positions; empty when not measured).
     */
    public record Tac(List<FeatureMapLayer> layers, Map<String, double[]> values, int images, Map<String, double[]> cleanStd) {
        public Tac {
            layers = List.copyOf(layers);
            values = copy(values);
            cleanStd = copy(cleanStd);
        }

        /** TAC values without the clean standard deviations. */
        public Tac(List<FeatureMapLayer> layers, Map<String, double[]> values, int images) {
            this(layers, values, images, Map.of());
        }

        private static Map<String, double[]> copy(Map<String, double[]> m) {
            Map<String, double[]> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(k, v.clone()));
            return out;
        }

        /**
         * TAC divided by each map's clean standard deviation (a scale-free TAC: the raw one grows with
         * the filter's gain); a map with zero clean spread gets 0.
         */
        public Tac normalisedByCleanStd() {
            if (cleanStd.isEmpty()) throw new IllegalStateException("this TAC was measured without the clean standard deviations");
            Map<String, double[]> out = new LinkedHashMap<>();
            values.forEach((k, v) -> {
                double[] sd = cleanStd.get(k);
                double[] n = new double[v.length];
                for (int c = 0; c < v.length; c++) n[c] = sd[c] > 0 ? v[c] / sd[c] : 0;
                out.put(k, n);
            });
            return new Tac(layers, out, images, cleanStd);
        }

        /** TAC of channel {@code c} of {@code layer}. */
        public double get(String layer, int c) {
            return values.get(layer)[c];
        }
    }

    /**
     * Measures TAC on {@code samples} images drawn (seeded) from {@code clean} (all of them if fewer),
     * triggered with {@code attack}, in batches of 64.
     */
    public static Tac tac(ComputationGraph net, ImageDataset clean, Attack attack, int samples, long seed,
                          ProgressListener listener) {
        if (samples < 1) throw new IllegalArgumentException("samples = " + samples + " must be >= 1");
        int n = Math.min(samples, clean.size());
        int[] idx = Subsets.randomSample(clean.size(), n, seed);
        List<FeatureMapLayer> layers = FeatureMapLayers.of(net);
        ProbeNet probe = ProbeNet.of(net);
        Map<String, double[]> sums = new LinkedHashMap<>();
        Map<String, double[]> mean = new LinkedHashMap<>();
        Map<String, double[]> meanSq = new LinkedHashMap<>();
        for (FeatureMapLayer l : layers) {
            sums.put(l.name(), new double[l.channels()]);
            mean.put(l.name(), new double[l.channels()]);
            meanSq.put(l.name(), new double[l.channels()]);
        }
        ProgressTracker tracker = new ProgressTracker(listener, "tac", "image", n);
        for (int from = 0; from < n; from += 64) {
            int[] part = Arrays.copyOfRange(idx, from, Math.min(n, from + 64));
            INDArray x = clean.features(part);
            ProbeNet.Activations a = probe.forward(x);
            ProbeNet.Activations t = probe.forward(attack.apply(x, part));
            for (FeatureMapLayer l : layers) {
                int node = probe.indexOf(l.name());
                INDArray diff = Transforms.abs(t.value(node).sub(a.value(node)), false);
                double[] perChannel = diff.mean(0, 2, 3).toDoubleVector();
                double[] m1 = a.value(node).mean(0, 2, 3).toDoubleVector();
                double[] m2 = a.value(node).mul(a.value(node)).mean(0, 2, 3).toDoubleVector();
                double[] s = sums.get(l.name());
                double[] sm = mean.get(l.name());
                double[] sq = meanSq.get(l.name());
                for (int c = 0; c < s.length; c++) {
                    s[c] += perChannel[c] * part.length;
                    sm[c] += m1[c] * part.length;
                    sq[c] += m2[c] * part.length;
                }
            }
            tracker.step(part.length, Map.of());
        }
        Map<String, double[]> std = new LinkedHashMap<>();
        for (FeatureMapLayer l : layers) {
            double[] s = sums.get(l.name());
            double[] sm = mean.get(l.name());
            double[] sq = meanSq.get(l.name());
            double[] sd = new double[s.length];
            for (int c = 0; c < s.length; c++) {
                s[c] /= n;
                double m = sm[c] / n;
                sd[c] = Math.sqrt(Math.max(0, sq[c] / n - m * m));
            }
            std.put(l.name(), sd);
        }
        return new Tac(layers, sums, n, std);
    }

    /**
     * Coverage of a pruning by the TAC-defined backdoor feature maps.
     *
     * @param k                number of pruned (= backdoor) feature maps
     * @param coverage         |pruned ∩ top-k TAC overall| / k (NaN when nothing is pruned)
     * @param perLayerCoverage |pruned ∩ top-k_l TAC of each layer| / k
     * @param table            layer, channel, tac, tac rank in layer, backdoor (overall top-k), backdoor
     *                         in layer, pruned, and the FMP accuracy and rank when a ranking was given
     */
    public record Result(int k, double coverage, double perLayerCoverage, Table table) { }

    /** Coverage of {@code pruned}; {@code ranking} (may be null) adds FMP's scores to the table. */
    public static Result of(Tac tac, ChannelMask pruned, Ranking ranking) {
        int k = pruned.total();
        List<String[]> all = new ArrayList<>();
        for (FeatureMapLayer l : tac.layers()) for (int c = 0; c < l.channels(); c++) all.add(new String[] {l.name(), Integer.toString(c)});
        all.sort(Comparator.comparingDouble((String[] e) -> -tac.get(e[0], Integer.parseInt(e[1]))));
        Set<String> backdoor = new HashSet<>();
        for (int i = 0; i < k && i < all.size(); i++) backdoor.add(all.get(i)[0] + "/" + all.get(i)[1]);
        ChannelMask inLayer = topPerLayer(tac, pruned);
        Map<String, int[]> layerRank = new LinkedHashMap<>();
        for (FeatureMapLayer l : tac.layers()) {
            Integer[] order = tacOrder(tac.values().get(l.name()));
            int[] rank = new int[order.length];
            for (int r = 0; r < order.length; r++) rank[order[r]] = r + 1;
            layerRank.put(l.name(), rank);
        }
        int hit = 0;
        int hitLayer = 0;
        StringColumn layer = StringColumn.create("layer");
        IntColumn channel = IntColumn.create("channel");
        DoubleColumn tacCol = DoubleColumn.create("tac");
        IntColumn tacRank = IntColumn.create("tac rank");
        BooleanColumn bd = BooleanColumn.create("backdoor");
        BooleanColumn bdLayer = BooleanColumn.create("backdoor in layer");
        BooleanColumn pr = BooleanColumn.create("pruned");
        DoubleColumn acc = DoubleColumn.create("fmp accuracy");
        IntColumn fmpRank = IntColumn.create("fmp rank");
        for (FeatureMapLayer l : tac.layers()) {
            for (int c = 0; c < l.channels(); c++) {
                String key = l.name() + "/" + c;
                boolean p = pruned.isPruned(l.name(), c);
                if (p && backdoor.contains(key)) hit++;
                if (p && inLayer.isPruned(l.name(), c)) hitLayer++;
                layer.append(l.name());
                channel.append(c);
                tacCol.append(tac.get(l.name(), c));
                tacRank.append(layerRank.get(l.name())[c]);
                bd.append(backdoor.contains(key));
                bdLayer.append(inLayer.isPruned(l.name(), c));
                pr.append(p);
                if (ranking != null) {
                    acc.append(ranking.get(l.name(), c).accuracy());
                    fmpRank.append(ranking.get(l.name(), c).rank());
                }
            }
        }
        Table t = Table.create("TAC coverage", layer, channel, tacCol, tacRank, bd, bdLayer, pr);
        if (ranking != null) t.addColumns(acc, fmpRank);
        double cov = k == 0 ? Double.NaN : (double) hit / k;
        double covLayer = k == 0 ? Double.NaN : (double) hitLayer / k;
        return new Result(k, cov, covLayer, t);
    }

    /**
     * The TAC oracle of a pruning size: in every layer, its {@code sizes.count(layer)} maps with the
     * largest TAC (ties to the lower channel). It uses the trigger, so it is an analysis — the best any
     * ranking could prune at that size — never a defense.
     */
    public static ChannelMask topPerLayer(Tac tac, ChannelMask sizes) {
        Map<String, List<Integer>> top = new LinkedHashMap<>();
        for (FeatureMapLayer l : tac.layers()) {
            Integer[] order = tacOrder(tac.values().get(l.name()));
            top.put(l.name(), Arrays.asList(order).subList(0, sizes.count(l.name())));
        }
        return ChannelMask.of(tac.layers(), top);
    }

    /** Channel indices by decreasing TAC, ties to the lower index. */
    private static Integer[] tacOrder(double[] v) {
        Integer[] order = new Integer[v.length];
        for (int c = 0; c < v.length; c++) order[c] = c;
        Arrays.sort(order, Comparator.comparingDouble((Integer c) -> -v[c]).thenComparingInt(c -> c));
        return order;
    }
}
