package org.fmplab.defense;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.data.ImageDataset;
import org.fmplab.model.FusedBatchNormRelu;
import org.fmplab.progress.ProgressTracker;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Inference-mode activations of named vertices, and where a conv channel's activation is read. */
final class Activations {
    private static final int BATCH = 256;

    private Activations() { }

    /**
     * The vertex whose output is conv {@code conv}'s channels "as a neuron": follow the unique child
     * through a BatchNorm or a residual add to the first activation layer (or BatchNorm with its ReLU
     * fused, {@link FusedBatchNormRelu}); without one, the last vertex of that chain (e.g. the residual add
     * of a PreActResNet's last block).
     */
    static String channelOutput(ComputationGraph net, String conv) {
        ComputationGraphConfiguration conf = net.getConfiguration();
        String cur = conv;
        while (true) {
            List<String> children = children(conf, cur);
            if (children.size() != 1) return cur;
            String c = children.get(0);
            GraphVertex v = conf.getVertices().get(c);
            if (v instanceof ElementWiseVertex) {
                cur = c;
                continue;
            }
            if (v instanceof LayerVertex lv) {
                var layer = lv.getLayerConf().getLayer();
                if (FusedBatchNormRelu.appliesRelu(layer)) return c;
                if (layer instanceof BatchNormalization) {
                    cur = c;
                    continue;
                }
                if (layer instanceof ActivationLayer) return c;
            }
            return cur;
        }
    }

    /** True if {@link #channelOutput} of {@code conv} is an activation layer (or a BatchNorm with its ReLU fused). */
    static boolean reachesActivation(ComputationGraph net, String conv) {
        GraphVertex v = net.getConfiguration().getVertices().get(channelOutput(net, conv));
        return v instanceof LayerVertex lv && (lv.getLayerConf().getLayer() instanceof ActivationLayer
                || FusedBatchNormRelu.appliesRelu(lv.getLayerConf().getLayer()));
    }

    /** Inference-mode outputs of {@code vertices} for a batch, in that order (detached copies). */
    static INDArray[] forward(ComputationGraph net, INDArray x, List<String> vertices) {
        Map<String, INDArray> all = net.feedForward(x, false);
        INDArray[] out = new INDArray[vertices.size()];
        for (int i = 0; i < out.length; i++) {
            INDArray a = all.get(vertices.get(i));
            if (a == null) throw new IllegalArgumentException("vertex '" + vertices.get(i) + "' has no activation; vertices: " + all.keySet());
            out[i] = a.castTo(DataType.FLOAT).dup();
        }
        return out;
    }

    /** Per-channel mean of {@code vertex}'s output [N,C,H,W] over all images and positions of {@code data}. */
    static double[] channelMeans(ComputationGraph net, String vertex, ImageDataset data) {
        double[] sum = null;
        for (int from = 0; from < data.size(); from += BATCH) {
            int to = Math.min(data.size(), from + BATCH);
            int[] idx = new int[to - from];
            for (int i = 0; i < idx.length; i++) idx[i] = from + i;
            INDArray a = forward(net, data.features(idx), List.of(vertex))[0];
            if (a.rank() != 4) throw new IllegalArgumentException("vertex '" + vertex + "' is not a feature map (rank " + a.rank() + ")");
            double[] s = a.sum(0, 2, 3).castTo(DataType.DOUBLE).toDoubleVector();
            if (sum == null) sum = new double[s.length];
            for (int c = 0; c < s.length; c++) sum[c] += s[c] / (a.size(2) * a.size(3));
            ProgressTracker.checkInterrupted();
        }
        for (int c = 0; c < sum.length; c++) sum[c] /= data.size();
        return sum;
    }

    private static List<String> children(ComputationGraphConfiguration conf, String from) {
        List<String> out = new ArrayList<>();
        conf.getVertexInputs().forEach((child, ins) -> {
            if (ins.contains(from)) out.add(child);
        });
        out.sort(null);
        return out;
    }
}
