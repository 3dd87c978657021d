package org.fmplab.model;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;

/** The uniform view of a network's convolution layers that FMP and the pruning defenses work on. */
public final class FeatureMapLayers {
    private FeatureMapLayers() { }

    /** Every plain 2-D convolution of the graph, in topological order, with its consumer BatchNorms. */
    public static List<FeatureMapLayer> of(ComputationGraph net) {
        ComputationGraphConfiguration conf = net.getConfiguration();
        Map<String, List<String>> inputs = conf.getVertexInputs();
        List<FeatureMapLayer> out = new ArrayList<>();
        for (int idx : net.topologicalSortOrder()) {
            String name = net.getVertices()[idx].getVertexName();
            Layer layer = layerConf(conf, name);
            if (KeptOutputConvolution.isPlainConvolution(layer)) {
                ConvolutionLayer c = (ConvolutionLayer) layer;
                Set<String> bns = new LinkedHashSet<>();
                boolean viaSum = collectConsumerBns(conf, inputs, name, bns);
                out.add(new FeatureMapLayer(name, (int) c.getNOut(), new ArrayList<>(bns), c.hasBias(), viaSum));
            }
        }
        return out;
    }

    /** Total number of feature maps over all conv layers. */
    public static int totalChannels(List<FeatureMapLayer> layers) {
        return layers.stream().mapToInt(FeatureMapLayer::channels).sum();
    }

    static Layer layerConf(ComputationGraphConfiguration conf, String name) {
        GraphVertex v = conf.getVertices().get(name);
        return v instanceof LayerVertex lv ? lv.getLayerConf().getLayer() : null;
    }

    /*
     * The BN that normalises a conv's channels: a direct BN child, or else the BN children of the residual
     * add the conv feeds (conv2 and shortcut convs of a pre-activation block). We stop there: further
     * identity hops carry the summed stream, no longer this conv's own channel. Returns true when the
     * conv feeds a residual add (its BNs, if any, normalise the sum).
     */
    private static boolean collectConsumerBns(ComputationGraphConfiguration conf, Map<String, List<String>> inputs,
                                           String from, Set<String> bns) {
        List<String> children = children(inputs, from);
        for (String c : children) {
            if (layerConf(conf, c) instanceof BatchNormalization) bns.add(c);
        }
        if (!bns.isEmpty()) return false;
        boolean viaSum = false;
        for (String c : children) {
            if (conf.getVertices().get(c) instanceof ElementWiseVertex) {
                viaSum = true;
                for (String cc : children(inputs, c)) {
                    if (layerConf(conf, cc) instanceof BatchNormalization) bns.add(cc);
                }
            }
        }
        return viaSum;
    }

    private static List<String> children(Map<String, List<String>> inputs, String from) {
        List<String> out = new ArrayList<>();
        inputs.forEach((child, ins) -> {
            if (ins.contains(from)) out.add(child);
        });
        out.sort(null);
        return out;
    }
}
