package org.fmplab.experiment;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.attack.Attack;
import org.fmplab.attack.Attacks;
import org.fmplab.attack.BackdoorTestSet;
import org.fmplab.attack.PoisonConfig;
import org.fmplab.attack.PoisonedDataset;
import org.fmplab.attack.Poisoner;
import org.fmplab.data.DataSplit;
import org.fmplab.data.Datasets;
import org.fmplab.data.ImageDataset;
import org.fmplab.data.Subsets;
import org.fmplab.defense.api.DefenderData;
import org.fmplab.defense.api.Defense;
import org.fmplab.defense.api.DefenseResult;
import org.fmplab.defense.api.DefenseStage;
import org.fmplab.defense.api.Defenses;
import org.fmplab.fmp.FmpDefense;
import org.fmplab.fmp.FmpResult;
import org.fmplab.metrics.Evaluator;
import org.fmplab.metrics.Scores;
import org.fmplab.metrics.StageResult;
import org.fmplab.model.ModelSpec;
import org.fmplab.model.Models;
import org.fmplab.model.TrainConfig;
import org.fmplab.model.TrainResult;
import org.fmplab.model.Trainer;
import org.fmplab.params.Seeds;
import org.fmplab.progress.ProgressListener;

/**
 * The main job: load → poison → train → defend → evaluate every stage → write the run folder. Each step
 * is also a public method so notebooks can run them one at a time.
 */
public final class Pipeline {
    private final RunConfig config;
    private final ProgressListener listener;
    private final Path modelDir;

    public Pipeline(RunConfig config, ProgressListener listener) {
        this(config, listener, null);
    }

    /**
     * @param modelDir a model in our format (e.g. from {@code ./fmplab import-model}) to defend instead of
     *                 training one, or null to train
     */
    public Pipeline(RunConfig config, ProgressListener listener, Path modelDir) {
        this.config = config;
        this.listener = listener == null ? ProgressListener.NONE : listener;
        this.modelDir = modelDir;
    }

    public RunConfig config() {
        return config;
    }

    /** The data of a run: clean train/test (after limits), the defender's clean subset and the poisoned set. */
    public record Data(ImageDataset train, ImageDataset test, ImageDataset defenderClean, PoisonedDataset poisoned,
                       BackdoorTestSet backdoorTest, Poisoner poisoner) {
        public Evaluator evaluator() {
            return new Evaluator(test, backdoorTest.images(), backdoorTest.targets());
        }
    }

    /** Loads the dataset, applies the size limits, draws the defender's subset and poisons the training set. */
    public Data prepareData() {
        DataSplit split = Datasets.load(config.dataset(), config.dataDir());
        ImageDataset train = split.train();
        if (config.trainLimit() > 0 && config.trainLimit() < train.size()) {
            train = train.subset(Subsets.classBalanced(train, (double) config.trainLimit() / train.size(), config.seed()));
        }
        ImageDataset test = config.testLimit() > 0 ? split.test().head(config.testLimit()) : split.test();
        ImageDataset defender = train.subset(Subsets.classBalanced(train, config.defenderFraction(), Seeds.defenderSubset(config.seed())))
                .withName(train.name() + "-defender");
        Attack attack = Attacks.create(config.attack(), config.attackParams());
        Poisoner poisoner = new Poisoner(attack, new PoisonConfig(config.poisonRate(), config.target(), config.labelMode(), Seeds.poisoning(config.seed())));
        PoisonedDataset poisoned = poisoner.poison(train, listener);
        return new Data(train, test, defender, poisoned, poisoner.backdoorTestSet(test), poisoner);
    }

    /** Seed of the run's defense: what the defender draws (probe batches, fine-tuning order) derives from it. */
    public static long defenseSeed(RunConfig c) {
        return Seeds.defense(c.seed());
    }

    /** Seed of the random-pruning control in every FMP report. */
    public static long controlSeed(RunConfig c) {
        return Seeds.control(c.seed());
    }

