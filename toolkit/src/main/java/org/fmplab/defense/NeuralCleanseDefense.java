package org.fmplab.defense;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
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
import org.fmplab.progress.ProgressTracker;
import org.fmplab.prune.FineTuning;
import org.fmplab.viz.ImageGrid;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * NC, Neural Cleanse (Wang et al. 2019): reverse-engineer a minimal trigger for every class
 * ({@link TriggerReverser}), flag classes whose mask norm is a low outlier ({@link AnomalyIndex}, index
 * &gt; 2), and unlearn: fine-tune on the clean subset with the recovered trigger of a flagged class
 * stamped on a share of each batch (default 20%), labels kept. If no class is flagged the model is
 * returned unchanged (stage "not-flagged"), as the method prescribes. Stages "unlearned" (or
 * "not-flagged").
 *
 * <p>Report details: {@code anomalyIndex} (largest index among below-median classes), {@code flagged},
 * per-class {@code maskNorms}, and the images {@code recoveredMasks} and {@code recoveredTriggers}
 * (one tile per class, m and m·p) as {@link BufferedImage}s.
 *
 * <p>Parameters ({@link #PARAMS}): {@code steps} (300 optimiser steps per class at most), {@code batch} (32),
 * {@code lr} (0.1), {@code init-cost} (1e-3), {@code round-steps} (10), {@code patience} (5),
 * {@code success-threshold} (0.99), {@code anomaly-threshold} (2), {@code share} (0.2), and the
 * unlearning's shared recipe {@code unlearn-epochs}, {@code unlearn-lr}, {@code unlearn-batch}.
 */
public final class NeuralCleanseDefense implements Defense {
    public static final String NAME = "nc";

    /**
     * @param reverse          the reverse-engineering settings
     * @param anomalyThreshold anomaly index above which a below-median class is flagged, > 0
     * @param share            share of each unlearning batch that gets the trigger, in (0, 1]
     * @param unlearning       the unlearning fine-tune
     */
    public record Config(TriggerReverser.Config reverse, double anomalyThreshold, double share, FineTuning unlearning) {
        public Config {
            if (reverse == null || unlearning == null) throw new IllegalArgumentException("reverse and unlearning settings must not be null");
            if (!(anomalyThreshold > 0)) throw new IllegalArgumentException("anomalyThreshold = " + anomalyThreshold + " must be > 0");
            if (!(share > 0 && share <= 1)) throw new IllegalArgumentException("share = " + share + " must be in (0, 1]");
        }
    }

    private final Config config;

    public NeuralCleanseDefense(Config config) {
        this.config = config;
    }

    /**
     * NC's parameters: reverse engineering, detection, then the shared recipe for the unlearning under
     * "unlearn-" ({@code lr} and {@code batch} are the reverse engineering's own).
     */
    public static final ParamSet PARAMS = ParamSet.of(NAME,
            ParamSpec.integer("steps", 300, 1, 1_000_000, "optimiser steps per class at most"),
            ParamSpec.integer("batch", 32, 1, 4096, "reverse-engineering batch size"),
            ParamSpec.realAbove("lr", 0.1, 0, 10, "reverse-engineering learning rate (Adam)"),
            ParamSpec.realAbove("init-cost", 1e-3, 0, 1e6, "initial weight of the mask-norm term"),
            ParamSpec.integer("round-steps", 10, 1, 100_000, "steps between cost adjustments"),
            ParamSpec.integer("patience", 5, 1, 10_000, "rounds before the cost changes"),
            ParamSpec.realAbove("success-threshold", 0.99, 0, 1, "attack success that counts as a found trigger"),
            ParamSpec.realAbove("anomaly-threshold", 2, 0, 1e6, "anomaly index above which a class is flagged"),
            ParamSpec.realAbove("share", 0.2, 0, 1, "share of each unlearning batch stamped with the trigger"))
            .plus(FineTuning.params("unlearn-", FineTuning.defaults(), false));

    /** Registry factory: validates {@code params}. */
    public static NeuralCleanseDefense from(Map<String, ?> params) {
        Params p = PARAMS.read(params);
        TriggerReverser.Config r = p.build(() -> new TriggerReverser.Config(p.getInt("steps"), p.getInt("batch"), p.getDouble("lr"),
                p.getDouble("init-cost"), p.getInt("round-steps"), p.getInt("patience"), p.getDouble("success-threshold")));
        FineTuning u = FineTuning.from(p, "unlearn-", FineTuning.defaults());
        return new NeuralCleanseDefense(p.build(() -> new Config(r, p.getDouble("anomaly-threshold"), p.getDouble("share"), u)));
    }

    public Config config() {
        return config;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** What detection found: one trigger per class, their anomaly indices and the flagged classes. */
    public record Detection(List<TriggerReverser.Trigger> triggers, double[] norms, double[] anomaly, List<Integer> flagged) {
        /** Largest anomaly index among classes whose norm is below the median (NC's reported index). */
        public double anomalyIndex() {
            double med = AnomalyIndex.median(norms);
            double max = 0;
            for (int i = 0; i < norms.length; i++) if (norms[i] < med) max = Math.max(max, anomaly[i]);
            return max;
        }

        /** The class with the smallest mask norm. */
        public int smallestNormClass() {
            int best = 0;
            for (int i = 1; i < norms.length; i++) if (norms[i] < norms[best]) best = i;
            return best;
        }

        /** The recovered masks, one tile per class. */
        public BufferedImage masksImage() {
            return ImageGrid.of(Nd4j.concat(0, triggers.stream().map(TriggerReverser.Trigger::mask).toArray(INDArray[]::new)), triggers.size(), 3);
        }

        /** The recovered triggers m·p, one tile per class. */
        public BufferedImage triggersImage() {
            return ImageGrid.of(Nd4j.concat(0, triggers.stream().map(t -> t.mask().mul(t.pattern())).toArray(INDArray[]::new)), triggers.size(), 3);
        }
    }

    /** Reverse-engineers every class's trigger and runs the outlier test. */
    public Detection detect(ComputationGraph net, DefenderData data, ProgressListener listener) {
        InputGradient ig = InputGradient.of(net);
        int k = data.clean().numClasses();
        ProgressTracker tracker = new ProgressTracker(listener, "neural-cleanse", "step", (long) k * config.reverse().steps());
        TriggerReverser rev = new TriggerReverser(config.reverse());
        List<TriggerReverser.Trigger> triggers = new ArrayList<>();
        double[] norms = new double[k];
        for (int c = 0; c < k; c++) {
            TriggerReverser.Trigger t = rev.reverse(ig, data.clean(), c, Seeds.perClass(data.seed(), c), tracker);
            triggers.add(t);
            norms[c] = t.norm();
        }
        return new Detection(triggers, norms, AnomalyIndex.of(norms), AnomalyIndex.flagged(norms, config.anomalyThreshold()));
    }

    @Override
    public DefenseResult defend(ComputationGraph backdoored, DefenderData data, ProgressListener listener) {
        return unlearn(backdoored, detect(backdoored, data, listener), data, listener);
    }

    /** The second half of {@link #defend}: report {@code d} and unlearn its flagged triggers (if any). */
    public DefenseResult unlearn(ComputationGraph backdoored, Detection d, DefenderData data, ProgressListener listener) {
        StageRecorder rec = new StageRecorder(NAME);
        rec.detail("anomalyIndex", d.anomalyIndex());
        rec.detail("flagged", d.flagged().stream().map(String::valueOf).collect(Collectors.joining(",")));
        rec.detail("smallestNormClass", d.smallestNormClass());
        StringBuilder norms = new StringBuilder();
        for (double n : d.norms()) norms.append(norms.length() == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.1f", n));
        rec.detail("maskNorms", norms.toString());
        rec.detail("recoveredMasks", d.masksImage());
        rec.detail("recoveredTriggers", d.triggersImage());
        if (d.flagged().isEmpty()) {
            rec.stage("not-flagged", backdoored.clone());
            return rec.result();
        }
        List<TriggerReverser.Trigger> flagged = d.flagged().stream().map(d.triggers()::get).toList();
        rec.stage("unlearned", config.unlearning().run(backdoored, data.clean(), data.seed(), listener, "unlearn",
                stamp(flagged, config.share()), null));
        return rec.result();
    }

    /** Stamps a random flagged trigger on a {@code share} of each batch; labels are kept. */
    static BatchTransform stamp(List<TriggerReverser.Trigger> triggers, double share) {
        return (b, rng) -> {
            INDArray x = b.features().dup();
            long n = x.size(0);
            for (int i = 0; i < n; i++) {
                if (rng.nextDouble() >= share) continue;
                TriggerReverser.Trigger t = triggers.get(rng.nextInt(triggers.size()));
                INDArray img = x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(i, i + 1));
                img.assign(t.apply(img));
            }
            return new BatchTransform.Batch(x, b.labels(), b.indices());
        };
    }
}
