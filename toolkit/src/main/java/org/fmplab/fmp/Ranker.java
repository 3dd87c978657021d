package org.fmplab.fmp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.data.ImageDataset;
import org.fmplab.data.Subsets;
import org.fmplab.model.FeatureMapLayer;
import org.fmplab.model.FeatureMapLayers;
import org.fmplab.params.Seeds;
import org.fmplab.progress.ProgressListener;
import org.fmplab.progress.ProgressTracker;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.MirroringPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * FMP's ranking stage (method spec §2, steps 1–6): for every output channel of every conv layer, the
 * adversarial example that maximises that channel's MSE against the clean batch (random start α, then
 * FGSM step ε, or PGD), scored by the whole model's accuracy (or loss) on it, ranked within the
 * layer. Deterministic for a given seed. The network is not modified.
 *
 * <p>Fast mode computes the clean activations and the forward pass of the shared random start once,
 * for all layers; each channel then costs a backward pass from its own layer down to the input (its
 * first step through a single filter) plus the scoring forward. Reference mode recomputes both
 * forward passes for every channel, as the released code does, and gives bit-identical results.
 */
public final class Ranker {
    private static final WorkspaceConfiguration WORKSPACE = WorkspaceConfiguration.builder()
            .initialSize(0).overallocationLimit(0.1)
            .policyAllocation(AllocationPolicy.OVERALLOCATE).policyLearning(LearningPolicy.FIRST_LOOP)
            .policyMirroring(MirroringPolicy.FULL).policySpill(SpillPolicy.REALLOCATE).build();

    /** Receives each channel's adversarial probe batch [B, C, H, W] (a copy the receiver may keep; called outside any workspace). */
    @FunctionalInterface
    public interface AdversarialSink {
        void accept(String layer, int channel, INDArray adversarial);
    }

    private final RankConfig config;
    private final AdversarialSink sink;

    public Ranker(RankConfig config) {
        this(config, null);
    }

    private Ranker(RankConfig config, AdversarialSink sink) {
        this.config = java.util.Objects.requireNonNull(config, "config");
        this.sink = sink;
    }

    /** A ranker that also hands every adversarial batch to {@code s} (for inspection and tests). */
    public Ranker withSink(AdversarialSink s) {
        return new Ranker(config, s);
    }

    public RankConfig config() {
        return config;
    }

    /**
     * Ranks every feature map of {@code net} on a probe batch of {@code probeSize} images (all of
     * them for {@link RankConfig#ALL_IMAGES}) drawn from {@code clean} with {@code seed} (which also
     * seeds the random start).
     *
     * @throws IllegalArgumentException if the probe is larger than {@code clean}
     * @throws org.fmplab.progress.InterruptedWorkException if the thread is interrupted
     */
    public Ranking rank(ComputationGraph net, ImageDataset clean, long seed, ProgressListener listener) {
        config.checkProbeFits(clean.size());
        int[] idx = Subsets.randomSample(clean.size(), config.probeImages(clean.size()), seed);
        return rank(net, clean.features(idx), clean.labels(idx), seed, listener);
    }

    /** Ranks every feature map of {@code net} on the given probe batch x [B, C, H, W] in [0, 1]. */
    public Ranking rank(ComputationGraph net, INDArray x, int[] labels, long seed, ProgressListener listener) {
        return rank(net, FeatureMapLayers.of(net), x, labels, seed, listener);
    }

    /**
     * Ranks the feature maps of {@code layers} only. With {@link RankConfig#autoEpsilon()} the budgets
     * of {@link RankConfig#epsilonSweep} are tried smallest ε first on this (defender) probe, and the
     * first at which at most {@link RankConfig#AUTO_MAX_TIED} of the maps tie with another map of
     * their layer is kept (the least tied one if none is); {@link Ranking#epsilonTrials()} lists them.
     */
    public Ranking rank(ComputationGraph net, List<FeatureMapLayer> layers, INDArray x, int[] labels, long seed,
                        ProgressListener listener) {
        if (x.size(0) != labels.length) {
            throw new IllegalArgumentException("probe batch has " + x.size(0) + " images but " + labels.length + " labels");
        }
        if (!config.autoEpsilon()) return rankWith(config, net, layers, x, labels, seed, listener);
        Map<String, Double> trials = new LinkedHashMap<>();
        Ranking best = null;
        for (RankConfig.Budget b : RankConfig.epsilonSweep(config.alpha())) {
            Ranking r = rankWith(config.withBudget(b), net, layers, x, labels, seed, listener);
            trials.put(b.label(), r.tiedShare());
            if (best == null || r.tiedShare() < best.tiedShare()) best = r;
            if (r.tiedShare() <= RankConfig.AUTO_MAX_TIED) {
                best = r;
                break;
            }
        }
        return best.withEpsilonTrials(trials);
    }

