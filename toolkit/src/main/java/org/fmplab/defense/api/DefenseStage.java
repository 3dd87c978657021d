package org.fmplab.defense.api;

import org.deeplearning4j.nn.graph.ComputationGraph;

/** The model after one stage of a defense (e.g. "pruned", "fine-tuned") and the stage's wall time. */
public record DefenseStage(String name, ComputationGraph model, double seconds) { }
