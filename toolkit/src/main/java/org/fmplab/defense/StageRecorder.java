package org.fmplab.defense;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.defense.api.DefenseResult;
import org.fmplab.defense.api.DefenseStage;

/**
 * Collects a defense's stages with their wall time and its report details, then builds the
 * {@link DefenseResult}. A stage's time runs from the previous stage's end (or the recorder's creation).
 */
final class StageRecorder {
    private final String defense;
    private final List<DefenseStage> stages = new ArrayList<>();
    private final Map<String, Object> details = new LinkedHashMap<>();
    private long mark = System.nanoTime();

    StageRecorder(String defense) {
        this.defense = defense;
    }

    /** Records the model after a stage that ran since the last mark. */
    void stage(String name, ComputationGraph model) {
        long now = System.nanoTime();
        stages.add(new DefenseStage(name, model, (now - mark) / 1e9));
        mark = now;
    }

    /** Adds a report detail (null values are skipped). */
    void detail(String key, Object value) {
        if (value != null) details.put(key, value);
    }

    DefenseResult result() {
        return new DefenseResult(defense, stages, details);
    }
}
