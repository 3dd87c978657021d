package org.fmplab.defense.api;

import java.util.List;
import java.util.Map;

/**
 * What a defense returns: its stages in order (the last one is the repaired model) and named details
 * for the report (e.g. pruned channel count, anomaly index). Reports add CA/ASR/RA by evaluating each
 * stage's model; the defense itself never sees test data.
 */
public record DefenseResult(String defense, List<DefenseStage> stages, Map<String, Object> details) {
    public DefenseResult {
        if (stages.isEmpty()) throw new IllegalArgumentException("a defense result needs at least one stage");
        stages = List.copyOf(stages);
        details = Map.copyOf(details);
    }

    /** The repaired model's stage (the last one). */
    public DefenseStage last() {
        return stages.get(stages.size() - 1);
    }
}
