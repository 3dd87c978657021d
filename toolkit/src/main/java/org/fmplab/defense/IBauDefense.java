package org.fmplab.defense;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.defense.api.DefenderData;
import org.fmplab.defense.api.Defense;
import org.fmplab.defense.api.DefenseResult;
import org.fmplab.model.BatchTransform;
import org.fmplab.params.ParamSet;
import org.fmplab.params.ParamSpec;
import org.fmplab.params.Params;
import org.fmplab.params.Seeds;
import org.fmplab.progress.ProgressListener;
import org.fmplab.prune.FineTuning;
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
 * <p>Parameters ({@link #PARAMS}): {@code rounds} (5), {@code share} (0.5), {@code radius} (2.5),
 * {@code inner-lr} (0.6), {@code lambda} (0.016), {@code inner-batch} (100), {@code inner-steps} (50), and
 * the shared recipe's {@code lr} (0.01) and {@code batch} (automatic).
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

    /** i-BAU's parameters: the minimax, the inner step, then the shared recipe's {@code lr} and {@code batch} (its epochs are the rounds). */
    public static final ParamSet PARAMS = ParamSet.of(NAME,
            ParamSpec.integer("rounds", 5, 1, 1000, "minimax rounds (= outer epochs)"),
            ParamSpec.realAbove("share", 0.5, 0, 1, "share of each outer batch perturbed by the universal perturbation"),
            ParamSpec.realAbove("radius", 2.5, 0, 1e6, "L2 radius of the universal perturbation"),
            ParamSpec.realAbove("inner-lr", 0.6, 0, 1e6, "inner step's learning rate"),
            ParamSpec.real("lambda", 0.016, 0, 1e6, "inner step's L2 penalty on the perturbation"),
            ParamSpec.integer("inner-batch", 100, 1, 4096, "inner step's batch size"),
            ParamSpec.integer("inner-steps", 50, 1, 1_000_000, "inner step's gradient steps"))
            .plus(FineTuning.optimiserParams(FineTuning.defaults()));

    /** Registry factory: validates {@code params}. */
    public static IBauDefense from(Map<String, ?> params) {
        Params p = PARAMS.read(params);
        int rounds = p.getInt("rounds");
        UniversalPerturbation inner = p.build(() -> new UniversalPerturbation(p.getDouble("radius"), p.getDouble("inner-lr"),
                p.getDouble("lambda"), p.getInt("inner-batch"), p.getInt("inner-steps")));
        FineTuning outer = FineTuning.from(p, "", FineTuning.defaults().withEpochs(rounds));
        return new IBauDefense(p.build(() -> new Config(rounds, p.getDouble("share"), inner, outer)));
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
        ComputationGraph out = config.outer().trainer(data.seed(), data.clean().size(), listener, "i-bau").withBatchTransform(perturb)
                .withEpochCallback((stats, model) -> {
                    if (stats.epoch() < config.rounds()) {
                        delta.set(config.inner().find(InputGradient.of(model), data.clean(), Seeds.round(data.seed(), stats.epoch())));
                    }
                })
                .train(backdoored, data.clean()).model();
        rec.stage("unlearned", out);
        rec.detail("rounds", config.rounds());
        rec.detail("perturbationNorm", delta.get().norm2Number().doubleValue());
        return rec.result();
    }
}
