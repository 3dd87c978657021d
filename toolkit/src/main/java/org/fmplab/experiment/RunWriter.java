package org.fmplab.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.fmplab.data.Subsets;
import org.fmplab.defense.api.DefenseResult;
import org.fmplab.fmp.FmpPlots;
import org.fmplab.metrics.StageResult;
import org.fmplab.model.EpochStats;
import org.fmplab.model.ModelIO;
import org.fmplab.viz.Charts;
import org.fmplab.viz.ImageGrid;
import org.fmplab.viz.Png;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Writes a run folder: {@code results.json} (the stable contract read by notebooks, tests and the
 * comparison: config, seed, and {@code stages} of {name, ca, asr, ra, der, seconds}), {@code report.md},
 * PNG plots and the models in {@link ModelIO}'s format.
 */
public final class RunWriter {
    /** Version of the results.json layout. */
    public static final int RESULTS_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Path dir;

    public RunWriter(Path dir) {
        this.dir = dir;
    }

    public void write(RunResult r, Pipeline.Data data) {
        try {
            Files.createDirectories(dir);
            Png.write(Charts.trainingCurve("Backdoor training (" + r.config().attack() + ")", r.training().history()), dir.resolve("training-curve.png"));
            Png.write(samplesGrid(data), dir.resolve("poisoned-samples.png"));
            Png.write(Charts.stages("CA / ASR / RA by stage", r.stages()), dir.resolve("stages.png"));
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("config", r.config().toMap());
            meta.put("stage", "backdoored");
            ModelIO.save(r.training().model(), dir.resolve("model-backdoored"), meta);
            if (r.defense() != null) {
                meta.put("stage", r.defense().last().name());
                ModelIO.save(r.defense().last().model(), dir.resolve("model-defended"), meta);
            }
            if (r.fmp() != null) {
                r.fmp().ranking().table(r.fmp().mask()).write().csv(dir.resolve("ranking.csv").toFile());
                Png.write(FmpPlots.layerScores(r.fmp().ranking(), r.fmp().mask()), dir.resolve("fmp-ranking.png"));
                if (r.fmp().search() != null) r.fmp().search().table().write().csv(dir.resolve("size-search.csv").toFile());
            }
            Files.write(dir.resolve("results.json"), JSON.writeValueAsBytes(results(r)));
            Files.writeString(dir.resolve("report.md"), markdown(r), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write run folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The results.json content. */
    static Map<String, Object> results(RunResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", RESULTS_VERSION);
        m.put("config", r.config().toMap());
        m.put("seed", r.config().seed());
        List<Map<String, Object>> stages = new ArrayList<>();
        for (StageResult s : r.stages()) {
            Map<String, Object> st = new LinkedHashMap<>();
            st.put("name", s.name());
            st.put("ca", s.ca());
            st.put("asr", s.asr());
            st.put("ra", s.ra());
            st.put("der", Double.isNaN(s.der()) ? null : s.der());
            st.put("seconds", s.seconds());
            stages.add(st);
        }
        m.put("stages", stages);
        m.put("poisoned", r.poisoned());
        m.put("poisoning", r.poisoning());
        List<Map<String, Object>> hist = new ArrayList<>();
        for (EpochStats e : r.training().history()) {
            hist.add(Map.of("epoch", e.epoch(), "loss", e.loss(), "learningRate", e.learningRate(), "seconds", e.seconds()));
        }
        m.put("training", Map.of("history", hist, "seconds", r.training().seconds(), "imagesPerSecond", r.training().imagesPerSecond()));
        if (r.defense() != null) m.put("defense", defenseSummary(r.defense()));
        m.put("seconds", r.seconds());
        m.put("java", System.getProperty("java.version"));
        m.put("deeplearning4j", "1.0.0-M2.1");
        return m;
    }

    private static Map<String, Object> defenseSummary(DefenseResult d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", d.defense());
        Map<String, Object> details = new LinkedHashMap<>();
        // Only plain values go to JSON; tables and images are written as files by the defense's own report.
        d.details().forEach((k, v) -> {
            if (v instanceof Number || v instanceof String || v instanceof Boolean) details.put(k, v);
        });
        m.put("details", details);
        return m;
    }

    static String markdown(RunResult r) {
        RunConfig c = r.config();
        StringBuilder sb = new StringBuilder();
        sb.append("# FMP Lab run `").append(c.name()).append("`\n\n");
        sb.append(String.format(Locale.ROOT, "%s, %s (width %d), attack **%s** %s, %.0f%% poisoned (%s), target %d, %d epochs, seed %d. Defense: **%s** (defender subset %.0f%% of the training set).%n%n",
                c.dataset(), c.architecture(), c.effectiveWidth(), c.attack(), c.attackParams().isEmpty() ? "" : c.attackParams(),
                100 * c.poisonRate(), r.poisoning(), c.target(), c.epochs(), c.seed(), c.defense(), 100 * c.defenderFraction()));
        sb.append(Reports.stagesMarkdown(r.stages())).append('\n');
        sb.append("CA: clean test accuracy. ASR: triggered non-target test images classified as the target. RA: the same images classified as their true class. DER: BackdoorBench's defense effectiveness rating against the backdoored model.\n\n");
        sb.append(String.format(Locale.ROOT, "Training: %.1f s (%.0f images/s). Whole run: %.1f s.%n%n", r.training().seconds(), r.training().imagesPerSecond(), r.seconds()));
        if (r.defense() != null && !r.defense().details().isEmpty()) {
            sb.append("## Defense details\n\n");
            r.defense().details().forEach((k, v) -> {
                if (v instanceof Number || v instanceof String || v instanceof Boolean) sb.append("- ").append(k).append(": ").append(v).append('\n');
            });
            sb.append('\n');
        }
        if (r.fmp() != null) {
            sb.append("## FMP\n\n");
            sb.append(String.format(Locale.ROOT, "Ranked %d feature maps in %.1f s; pruned %d (%s). Stages `random-*` prune as many channels per layer at random and fine-tune the same way: the control that shows whether the ranking beats chance.%n%n",
                    r.fmp().ranking().size(), r.fmp().rankSeconds(), r.fmp().mask().total(), r.fmp().mask().countsPerLayer()));
            if (r.fmp().search() != null) {
                sb.append(String.format(Locale.ROOT, "Pruning size chosen on the defender's clean data only (held-out accuracy after a short fine-tune): ratio %.3f. Trials: see `size-search.csv`.%n%n", r.fmp().search().chosenRatio()));
            }
            sb.append("Full ranking: `ranking.csv`.\n\n![FMP ranking](fmp-ranking.png)\n\n");
        }
        sb.append("![training curve](training-curve.png)\n\n![poisoned samples](poisoned-samples.png)\n\n![stages](stages.png)\n");
        return sb.toString();
    }

    // Top row: clean training images; bottom row: the same images poisoned (for on-the-fly attacks, as a
    // training batch would poison them).
    private static java.awt.image.BufferedImage samplesGrid(Pipeline.Data data) {
        boolean onTheFly = data.poisoned().onTheFly();
        int[] poison = onTheFly ? data.poisoner().eligibleIndices(data.train()) : data.poisoned().poisonIndices();
        int k = Math.min(8, poison.length);
        int[] pick = new int[k];
        int[] order = Subsets.shuffled(poison.length, 7);
        for (int i = 0; i < k; i++) pick[i] = poison[order[i]];
        INDArray clean = data.train().features(pick);
        INDArray dirty = onTheFly ? data.poisoner().attack().apply(clean, pick) : data.poisoned().dataset().features(pick);
        return ImageGrid.of(Nd4j.concat(0, clean, dirty), k, 3);
    }
}
