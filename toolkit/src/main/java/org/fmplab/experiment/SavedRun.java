package org.fmplab.experiment;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.defense.api.DefenderData;
import org.fmplab.metrics.Evaluator;
import org.fmplab.metrics.Scores;
import org.fmplab.model.ModelIO;

/**
 * A finished run reopened from its folder (for benchmarks that try settings on one saved model): the data
 * rebuilt exactly as the run drew it (from the configuration in its results.json: seed, defender share,
 * attack and the rest), the saved backdoored model, and the defender's view that the run's defense got.
 */
public record SavedRun(RunConfig config, Pipeline.Data data, ComputationGraph model, DefenderData defender) {
    /**
     * Reopens {@code run}, a folder written by {@code ./fmplab run}.
     *
     * @throws IllegalArgumentException if the folder has no results.json or no saved backdoored model
     */
    public static SavedRun open(Path run) {
        RunConfig config = config(run);
        Pipeline.Data data = new Pipeline(config, null).prepareData();
        return new SavedRun(config, data, ModelIO.load(run.resolve("model-backdoored")).model(),
                new DefenderData(data.defenderClean(), Pipeline.defenseSeed(config)));
    }

    /**
     * The backdoored model of {@code config} from the artifact store at {@code store} (a study's store, or
     * the model cache), with its data and defender's view rebuilt as a study or run draws them.
     *
     * @throws IllegalArgumentException if the store holds no model for these settings
     */
    public static SavedRun fromStore(Path store, RunConfig config) {
        ModelCache cache = new ModelCache(store);
        if (!cache.contains(config)) {
            throw new IllegalArgumentException("no backdoored model for these settings in " + store + " (looked for "
                    + cache.dir(config) + "): run the study or the notebook that trains it first");
        }
        Pipeline.Data data = new Pipeline(config, null).prepareData();
        return new SavedRun(config, data, cache.get(config).orElseThrow().model(),
                new DefenderData(data.defenderClean(), Pipeline.defenseSeed(config)));
    }

    /** The configuration a run folder was made with (the {@code config} object of its results.json). */
    public static RunConfig config(Path run) {
        Path results = run.resolve("results.json");
        if (!Files.isRegularFile(results) || !Files.isDirectory(run.resolve("model-backdoored"))) {
            throw new IllegalArgumentException(run + " is not a finished run folder (results.json and model-backdoored/ "
                    + "are written by ./fmplab run)");
        }
        try {
            Map<String, Object> json = new ObjectMapper().readValue(results.toFile(), new TypeReference<Map<String, Object>>() { });
            if (!(json.get("config") instanceof Map<?, ?> c)) throw new IllegalArgumentException(results + " has no 'config' object");
            @SuppressWarnings("unchecked")
            Map<String, ?> cm = (Map<String, ?>) c;
            return RunConfig.fromMap(cm, run.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new IllegalArgumentException(results + " cannot be read as JSON: " + e.getMessage(), e);
        }
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
