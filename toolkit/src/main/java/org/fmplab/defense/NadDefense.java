package org.fmplab.defense;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.defense.api.DefenderData;
import org.fmplab.defense.api.Defense;
import org.fmplab.defense.api.DefenseResult;
import org.fmplab.params.ParamSet;
import org.fmplab.params.ParamSpec;
import org.fmplab.params.Params;
import org.fmplab.params.Seeds;
import org.fmplab.progress.ProgressListener;
import org.fmplab.prune.FineTuning;

/**
 * NAD, neural attention distillation (Li et al. 2021): the teacher is the backdoored model fine-tuned on
 * the clean subset; the student (the backdoored model) is then trained on the clean subset with
 * cross-entropy plus β_l-weighted attention-transfer losses (p = 2) to the teacher on three feature
 * maps ({@link DistillationLoss}, {@link AttentionDistillation}). Stages "teacher" and "distilled".
 *
 * <p>Parameters: {@code betas} ("500,1000,1000", BackdoorBench), {@code p} (2), {@code layers}
 * (vertex names; default: stage outputs 2–4 on PreActResNet-18, the ReLU outputs of conv2–4 on SmallCNN),
 * {@code teacher-epochs} (10), {@code teacher-lr}, {@code teacher-batch}, and the student's
 * {@code epochs} (10; the release uses 20 — ours matches the other baselines' budget), {@code lr},
 * {@code batch} (the shared {@link FineTuning} recipe; {@link #PARAMS}).
 */
public final class NadDefense implements Defense {
    public static final String NAME = "nad";

    /**
     * @param layers  distilled vertices, or null for the default of the network
     * @param betas   one weight per layer, ≥ 0
     * @param p       attention exponent, in [1, 8]
     * @param teacher the teacher's fine-tuning
     * @param student the student's training
     */
    public record Config(List<String> layers, double[] betas, double p, FineTuning teacher, FineTuning student) {
        public Config {
            if (betas == null || betas.length == 0) throw new IllegalArgumentException("betas must name at least one weight");
            for (double b : betas) if (!(b >= 0)) throw new IllegalArgumentException("betas entry " + b + " must be >= 0");
            if (layers != null && layers.size() != betas.length) {
                throw new IllegalArgumentException("layers " + layers + " and betas " + Arrays.toString(betas) + " must have the same length");
            }
            if (!(p >= 1 && p <= 8)) throw new IllegalArgumentException("p = " + p + " must be in [1, 8]");
            if (teacher == null || student == null) throw new IllegalArgumentException("teacher and student training must not be null");
            layers = layers == null ? null : List.copyOf(layers);
            betas = betas.clone();
        }

        public static Config defaults() {
            return new Config(null, new double[] {500, 1000, 1000}, 2, FineTuning.defaults(), FineTuning.defaults());
        }
    }

    private final Config config;

    public NadDefense(Config config) {
        this.config = config;
    }

    /** NAD's parameters: distillation, then the shared recipe twice (the teacher's under "teacher-"). */
    public static final ParamSet PARAMS = ParamSet.of(NAME,
            ParamSpec.names("layers", null, "distilled vertices (default: stage outputs 2-4, the ReLU outputs of conv2-4 on SmallCNN)"),
            ParamSpec.reals("betas", Config.defaults().betas(), 0, 1e9, "attention-loss weight per distilled layer"),
            ParamSpec.real("p", 2, 1, 8, "attention-map exponent"))
            .plus(FineTuning.params("teacher-", Config.defaults().teacher(), false))
            .plus(FineTuning.params("", Config.defaults().student(), false));

    /** Registry factory: validates {@code params}. */
    public static NadDefense from(Map<String, ?> params) {
        Params p = PARAMS.read(params);
        Config d = Config.defaults();
        return new NadDefense(p.build(() -> new Config(p.getNames("layers"), p.getDoubles("betas"), p.getDouble("p"),
                FineTuning.from(p, "teacher-", d.teacher()), FineTuning.from(p, "", d.student()))));
    }

    public Config config() {
        return config;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DefenseResult defend(ComputationGraph backdoored, DefenderData data, ProgressListener listener) {
        List<String> layers = config.layers() != null ? config.layers() : AttentionDistillation.defaultLayers(backdoored);
        if (layers.size() != config.betas().length) {
            throw new IllegalArgumentException(NAME + ": " + layers.size() + " distilled layers " + layers + " but "
                    + config.betas().length + " betas");
        }
        StageRecorder rec = new StageRecorder(NAME);
        ComputationGraph teacher = config.teacher().run(backdoored, data.clean(), data.seed(), listener, "teacher", null, null);
        rec.stage("teacher", teacher);
        AttentionDistillation nad = new AttentionDistillation(layers, config.betas(), config.p());
        rec.stage("distilled", nad.distil(backdoored, teacher, data.clean(), config.student(), Seeds.nadStudent(data.seed()), listener));
        rec.detail("layers", String.join(",", layers));
        rec.detail("betas", Arrays.toString(config.betas()));
        return rec.result();
    }
}
