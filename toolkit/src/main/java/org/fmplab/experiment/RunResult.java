package org.fmplab.experiment;

import java.nio.file.Path;
import java.util.List;
import org.fmplab.metrics.StageResult;
import org.fmplab.model.TrainResult;
import org.fmplab.viz.HtmlRenderable;
import org.fmplab.defense.api.DefenseResult;

/**
 * The outcome of one main-job run: metrics per stage (first "backdoored"), the training record, the
 * defense's result (null when none ran) and where the files went.
 */
public record RunResult(RunConfig config, List<StageResult> stages, TrainResult training, int poisoned,
                        DefenseResult defense, Path runDir, double seconds) implements HtmlRenderable {
    public RunResult {
        stages = List.copyOf(stages);
    }

    /** The stage named {@code name}. */
    public StageResult stage(String name) {
        return stages.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no stage '" + name + "'; stages: " + stages.stream().map(StageResult::name).toList()));
    }

    @Override
    public String toHtml() {
        return Reports.stagesHtml(stages);
    }
}
