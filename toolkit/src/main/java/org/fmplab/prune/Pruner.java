package org.fmplab.prune;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.fmplab.model.FeatureMapLayer;
import org.fmplab.model.FeatureMapLayers;
import org.fmplab.model.Trainer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The one pruning mechanism of the toolkit (FMP and the pruning baselines share it). Pruning feature
 * map j of a conv layer zeroes output filter j of the conv (and its bias) AND the scale γ_j of every
 * BatchNorm that consumes that channel, found through the graph ({@link FeatureMapLayer#consumerBns()}:
 * directly or through residual adds, shortcut convs included), never by layer order. A pruned
 * channel's post-BN output is then the constant β_j.
 *
 * <p>Zeroing uses broadcast multiplication with a 0/1 channel vector (slicing DL4J parameter views by
 * channel is unreliable for larger channel indices). Fine-tuning lets pruned weights regrow unless the
 * {@link #keepPruned(ChannelMask) mask hook} is given to the {@link Trainer}.
 */
public final class Pruner {
    private Pruner() { }

    /** A pruned copy of {@code net}; {@code net} itself is left unchanged. */
    public static ComputationGraph prune(ComputationGraph net, ChannelMask mask) {
        ComputationGraph copy = net.clone();
        applyInPlace(copy, mask);
        return copy;
    }

    /**
     * Zeroes the masked filters, biases and consumer-BN scales of {@code net} itself.
     *
     * @throws IllegalArgumentException if the mask's layers are not the network's feature-map layers,
     *                                  or a consumer BatchNorm has no trainable γ (lockGammaBeta)
     */
    public static void applyInPlace(ComputationGraph net, ChannelMask mask) {
        for (Target t : targets(net, mask)) t.apply();
    }

    /**
     * A training step hook that re-applies {@code mask} after every optimiser step, so pruned channels
     * stay at zero through fine-tuning: {@code trainer.withStepHook(Pruner.keepPruned(mask))}.
     */
    public static Trainer.StepHook keepPruned(ChannelMask mask) {
        return new Trainer.StepHook() {
            private ComputationGraph bound;
            private List<Target> cached;

            @Override
            public void afterStep(ComputationGraph model) {
                // The trainer trains one network; resolve the parameter views once per network.
                if (model != bound) {
                    cached = targets(model, mask);
                    bound = model;
                }
                for (Target t : cached) t.apply();
            }
        };
    }

    /** The parameter views a mask zeroes, each with its 0/1 keep vector. */
    private static List<Target> targets(ComputationGraph net, ChannelMask mask) {
        checkLayers(net, mask);
        List<Target> out = new ArrayList<>();
        for (FeatureMapLayer l : mask.layers()) {
            if (mask.count(l.name()) == 0) continue;
            float[] keep = mask.keep(l.name());
            Layer conv = net.getLayer(l.name());
            out.add(new Target(conv.getParam(ConvolutionParamInitializer.WEIGHT_KEY), keep, 0));
            if (l.hasBias()) out.add(new Target(conv.getParam(ConvolutionParamInitializer.BIAS_KEY), keep, -1));
            for (String bn : l.consumerBns()) {
                INDArray gamma = net.getLayer(bn).getParam(BatchNormalizationParamInitializer.GAMMA);
                if (gamma == null) {
                    throw new IllegalArgumentException("BatchNorm '" + bn + "' consuming '" + l.name()
                            + "' has no trainable gamma (lockGammaBeta); it cannot be pruned");
                }
                out.add(new Target(gamma, keep, -1));
            }
        }
        return out;
    }

    private static void checkLayers(ComputationGraph net, ChannelMask mask) {
        Map<String, Integer> netLayers = new LinkedHashMap<>();
        for (FeatureMapLayer l : FeatureMapLayers.of(net)) netLayers.put(l.name(), l.channels());
        for (FeatureMapLayer l : mask.layers()) {
            Integer c = netLayers.get(l.name());
            if (c == null || c != l.channels()) {
                throw new IllegalArgumentException("mask layer '" + l.name() + "' (" + l.channels()
                        + " channels) does not match the network's feature-map layers " + netLayers);
            }
        }
    }

    /**
     * One parameter array to multiply by a channel keep vector: along dimension 0 for conv weights
     * [out, in, kH, kW]; for bias and γ vectors ({@code dim = -1}) elementwise over the flattened view.
     */
    private record Target(INDArray param, INDArray keep, int dim) {
        Target(INDArray param, float[] keep, int dim) {
            this(param, Nd4j.createFromArray(keep).castTo(param.dataType()), dim);
        }

        void apply() {
            if (dim >= 0) {
                Nd4j.getExecutioner().exec(new BroadcastMulOp(param, keep, param, dim));
            } else {
                param.muli(keep.reshape(param.shape()));
            }
        }
    }
}
