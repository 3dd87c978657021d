package org.fmplab.defense;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.data.ImageDataset;
import org.fmplab.data.Subsets;
import org.fmplab.defense.api.DefenderData;
import org.fmplab.defense.api.Defense;
import org.fmplab.defense.api.DefenseResult;
import org.fmplab.metrics.Metrics;
import org.fmplab.model.FeatureMapLayer;
import org.fmplab.model.FeatureMapLayers;
import org.fmplab.model.Inference;
import org.fmplab.params.ParamSet;
import org.fmplab.params.ParamSpec;
import org.fmplab.params.Params;
import org.fmplab.progress.ProgressListener;
import org.fmplab.progress.ProgressTracker;
import org.fmplab.prune.ChannelMask;
import org.fmplab.prune.FineTuning;
import org.fmplab.prune.Pruner;

/**
 * FP, fine-pruning (Liu et al. 2018, BackdoorBench settings): rank the channels of the last conv layer
 * by their mean activation on the defender's clean data, prune them in increasing order while the
 * accuracy on a held-out part of the defender's clean data stays within {@code accuracyDrop} (relative,
 * default 10%) of the unpruned model's, then fine-tune on the whole clean subset.
 *
 * <p>Choices of ours: the "last conv layer" is the last conv whose channels reach an activation layer
 * through their BatchNorm (on PreActResNet-18, whose last conv feeds a residual add and pooling
 * directly, that is {@code s4b2_conv1}); its activation is read after that activation layer. Pruning goes
 * through the shared {@link Pruner} (filter, bias and consumer-BN γ zeroed, so a pruned channel outputs
 * the constant relu(β) instead of 0). Pruned channels stay pruned during fine-tuning ({@code keep-pruned},
 * default true, as in the original where they are removed).
 *
 * <p>Parameters ({@link #PARAMS}): {@code layer} (conv vertex), {@code accuracy-drop} (0.1), {@code held-out}
 * (0.2, share of the clean subset, class-balanced), {@code step} (channels per pruning step, 1), and the
 * shared fine-tuning recipe's {@code epochs}, {@code lr}, {@code batch}, {@code keep-pruned}.
 */
public final class FinePruningDefense implements Defense {
    public static final String NAME = "fp";

    /**
     * @param layer        the conv layer to prune, or null for the default rule
     * @param accuracyDrop allowed relative drop of held-out accuracy, in [0, 1]
     * @param heldOut      share of the defender's data held out for the accuracy check, in (0, 0.9]
     * @param step         channels added per pruning step, ≥ 1
     * @param fineTuning   the fine-tuning after pruning (keep-pruned: pruned channels stay at zero)
     */
    public record Config(String layer, double accuracyDrop, double heldOut, int step, FineTuning fineTuning) {
        public Config {
            if (!(accuracyDrop >= 0 && accuracyDrop <= 1)) throw new IllegalArgumentException("accuracyDrop = " + accuracyDrop + " must be in [0, 1]");
            if (!(heldOut > 0 && heldOut <= 0.9)) throw new IllegalArgumentException("heldOut = " + heldOut + " must be in (0, 0.9]");
            if (step < 1) throw new IllegalArgumentException("step = " + step + " must be >= 1");
            if (fineTuning == null) throw new IllegalArgumentException("fineTuning must not be null");
        }

        public static Config defaults() {
            return new Config(null, 0.1, 0.2, 1, FineTuning.defaults().withKeepPruned(true));
        }
    }

    /**
     * What the pruning search did.
     *
     * @param layer         the pruned conv layer
     * @param activation    the vertex whose activation ranked the channels
     * @param meanActivation per channel, the mean activation on the ranking data
     * @param order          channels in pruning order (increasing mean activation, ties by index)
     * @param accuracies     held-out accuracy after pruning the first k channels of {@code order}, for
     *                       every k tried (k = 0, step, 2·step, …; the last one may violate the bound)
     * @param bound          the accuracy every accepted pruning must reach
     * @param pruned         number of channels pruned (the largest accepted k)
     */
    public record Search(String layer, String activation, double[] meanActivation, int[] order, List<double[]> accuracies,
                         double bound, int pruned) {
        /** The accepted mask's pruned channels. */
        public int[] prunedChannels() {
            return Arrays.copyOf(order, pruned);
        }
    }

    private final Config config;

    public FinePruningDefense(Config config) {
        this.config = config;
    }

    /** FP's parameters: the pruning search, then the shared fine-tuning recipe (pruned channels kept at zero by default). */
    public static final ParamSet PARAMS = ParamSet.of(NAME,
            ParamSpec.text("layer", null, "conv vertex to prune (default: the last conv reaching an activation through its BN)"),
            ParamSpec.real("accuracy-drop", 0.1, 0, 1, "allowed relative drop of held-out clean accuracy"),
            ParamSpec.realAbove("held-out", 0.2, 0, 0.9, "share of the clean subset held out for the accuracy check"),
            ParamSpec.integer("step", 1, 1, 1 << 20, "channels added per pruning step"))
            .plus(FineTuning.params("", Config.defaults().fineTuning(), true));

