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

    /** Class probabilities [N,K] of a batch. */
    public static INDArray probabilities(ComputationGraph net, INDArray x) {
        return net.outputSingle(false, x);
    }
}
