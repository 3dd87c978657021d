package org.fmplab.defense;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.defense.api.DefenderData;
import org.fmplab.defense.api.Defense;
import org.fmplab.defense.api.DefenseResult;
import org.fmplab.model.FeatureMapLayer;
import org.fmplab.model.FeatureMapLayers;
import org.fmplab.params.ParamSet;
import org.fmplab.params.ParamSpec;
import org.fmplab.params.Params;
import org.fmplab.progress.ProgressListener;
import org.fmplab.prune.ChannelMask;
import org.fmplab.prune.Pruner;

/**
 * CLP, channel Lipschitzness-based pruning (Zheng et al. 2022), data-free: in every conv layer with a
 * consumer BatchNorm, prune the channels whose {@link ChannelLipschitz upper bound} exceeds
 * mean + u·std of that layer's bounds (std with n − 1, as torch.std). Convs without a consumer BN (on
 * PreActResNet-18 the last block's conv2) are skipped, as in the released code. The defender's data is
 * not used. One stage, "pruned". Parameter: {@code u} (3).
 *
 * <p>Difference from the release: pruning goes through the shared {@link Pruner}, which zeroes the
 * filter and the BN's γ but keeps β (the released code also zeroes β), and layers are paired with
 * their BN through the graph rather than module order.
 */
public final class ClpDefense implements Defense {
    public static final String NAME = "clp";
    private final double u;

    /** @param u threshold in standard deviations, in [0, 100] */
    public ClpDefense(double u) {
        if (!(u >= 0 && u <= 100)) throw new IllegalArgumentException("u = " + u + " must be in [0, 100]");
        this.u = u;
    }

    /** CLP's one parameter (data-free: it prunes without fine-tuning). */
    public static final ParamSet PARAMS = ParamSet.of(NAME,
            ParamSpec.real("u", 3, 0, 100, "prune channels whose bound exceeds mean + u std of their layer"));

    /** Registry factory: validates {@code params}. */
    public static ClpDefense from(Map<String, ?> params) {
        Params p = PARAMS.read(params);
        return p.build(() -> new ClpDefense(p.getDouble("u")));
    }

    public double u() {
        return u;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DefenseResult defend(ComputationGraph backdoored, DefenderData data, ProgressListener listener) {
        StageRecorder rec = new StageRecorder(NAME);
        ChannelMask mask = mask(backdoored);
        rec.stage("pruned", Pruner.prune(backdoored, mask));
        rec.detail("u", u);
        rec.detail("prunedChannels", mask.total());
        rec.detail("mask", mask.toString());
        return rec.result();
    }

    /** The channels CLP prunes in {@code net}. */
    public ChannelMask mask(ComputationGraph net) {
        List<FeatureMapLayer> layers = FeatureMapLayers.of(net);
        Map<String, List<Integer>> selected = new LinkedHashMap<>();
        for (FeatureMapLayer l : layers) {
            if (l.consumerBns().isEmpty()) continue;
            selected.put(l.name(), select(ChannelLipschitz.upperBounds(net, l), u));
        }
        return ChannelMask.of(layers, selected);
    }

    /** Indices whose value exceeds mean + u·std (sample std, n − 1) of {@code bounds}. */
    public static List<Integer> select(double[] bounds, double u) {
        int n = bounds.length;
        List<Integer> out = new ArrayList<>();
        if (n < 2) return out;
        double mean = 0;
        for (double b : bounds) mean += b;
        mean /= n;
        double ss = 0;
        for (double b : bounds) ss += (b - mean) * (b - mean);
        double threshold = mean + u * Math.sqrt(ss / (n - 1));
        for (int i = 0; i < n; i++) if (bounds[i] > threshold) out.add(i);
        return out;
    }
}
