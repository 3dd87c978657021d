package org.fmplab.experiment;

import java.nio.file.Path;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.defense.api.DefenderData;
import org.fmplab.metrics.Evaluator;
import org.fmplab.metrics.Scores;
import org.fmplab.model.ModelIO;

/**
 * A finished default run reopened from its folder (for benchmarks that try settings on one saved model):
 * the data rebuilt exactly as the run drew it (default configuration, the folder's name), the saved
 * backdoored model, and the defender's view that the run's defense got.
 */
public record SavedRun(Pipeline.Data data, ComputationGraph model, DefenderData defender) {
    /** Reopens {@code run} (a folder written by {@code ./fmplab run} with the default configuration). */
    public static SavedRun open(Path run) {
        RunConfig config = RunConfig.defaults().withName(run.getFileName().toString()).withOutDir(run.getParent());
        Pipeline.Data data = new Pipeline(config, null).prepareData();
        return new SavedRun(data, ModelIO.load(run.resolve("model-backdoored")).model(),
                new DefenderData(data.defenderClean(), config.seed() + 5));
    }

    /** Test-set CA / ASR / RA of any model. */
    public Evaluator evaluator() {
        return data.evaluator();
    }

    /** One line: the backdoored model's test-set scores and the defender's subset size. */
    public String summary() {
        Scores s = evaluator().evaluate(model);
        return String.format(Locale.ROOT, "backdoored: CA %.4f ASR %.4f RA %.4f (defender %d images)", s.ca(), s.asr(), s.ra(),
                data.defenderClean().size());
    }
}