    /** Registry factory: validates {@code params}. */
    public static FinePruningDefense from(Map<String, ?> params) {
        Params p = PARAMS.read(params);
        Config d = Config.defaults();
        return new FinePruningDefense(p.build(() -> new Config(p.getString("layer"), p.getDouble("accuracy-drop"), p.getDouble("held-out"),
                p.getInt("step"), FineTuning.from(p, "", d.fineTuning()))));
    }

    public Config config() {
        return config;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DefenseResult defend(ComputationGraph backdoored, DefenderData data, ProgressListener listener) {
        StageRecorder rec = new StageRecorder(NAME);
        int[] held = Subsets.classBalanced(data.clean(), config.heldOut(), data.seed());
        ImageDataset heldOut = data.clean().subset(held);
        ImageDataset rankData = data.clean().subset(Subsets.complement(data.clean().size(), held));
        Search s = search(backdoored, rankData.size() > 0 ? rankData : data.clean(), heldOut, listener);
        ChannelMask mask = ChannelMask.none(FeatureMapLayers.of(backdoored)).with(s.layer(), s.prunedChannels());
        ComputationGraph pruned = Pruner.prune(backdoored, mask);
        rec.stage("pruned", pruned);
        rec.stage("fine-tuned", config.fineTuning().fineTune(pruned, data.clean(), mask, data.seed(), listener).model());
        rec.detail("layer", s.layer());
        rec.detail("prunedChannels", s.pruned());
        rec.detail("layerChannels", s.order().length);
        rec.detail("heldOutAccuracyBefore", s.accuracies().get(0)[1]);
        rec.detail("heldOutAccuracyPruned", accuracyAt(s, s.pruned()));
        rec.detail("accuracyBound", s.bound());
        rec.detail("mask", mask.toString());
        return rec.result();
    }

    /**
     * Ranks the layer's channels on {@code rankData} and prunes in increasing activation order while
     * accuracy on {@code heldOut} stays ≥ (1 − accuracyDrop) × the unpruned accuracy.
     */
    public Search search(ComputationGraph net, ImageDataset rankData, ImageDataset heldOut, ProgressListener listener) {
        List<FeatureMapLayer> layers = FeatureMapLayers.of(net);
        FeatureMapLayer layer = layer(net, layers);
        String act = Activations.channelOutput(net, layer.name());
        double[] mean = Activations.channelMeans(net, act, rankData);
        int[] order = IntStream.range(0, mean.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(c -> mean[c]).thenComparingInt(c -> c))
                .mapToInt(Integer::intValue).toArray();
        double base = accuracy(net, heldOut);
        double bound = (1 - config.accuracyDrop()) * base;
        List<double[]> accs = new ArrayList<>();
        accs.add(new double[] {0, base});
        int accepted = 0;
        int max = order.length - 1; // never prune the whole layer
        ProgressTracker tracker = new ProgressTracker(listener, "fine-pruning search", "channel", max);
        for (int k = Math.min(config.step(), max); k <= max && k > accepted; k = Math.min(k + config.step(), max)) {
            ChannelMask m = ChannelMask.none(layers).with(layer.name(), Arrays.copyOf(order, k));
            double acc = accuracy(Pruner.prune(net, m), heldOut);
            accs.add(new double[] {k, acc});
            tracker.step(k - accepted, Map.of("accuracy", acc));
            if (acc < bound) break;
            accepted = k;
        }
        return new Search(layer.name(), act, mean, order, List.copyOf(accs), bound, accepted);
    }

    private FeatureMapLayer layer(ComputationGraph net, List<FeatureMapLayer> layers) {
        if (layers.isEmpty()) throw new IllegalArgumentException(NAME + ": the network has no conv layer to prune");
        if (config.layer() != null) {
            return layers.stream().filter(l -> l.name().equals(config.layer())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(NAME + ": layer = '" + config.layer() + "' is not a conv layer; conv layers: "
                            + layers.stream().map(FeatureMapLayer::name).toList()));
        }
        for (int i = layers.size() - 1; i >= 0; i--) {
            if (Activations.reachesActivation(net, layers.get(i).name())) return layers.get(i);
        }
        return layers.get(layers.size() - 1);
    }

    private static double accuracyAt(Search s, int k) {
        for (double[] a : s.accuracies()) if ((int) a[0] == k) return a[1];
        return Double.NaN;
    }

    static double accuracy(ComputationGraph net, ImageDataset data) {
        return Metrics.accuracy(Inference.predict(net, data), data.labels());
    }
}
