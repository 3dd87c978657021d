package org.fmplab.model;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.data.ImageDataset;
import org.fmplab.progress.ProgressTracker;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Batched predictions of a network (inference mode: BatchNorm uses its running statistics). */
public final class Inference {
    /** Default evaluation batch size. */
    public static final int BATCH = 256;

    private Inference() { }

    /** Top-1 predicted class of every image of {@code data}. */
    public static int[] predict(ComputationGraph net, ImageDataset data) {
        int[] out = new int[data.size()];
        for (int from = 0; from < data.size(); from += BATCH) {
            int to = Math.min(data.size(), from + BATCH);
            int[] idx = new int[to - from];
            for (int i = 0; i < idx.length; i++) idx[i] = from + i;
            int[] p = predict(net, data.features(idx));
            System.arraycopy(p, 0, out, from, p.length);
            ProgressTracker.checkInterrupted();
        }
        return out;
    }

    /** Top-1 predicted class of each image of a batch [N,C,H,W] in [0,1]. */
    public static int[] predict(ComputationGraph net, INDArray x) {
        INDArray probs = net.outputSingle(false, x);
        return probs.argMax(1).toIntVector();
    }

    /**
     * Logits [N,K] (the output layer's pre-softmax values, as a PyTorch model returns them) of a batch:
     * the output layer's input times its weights plus bias.
     */
    public static INDArray logits(ComputationGraph net, INDArray x) {
        String out = net.getConfiguration().getNetworkOutputs().get(0);
        var outLayer = net.getLayer(out);
        if (!(outLayer.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.BaseOutputLayer)) {
            throw new IllegalArgumentException("vertex '" + out + "' is not an output layer");
        }
        String in = net.getConfiguration().getVertexInputs().get(out).get(0);
        INDArray features = net.feedForward(x, false).get(in);
        INDArray z = features.reshape(features.size(0), -1).mmul(outLayer.getParam("W"));
        INDArray b = outLayer.getParam("b");
        return b == null ? z : z.addiRowVector(b);
    }

    /** Class probabilities [N,K] of a batch. */
    public static INDArray probabilities(ComputationGraph net, INDArray x) {
        return net.outputSingle(false, x);
    }
}
