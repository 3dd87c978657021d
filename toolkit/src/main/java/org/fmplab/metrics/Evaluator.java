package org.fmplab.metrics;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.data.ImageDataset;
import org.fmplab.model.Inference;

/**
 * Evaluates a model on a clean test set and a backdoor test set (triggered test images labelled with
 * their TRUE class, plus each image's attack target).
 */
public record Evaluator(ImageDataset cleanTest, ImageDataset triggeredTest, int[] targets) {
    public Evaluator {
        if (triggeredTest.size() != targets.length) {
            throw new IllegalArgumentException("targets has " + targets.length + " entries for " + triggeredTest.size() + " triggered images");
        }
        targets = targets.clone();
    }

    public Scores evaluate(ComputationGraph net) {
        double ca = Metrics.accuracy(Inference.predict(net, cleanTest), cleanTest.labels());
        int[] p = Inference.predict(net, triggeredTest);
        int[] truth = triggeredTest.labels();
        return new Scores(ca, Metrics.attackSuccessRate(p, truth, targets), Metrics.robustAccuracy(p, truth, targets));
    }

    /** Confusion matrix on the clean test set. */
    public ConfusionMatrix confusion(ComputationGraph net) {
        return ConfusionMatrix.of(Inference.predict(net, cleanTest), cleanTest.labels(), cleanTest.numClasses());
    }
}
