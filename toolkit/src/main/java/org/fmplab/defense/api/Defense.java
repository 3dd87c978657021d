package org.fmplab.defense.api;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.progress.ProgressListener;

/**
 * A backdoor defense: repairs a model using only the defender's clean data. FMP and every baseline
 * implement it; the input model is never modified.
 */
public interface Defense {
    /** Registry name, e.g. "fmp". */
    String name();

    DefenseResult defend(ComputationGraph backdoored, DefenderData data, ProgressListener listener);
}
