package org.fmplab.defense;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.defense.api.DefenderData;
import org.fmplab.defense.api.Defense;
import org.fmplab.defense.api.DefenseResult;
import org.fmplab.model.BatchTransform;
import org.fmplab.progress.ProgressListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * i-BAU, implicit backdoor adversarial unlearning (Zeng et al. 2022): a minimax over the model θ and one
 * universal perturbation δ. Each round: the inner step finds δ* ({@link UniversalPerturbation}) on the
 * current model; the outer step trains θ for one epoch on the clean subset with δ* added to a share of
 * every batch and the TRUE labels kept. The rounds run as one fine-tuning (shared recipe, one cosine
 * schedule over all rounds) whose epoch callback recomputes δ* for the next round.
 *
 * <p><b>Approximation.</b> The release computes the outer gradient as the implicit hypergradient
 * ∂L/∂θ + Jᵀ·∂L/∂δ (J the Jacobian of δ* with respect to θ) by a fixed-point (Neumann) iteration over the inner update. We drop the
 * implicit term: δ* is treated as a constant of θ (the first-order / Danskin approximation that turns
 * i-BAU into adversarial unlearning with a universal perturbation). Because the release perturbs only
 * 1% of each outer batch and relies on the implicit term, we perturb {@code share} (default 50%)
 * instead. The outer optimiser is the shared SGD recipe rather than the release's Adam (lr 1e-3).
 *
 * <p>Parameters: {@code rounds} (5), {@code share} (0.5), {@code radius} (2.5), {@code innerLr} (0.6),
 * {@code lambda} (0.016), {@code innerBatch} (100), {@code innerSteps} (50), {@code lr} (0.01),
 * {@code batch} (256).
 * One stage, "unlearned"; details: the final δ*'s L2 norm.
 */
public final class IBauDefense implements Defense {
    public static final String NAME = "ibau";

    /**
     * @param rounds     minimax rounds (= outer epochs), in [1, 1000]
     * @param share      share of each outer batch perturbed by δ*, in (0, 1]
     * @param inner      the inner maximisation
     * @param outer      the outer training (its epochs are the rounds)
     */
    public record Config(int rounds, double share, UniversalPerturbation inner, FineTuning outer) {
        public Config {
            if (rounds < 1 || rounds > 1000) throw new IllegalArgumentException("rounds = " + rounds + " must be in [1, 1000]");
            if (!(share > 0 && share <= 1)) throw new IllegalArgumentException("share = " + share + " must be in (0, 1]");
            if (inner == null || outer == null) throw new IllegalArgumentException("inner and outer settings must not be null");
            outer = outer.withEpochs(rounds);
        }
    }

    private final Config config;

    public IBauDefense(Config config) {
        this.config = config;
    }

    /** Registry factory: validates {@code params}. */
    public static IBauDefense from(Map<String, String> params) {
        DefenseParams p = new DefenseParams(NAME, params);
        int rounds = p.intIn("rounds", 5, 1, 1000);
        UniversalPerturbation inner = p.build(() -> new UniversalPerturbation(p.doubleAbove("radius", 2.5, 0, 1e6), p.doubleAbove("innerLr", 0.6, 0, 1e6),
                p.doubleIn("lambda", 0.016, 0, 1e6), p.intIn("innerBatch", 100, 1, 4096), p.intIn("innerSteps", 50, 1, 1_000_000)));
        FineTuning outer = p.build(() -> new FineTuning(rounds, p.doubleAbove("lr", FineTuning.DEFAULT_LR, 0, 1), p.intIn("batch", FineTuning.DEFAULT_BATCH, 1, 4096)));
        Config c = p.build(() -> new Config(rounds, p.doubleAbove("share", 0.5, 0, 1), inner, outer));
        p.rejectUnknown();
        return new IBauDefense(c);
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
        StageRecorder rec = new StageRecorder(NAME);
        AtomicReference<INDArray> delta = new AtomicReference<>(config.inner().find(InputGradient.of(backdoored), data.clean(), data.seed()));
        double share = config.share();
        BatchTransform perturb = (b, rng) -> {
            INDArray x = b.features().dup();
            for (int i = 0; i < x.size(0); i++) {
                if (rng.nextDouble() >= share) continue;
                INDArray img = x.get(NDArrayIndex.interval(i, i + 1));
                img.assign(UniversalPerturbation.apply(img, delta.get()));
            }
            return new BatchTransform.Batch(x, b.labels(), b.indices());
        };
        ComputationGraph out = config.outer().trainer(data.seed(), listener, "i-bau").withBatchTransform(perturb)
                .withEpochCallback((stats, model) -> {
                    if (stats.epoch() < config.rounds()) {
                        delta.set(config.inner().find(InputGradient.of(model), data.clean(), data.seed() + stats.epoch()));
                    }
                })
                .train(backdoored, data.clean()).model();
        rec.stage("unlearned", out);
        rec.detail("rounds", config.rounds());
        rec.detail("perturbationNorm", delta.get().norm2Number().doubleValue());
        return rec.result();
    }
}
