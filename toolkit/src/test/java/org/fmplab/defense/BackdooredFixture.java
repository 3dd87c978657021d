package org.fmplab.defense;

import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.data.ImageDataset;
import org.fmplab.defense.api.DefenderData;
import org.fmplab.experiment.Pipeline;
import org.fmplab.experiment.RunConfig;
import org.fmplab.metrics.Evaluator;
import org.fmplab.metrics.Scores;
import org.fmplab.model.ModelSpec;

/**
 * One small BadNets-backdoored model shared by the defense behaviour tests (trained once per test JVM):
 * Fashion-MNIST, 3,000 training images (10% poisoned, 3×3 white corner, target 0), 1,000 test images,
 * SmallCNN width 16, 2 epochs; the defender gets a class-balanced 10% (300 images).
 */
final class BackdooredFixture {
    static final int TARGET = 0;
    private static Fixture instance;

    /** The model, its evaluator (test-side only: defenses never see it) and the defender's data. */
    record Fixture(ComputationGraph model, Evaluator evaluator, Scores before, ImageDataset defender) {
        DefenderData data(long seed) {
            return new DefenderData(defender, seed);
        }

        double asr(ComputationGraph net) {
            return evaluator.evaluate(net).asr();
        }
    }

    private BackdooredFixture() { }

    static synchronized Fixture get() {
        if (instance == null) {
            RunConfig c = RunConfig.defaults().withName("defense-fixture").withOutDir(Path.of("target", "unused"))
                    .withSizes(3000, 1000).withModel(ModelSpec.SMALL_CNN, 16).withEpochs(2)
                    .withDefense("none", Map.of(), 0.1);
            Pipeline p = new Pipeline(c, null);
            Pipeline.Data d = p.prepareData();
            ComputationGraph model = p.trainBackdoored(d).model();
            Evaluator ev = d.evaluator();
            instance = new Fixture(model, ev, ev.evaluate(model), d.defenderClean());
            if (instance.before().asr() < 0.9) throw new IllegalStateException("the fixture's backdoor was not learned: " + instance.before());
        }
        return instance;
    }
}
