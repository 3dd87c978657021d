package org.fmplab.model;

import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;

/** A trained network (a new object: the input network is left unchanged) and its loss history. */
public record TrainResult(ComputationGraph model, List<EpochStats> history, double seconds, long images) {
    public TrainResult {
        history = List.copyOf(history);
    }

    /** Images per second over the whole run. */
    public double imagesPerSecond() {
        return seconds > 0 ? images / seconds : Double.NaN;
    }
}