    /** A fresh (untrained) network for the run's dataset shape. */
    public ComputationGraph newModel(ImageDataset like) {
        return Models.build(new ModelSpec(config.architecture(), config.effectiveWidth(), like.channels(), like.height(),
                like.width(), like.numClasses(), Seeds.modelInit(config.seed())));
    }

    /** The backdoor-training configuration (paper recipe with this run's epochs, batch and learning rate). */
    public TrainConfig trainConfig() {
        return TrainConfig.paper(config.epochs(), Seeds.training(config.seed())).withBatchSize(config.batchSize()).withLearningRate(config.learningRate());
    }

    /** Trains a backdoored model on the poisoned set (on-the-fly attacks hook into the same Trainer). */
    public TrainResult trainBackdoored(Data data) {
        Trainer trainer = new Trainer(trainConfig()).withListener(listener).withStage("train");
        var transform = data.poisoner().attack().trainingTransform(data.poisoned());
        if (transform != null) trainer = trainer.withBatchTransform(transform);
        return trainer.train(newModel(data.train()), data.poisoned().dataset());
    }

    // ---- imported models (./fmplab run --model-dir): the one hook of the main job for them ----

    /**
     * A model trained elsewhere, in the place of {@link #trainBackdoored}: no training history, 0 s. The
     * run's attack settings then only make the backdoor test set, so they must name the trigger the
     * model was trained with.
     */
    public static TrainResult loadModel(Path dir, Data data) {
        ComputationGraph net = org.fmplab.model.ModelIO.load(dir).model();
        ImageDataset test = data.test();
        long classes = ((org.deeplearning4j.nn.conf.layers.FeedForwardLayer) net.getLayer(
                net.getConfiguration().getNetworkOutputs().get(0)).conf().getLayer()).getNOut();
        if (classes != test.numClasses()) {
            throw new IllegalArgumentException("model " + dir + " has " + classes + " classes, dataset " + test.name() + " has " + test.numClasses());
        }
        try {
            org.fmplab.model.Inference.predict(net, test.features(new int[] {0}));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("model " + dir + " does not take the " + test.channels() + "x" + test.height() + "x"
                    + test.width() + " images of " + test.name() + ": " + e.getMessage());
        }
        return new TrainResult(net, List.of(), 0, 0);
    }

    /** Runs everything and writes the run folder. */
    public RunResult run() {
        long t0 = System.nanoTime();
        Data data = prepareData();
        TrainResult trained = modelDir != null ? loadModel(modelDir, data) : trainBackdoored(data);
        Evaluator eval = data.evaluator();
        Scores before = eval.evaluate(trained.model());
        List<StageResult> stages = new ArrayList<>();
        stages.add(StageResult.of("backdoored", before, null, trained.seconds()));
        DefenseResult defended = null;
        FmpResult fmpResult = null;
        DefenderData defender = new DefenderData(data.defenderClean(), defenseSeed(config));
        Defense defense = Defenses.create(config.defense(), config.defenseParams());
        if (defense instanceof FmpDefense fmp) {
            fmpResult = fmp.run(trained.model(), defender, listener);
            defended = fmpResult.toDefenseResult(fmp.name());
            addStages(stages, defended, "", eval, before);
            // Every FMP report carries its control: as many channels per layer, chosen at random.
            addStages(stages, fmp.randomControl(trained.model(), defender, fmpResult, controlSeed(config), listener),
                    "random-", eval, before);
        } else if (defense != null) {
            defended = defense.defend(trained.model(), defender, listener);
            addStages(stages, defended, "", eval, before);
        }
        Path dir = config.outDir().resolve(config.name());
        RunResult result = new RunResult(config, stages, trained, data.poisoned().poisonCount(), data.poisoned().describePoisoning(), defended, fmpResult, dir,
                (System.nanoTime() - t0) / 1e9);
        new RunWriter(dir).write(result, data);
        return result;
    }

    private static void addStages(List<StageResult> stages, DefenseResult d, String prefix, Evaluator eval, Scores before) {
        for (DefenseStage s : d.stages()) {
            stages.add(StageResult.of(prefix + s.name(), eval.evaluate(s.model()), before, s.seconds()));
        }
    }
}