    private Ranking rankWith(RankConfig cfg, ComputationGraph net, List<FeatureMapLayer> layers, INDArray x, int[] labels,
                             long seed, ProgressListener listener) {
        long t0 = System.nanoTime();
        ProbeNet probe = ProbeNet.of(net);
        INDArray x0All = randomStart(x, cfg.alpha(), seed);
        List<Batch> chunks = new ArrayList<>();
        Scoring cleanScore = Scoring.empty(1);
        for (int from = 0; from < labels.length; from += cfg.probeBatch()) {
            int to = Math.min(labels.length, from + cfg.probeBatch());
            INDArray xc = to - from == labels.length ? x : x.get(NDArrayIndex.interval(from, to)).dup();
            INDArray x0c = to - from == labels.length ? x0All : x0All.get(NDArrayIndex.interval(from, to)).dup();
            int[] lc = java.util.Arrays.copyOfRange(labels, from, to);
            Shared shared = cfg.mode() == RankConfig.Mode.FAST ? new Shared(probe.forward(xc), probe.forward(x0c)) : null;
            cleanScore.add(probe.logits(shared != null ? shared.clean() : probe.forward(xc)), lc);
            chunks.add(new Batch(xc, x0c, lc, shared));
        }
        ProgressTracker tracker = new ProgressTracker(listener, "rank", "channel", FeatureMapLayers.totalChannels(layers));
        Map<String, List<ChannelScore>> scores = new LinkedHashMap<>();
        Map<String, Double> layerSeconds = new LinkedHashMap<>();
        long done = 0;
        // Deepest layer first: its pass (longest backward) is the largest, so the workspace learns its
        // final size in the first cycle instead of growing, and zero-filling new memory, layer by layer.
        for (int li = layers.size() - 1; li >= 0; li--) {
            FeatureMapLayer layer = layers.get(li);
            int node = probe.indexOf(layer.name());
            List<ChannelScore> layerScores = new ArrayList<>();
            long layerStart = System.nanoTime();
            int k = cfg.channelsPerPass();
            for (int from = 0; from < layer.channels(); from += k) {
                int[] channels = range(from, Math.min(layer.channels(), from + k));
                Scoring s = Scoring.empty(channels.length);
                double[] mse = new double[channels.length];
                List<List<INDArray>> adv = new ArrayList<>();
                for (Batch b : chunks) {
                    // Every array of one pass lives in a reused workspace: no allocation or GC per channel.
                    try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, "FMP_RANK")) {
                        adv.add(scoreChunk(cfg, probe, b, layer.name(), node, channels, s, mse));
                    }
                }
                for (int c = 0; c < channels.length; c++) {
                    layerScores.add(new ChannelScore(layer.name(), channels[c], s.accuracy(c), s.loss(c), s.margin(c),
                            mse[c] / labels.length, s.flipsTo(c), Double.NaN, Double.NaN, 0));
                    if (sink != null) {
                        int cc = c;
                        INDArray[] parts = adv.stream().map(l -> l.get(cc)).toArray(INDArray[]::new);
                        sink.accept(layer.name(), channels[c], parts.length == 1 ? parts[0] : Nd4j.concat(0, parts));
                    }
                }
                done += channels.length;
                tracker.step(channels.length, Map.of("layer", (double) layers.size() - li, "ch/s", done / Math.max(1e-9, tracker.elapsedSeconds())));
            }
            scores.put(layer.name(), layerScores);
            layerSeconds.put(layer.name(), (System.nanoTime() - layerStart) / 1e9);
        }
        return new Ranking(cfg, layers, scores, cleanScore.accuracy(0), (System.nanoTime() - t0) / 1e9, layerSeconds);
    }

    /** Clean and random-start forward passes shared by every channel in fast mode. */
    private record Shared(ProbeNet.Activations clean, ProbeNet.Activations start) { }

    /** One chunk of the probe batch, its random start, their replicas for batched channels and (fast mode) shared passes. */
    private static final class Batch {
        final INDArray x;
        final INDArray x0;
        final int[] labels;
        final Shared shared;
        private final Map<Integer, INDArray[]> tiled = new java.util.HashMap<>();

        Batch(INDArray x, INDArray x0, int[] labels, Shared shared) {
            this.x = x;
            this.x0 = x0;
            this.labels = labels;
            this.shared = shared;
        }

        long rows() {
            return x.size(0);
        }

        /** {x, x0} replicated {@code k} times along the batch. */
        INDArray[] replicated(int k) {
            if (k == 1) return new INDArray[] {x, x0};
            return tiled.computeIfAbsent(k, n -> {
                try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                    return new INDArray[] {Nd4j.tile(x, n, 1, 1, 1), Nd4j.tile(x0, n, 1, 1, 1)};
                }
            });
        }
    }

    /**
     * Attacks {@code channels} on one probe chunk, adds the model's scores to {@code s} and the
     * summed per-image MSE to {@code mse}; returns each channel's adversarial chunk when a sink
     * wants them (copies outside the workspace), else an empty list.
     */
    private List<INDArray> scoreChunk(RankConfig cfg, ProbeNet probe, Batch b, String layer, int node, int[] channels,
                                      Scoring s, double[] mse) {
        ProbeNet.Activations clean = b.shared != null ? b.shared.clean() : probe.forward(b.x);
        ProbeNet.Activations start = b.shared != null ? b.shared.start() : probe.forward(b.x0);
        INDArray cleanLayer = clean.value(node);
        INDArray adv = attack(cfg, probe, b, start, cleanLayer, node, channels, b.shared == null);
        ProbeNet.Activations out = probe.forward(adv);
        s.add(probe.logits(out), b.labels);
        List<INDArray> copies = new ArrayList<>();
        long n = b.rows();
        for (int k = 0; k < channels.length; k++) {
            INDArray rows = out.value(node).get(NDArrayIndex.interval(k * n, (k + 1) * n));
            mse[k] += ChannelLoss.mse(rows, cleanLayer, channels[k]) * n;
            if (sink != null) {
                // outside the ranking's workspace, so the copy outlives this pass
                try (var ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                    copies.add(adv.get(NDArrayIndex.interval(k * n, (k + 1) * n)).detach());
                }
            }
        }
        return copies;
    }

    /** One adversarial probe batch per channel (stacked), from the random start; FGSM or PGD. */
    private static INDArray attack(RankConfig config, ProbeNet probe, Batch b, ProbeNet.Activations start, INDArray cleanLayer,
                                   int node, int[] channels, boolean fullForward) {
        INDArray[] xs = b.replicated(channels.length);
        INDArray x = xs[0];
        INDArray x0 = xs[1];
        INDArray g = gradient(probe, start, cleanLayer, node, channels);
        if (config.steps() == 1) return clip01(x0.add(Transforms.sign(g).muli(config.epsilon())));
        INDArray adv = x0;
        for (int s = 0; s < config.steps(); s++) {
            if (s > 0) {
                ProbeNet.Activations a = fullForward ? probe.forward(adv) : probe.forward(adv, node);
                g = gradient(probe, a, cleanLayer, node, channels);
            }
            INDArray step = adv.add(Transforms.sign(g).muli(config.alpha()));
            adv = clip01(Transforms.min(Transforms.max(step, x.sub(config.epsilon()), false), x.add(config.epsilon()), false));
        }
        return adv;
    }

    /** Input gradient of each channel's MSE (replica k of the batch carries channel k's gradient). */
    private static INDArray gradient(ProbeNet probe, ProbeNet.Activations acts, INDArray cleanLayer, int node, int[] channels) {
        long n = cleanLayer.size(0);
        if (channels.length == 1) {
            INDArray eps = ChannelLoss.channelGradient(acts.value(node), cleanLayer, channels[0]);
            return probe.inputGradientOneChannel(acts, node, channels[0], eps);
        }
        INDArray act = acts.replicated(node, n * channels.length);
        INDArray eps = Nd4j.zeros(act.dataType(), act.shape());
        for (int k = 0; k < channels.length; k++) {
            ChannelLoss.channel(eps.get(NDArrayIndex.interval(k * n, (k + 1) * n)), channels[k])
                    .assign(ChannelLoss.channelGradient(act.get(NDArrayIndex.interval(k * n, (k + 1) * n)), cleanLayer, channels[k]));
        }
        return probe.inputGradient(acts, node, eps);
    }

    private static INDArray clip01(INDArray a) {
        return Transforms.min(Transforms.max(a, 0.0, false), 1.0, false);
    }

    /** x0 = clip[0,1](x + α · s), s uniformly random ±1 per pixel (seeded). */
    static INDArray randomStart(INDArray x, double alpha, long seed) {
        SplittableRandom rng = new SplittableRandom(Seeds.probeStart(seed));
        float[] signs = new float[(int) x.length()];
        for (int i = 0; i < signs.length; i++) signs[i] = rng.nextBoolean() ? (float) alpha : (float) -alpha;
        INDArray noise = Nd4j.create(signs, x.shape(), 'c').castTo(x.dataType());
        return clip01(x.dup('c').addi(noise));
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }
}
