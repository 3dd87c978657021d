package org.fmplab.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.fmplab.data.ImageDataset;
import org.fmplab.data.Subsets;
import org.fmplab.params.Seeds;
import org.fmplab.progress.ProgressListener;
import org.fmplab.progress.ProgressTracker;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * The one training loop of the toolkit: backdoor training, fine-tuning and every defense that
 * trains go through it. Immutable: the {@code with*} methods return configured copies.
 */
public final class Trainer {
    /** Called after each epoch with the model being trained (e.g. to evaluate CA/ASR per epoch). */
    @FunctionalInterface
    public interface EpochCallback {
        void epochDone(EpochStats stats, ComputationGraph model);
    }

    /** Called after each optimiser step (e.g. to keep pruned channels at zero). */
    @FunctionalInterface
    public interface StepHook {
        void afterStep(ComputationGraph model);
    }

    private final TrainConfig config;
    private final ProgressListener listener;
    private final BatchTransform transform;
    private final EpochCallback epochCallback;
    private final StepHook stepHook;
    private final String stage;

    public Trainer(TrainConfig config) {
        this(config, ProgressListener.NONE, null, null, null, "train");
    }

    private Trainer(TrainConfig config, ProgressListener listener, BatchTransform transform,
                    EpochCallback epochCallback, StepHook stepHook, String stage) {
        this.config = config;
        this.listener = listener;
        this.transform = transform;
        this.epochCallback = epochCallback;
        this.stepHook = stepHook;
        this.stage = stage;
    }

    public TrainConfig config() { return config; }

    public Trainer withListener(ProgressListener l) {
        return new Trainer(config, l, transform, epochCallback, stepHook, stage);
    }

    public Trainer withBatchTransform(BatchTransform t) {
        return new Trainer(config, listener, t, epochCallback, stepHook, stage);
    }

    public Trainer withEpochCallback(EpochCallback c) {
        return new Trainer(config, listener, transform, c, stepHook, stage);
    }

    public Trainer withStepHook(StepHook h) {
        return new Trainer(config, listener, transform, epochCallback, h, stage);
    }

    /** Names the stage in progress events (default "train"). */
    public Trainer withStage(String name) {
        return new Trainer(config, listener, transform, epochCallback, stepHook, name);
    }

    /**
     * Trains a copy of {@code model} on {@code data}. Checks for thread interruption every batch
     * and then throws {@link org.fmplab.progress.InterruptedWorkException}.
     */
    public TrainResult train(ComputationGraph model, ImageDataset data) {
        if (data.size() == 0) throw new IllegalArgumentException("cannot train on an empty dataset: " + data.describe());
        int batch = Math.min(config.batchSize(), data.size());
        int steps = (data.size() + batch - 1) / batch;
        CosineSchedule schedule = new CosineSchedule(config.learningRate(), config.finalLearningRate(), steps * config.epochs());
        ComputationGraph net = reconfigure(model, schedule);
        ProgressTracker tracker = new ProgressTracker(listener, stage, "batch", (long) steps * config.epochs());
        SplittableRandom rng = new SplittableRandom(config.seed());
        List<EpochStats> history = new ArrayList<>();
        long images = 0;
        for (int epoch = 0; epoch < config.epochs(); epoch++) {
            long t0 = System.nanoTime();
            int[] order = Subsets.shuffled(data.size(), Seeds.epochOrder(config.seed(), epoch));
            double lossSum = 0;
            for (int s = 0; s < steps; s++) {
                int from = s * batch;
                int to = Math.min(data.size(), from + batch);
                int[] idx = java.util.Arrays.copyOfRange(order, from, to);
                BatchTransform.Batch b = new BatchTransform.Batch(data.features(idx), data.oneHot(idx), idx);
                if (transform != null) b = transform.apply(b, rng);
                INDArray x = augment(b.features(), rng);
                net.fit(new DataSet(x, b.labels()));
                if (stepHook != null) stepHook.afterStep(net);
                double loss = net.score();
                lossSum += loss;
                images += idx.length;
                tracker.step(1, Map.of("epoch", (double) epoch + 1, "loss", loss,
                        "img/s", images / Math.max(1e-9, tracker.elapsedSeconds())));
            }
            double lr = schedule.valueAt(net.getConfiguration().getIterationCount(), epoch);
            EpochStats stats = new EpochStats(epoch + 1, lossSum / steps, lr, (System.nanoTime() - t0) / 1e9);
            history.add(stats);
            if (epochCallback != null) epochCallback.epochDone(stats, net);
        }
        return new TrainResult(net, history, tracker.elapsedSeconds(), images);
    }

    // A fresh copy with this config's optimiser; the caller's network (and its updater state) is untouched.
    private ComputationGraph reconfigure(ComputationGraph model, CosineSchedule schedule) {
        // DL4J's only momentum SGD is Nesterov momentum.
        FineTuneConfiguration ft = new FineTuneConfiguration.Builder()
                .updater(new Nesterovs(schedule, config.momentum()))
                .l2(config.weightDecay())
                .seed(config.seed())
                .build();
        ComputationGraph net = new TransferLearning.GraphBuilder(model.clone()).fineTuneConfiguration(ft).build();
        // The cosine schedule counts iterations from the config: start this run at 0.
        net.getConfiguration().setIterationCount(0);
        net.getConfiguration().setEpochCount(0);
        BatchStatsHelper.install(net);
        return net;
    }

    private INDArray augment(INDArray x, SplittableRandom rng) {
        int pad = config.cropPadding();
        if (pad == 0 && !config.flip()) return x;
        long n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        INDArray out = x;
        if (pad > 0) {
            INDArray padded = Nd4j.zeros(x.dataType(), n, c, h + 2L * pad, w + 2L * pad);
            padded.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(pad, pad + h),
                    NDArrayIndex.interval(pad, pad + w)).assign(x);
            out = Nd4j.create(x.dataType(), n, c, h, w);
            for (int i = 0; i < n; i++) {
                int dy = rng.nextInt(2 * pad + 1), dx = rng.nextInt(2 * pad + 1);
                out.get(NDArrayIndex.point(i)).assign(padded.get(NDArrayIndex.point(i), NDArrayIndex.all(),
                        NDArrayIndex.interval(dy, dy + h), NDArrayIndex.interval(dx, dx + w)));
            }
        }
        if (config.flip()) {
            long[] reversed = new long[(int) w];
            for (int j = 0; j < w; j++) reversed[j] = w - 1 - j;
            for (int i = 0; i < n; i++) {
                if (rng.nextBoolean()) {
                    INDArray img = out.get(NDArrayIndex.point(i));
                    img.assign(img.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.indices(reversed)).dup());
                }
            }
        }
        return out;
    }
}
