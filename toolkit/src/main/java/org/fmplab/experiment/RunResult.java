package org.fmplab.experiment;

import java.nio.file.Path;
import java.util.List;
import org.fmplab.defense.api.DefenseResult;
import org.fmplab.fmp.FmpResult;
import org.fmplab.metrics.StageResult;
import org.fmplab.model.TrainResult;
import org.fmplab.render.HtmlRenderable;

/**
 * The outcome of one main-job run: metrics per stage (first "backdoored"), the training record, the
 * defense's result (null when none ran), the full FMP result when the defense was FMP (else null) and
 * where the files went. With FMP, the stages are backdoored, pruned, fine-tuned, random-pruned and
 * random-fine-tuned (the random-pruning control of the same size).
 */
public record RunResult(RunConfig config, List<StageResult> stages, TrainResult training, int poisoned, String poisoning,
                        DefenseResult defense, FmpResult fmp, Path runDir, double seconds) implements HtmlRenderable {
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
