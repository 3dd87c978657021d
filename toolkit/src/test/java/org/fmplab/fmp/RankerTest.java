package org.fmplab.fmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.model.Backend;
import org.fmplab.model.FeatureMapLayer;
import org.fmplab.model.FeatureMapLayers;
import org.fmplab.model.ModelSpec;
import org.fmplab.model.Models;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class RankerTest {
    private static final int[] LABELS_8 = {0, 1, 2, 3, 4, 0, 1, 2};

    /**
     * One conv of 4 channels → BN → ReLU → global average pool → 2 classes. Channel 3 is the backdoor:
     * a uniform 3×3 detector, silent (just below its ReLU threshold) on the flat clean images, whose
     * response alone drives class 1. Channels 0–2 are high-frequency (checkerboard-like) filters: their
     * adversarial perturbations barely move the detector. Channel 2 has the largest weights, so the
     * largest feature-map MSE under attack, but no say in the output. The flat clean images are class 0
     * with a margin of 1.
     */
    static ComputationGraph backdoorNet() {
        Backend.init();
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1)
                .convolutionMode(ConvolutionMode.Same).graphBuilder().addInputs("input")
                .setInputTypes(InputType.convolutional(8, 8, 1))
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.IDENTITY).build(), "input")
                .addLayer("bn", new BatchNormalization.Builder().build(), "conv")
                .addLayer("relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "relu")
                .addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("output").build());
        net.init();
        float[][] checker = {{1, -1, 1}, {-1, 1, -1}, {1, -1, 1}};
        float[][][] filters = {
                scale(checker, 0.1f),
                scale(new float[][] {{1, -1, 1}, {1, -1, 1}, {1, -1, 1}}, 0.1f),
                scale(checker, 2f),
                scale(new float[][] {{1, 1, 1}, {1, 1, 1}, {1, 1, 1}}, 1f)};
        float[] bias = {0f, 0f, 0f, -4.5f - 0.09f};
        INDArray w = net.getLayer("conv").getParam("W");
        for (int c = 0; c < 4; c++) {
            w.tensorAlongDimension(c, 1, 2, 3).assign(Nd4j.createFromArray(filters[c]).reshape(1, 3, 3));
            net.getLayer("conv").getParam("b").putScalar(c, bias[c]);
        }
        net.getLayer("output").getParam("W").assign(Nd4j.createFromArray(new float[][] {{1, 0}, {1, 0}, {0, 0}, {0, 200}}));
        net.getLayer("output").getParam("b").assign(Nd4j.createFromArray(new float[][] {{1, 0}}));
        return net;
    }

    private static float[][] scale(float[][] f, float s) {
        float[][] out = new float[f.length][];
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i].clone();
            for (int j = 0; j < out[i].length; j++) out[i][j] *= s;
        }
        return out;
    }

    @Test
    void theKnownBackdoorChannelRanksFirst() {
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(DataType.FLOAT, 16, 1, 8, 8).muli(0.004).addi(0.498);
        int[] labels = new int[16];
        ComputationGraph net = backdoorNet();
        Ranking r = new Ranker(RankConfig.paper().withProbeSize(16)).rank(net, x, labels, 7, null);

        assertEquals(1.0, r.probeAccuracy());
        List<ChannelScore> ranked = r.ranked("conv");
        assertEquals(3, ranked.get(0).channel(), () -> "backdoor channel first: " + ranked);
        assertTrue(ranked.get(0).accuracy() < 0.75, () -> "attacking it flips predictions: " + ranked.get(0));
        ChannelScore loud = r.get("conv", 2);
        assertEquals(1.0, loud.accuracy(), "the largest-MSE channel does not move the output");
        assertTrue(loud.mse() > ranked.get(0).mse(), "so MSE alone would not find the backdoor");
        assertEquals(4, r.table().rowCount());
    }

    @Test
    void tiesAreBrokenByLargerMseThenChannelIndex() {
        List<FeatureMapLayer> layers = List.of(new FeatureMapLayer("c", 4, List.of(), false));
        List<ChannelScore> scores = List.of(new ChannelScore("c", 0, 0.5, 1, 0.1, 0), new ChannelScore("c", 1, 0.25, 1, 0.1, 0),
                new ChannelScore("c", 2, 0.5, 1, 0.3, 0), new ChannelScore("c", 3, 0.5, 1, 0.1, 0));
        Ranking r = new Ranking(RankConfig.paper(), layers, Map.of("c", scores), 1, 0);
        assertEquals(List.of(1, 2, 0, 3), r.ranked("c").stream().map(ChannelScore::channel).toList());
        Ranking byLoss = new Ranking(RankConfig.paper().withScore(RankConfig.Score.LOSS), layers, Map.of("c", List.of(
                new ChannelScore("c", 0, 1, 0.2, 0, 0), new ChannelScore("c", 1, 1, 0.9, 0, 0),
                new ChannelScore("c", 2, 1, 0.2, 0, 0), new ChannelScore("c", 3, 1, 0.2, 0.5, 0))), 1, 0);
        assertEquals(List.of(1, 3, 0, 2), byLoss.ranked("c").stream().map(ChannelScore::channel).toList());
    }

    @Test
    void fastAndReferenceModesGiveIdenticalAdversarialExamplesAndScores() {
        // Width 8: stage 4 has 64 channels (channel indices past the slicing trap are exercised); 8x8 and
        // width 8 keep the one-pass-per-channel reference mode cheap enough for the default test run.
        ComputationGraph resnet = TestNets.trainedLike(Models.build(new ModelSpec(ModelSpec.PREACT_RESNET18, 8, 3, 8, 8, 5, 2)));
        compareModes(resnet, pick(resnet, "s2b1_shortcut", "s4b2_conv1"), Nd4j.rand(DataType.FLOAT, 8, 3, 8, 8), 1);
        ComputationGraph small = TestNets.trainedLike(Models.build(new ModelSpec(ModelSpec.SMALL_CNN, 4, 1, 10, 10, 5, 2)));
        for (int steps : new int[] {1, 2}) {
            compareModes(small, FeatureMapLayers.of(small), Nd4j.rand(DataType.FLOAT, 8, 1, 10, 10), steps);
        }
    }

    private static void compareModes(ComputationGraph net, List<FeatureMapLayer> layers, INDArray x, int steps) {
        RankConfig cfg = RankConfig.paper().withProbeSize(8).withSteps(steps).withEpsilon(8.0 / 255);
        Map<String, INDArray> fastAdv = new LinkedHashMap<>();
        Map<String, INDArray> refAdv = new LinkedHashMap<>();
        Ranking fast = new Ranker(cfg).withSink((l, c, a) -> fastAdv.put(l + "/" + c, a))
                .rank(net, layers, x, LABELS_8, 11, null);
        Ranking ref = new Ranker(cfg.withMode(RankConfig.Mode.REFERENCE)).withSink((l, c, a) -> refAdv.put(l + "/" + c, a))
                .rank(net, layers, x, LABELS_8, 11, null);
        assertEquals(FeatureMapLayers.totalChannels(layers), fastAdv.size());
        for (String key : fastAdv.keySet()) {
            assertEquals(fastAdv.get(key), refAdv.get(key), "adversarial batch of " + key + ", steps " + steps);
            assertTrue(fastAdv.get(key).sub(x).amaxNumber().doubleValue() > 0, "the attack moved the batch");
        }
        assertEquals(ref.all(), fast.all(), "scores, steps " + steps);
    }

    @Test
    void sameSeedGivesTheSameRankingAndAnotherSeedAnotherStart() {
        ComputationGraph net = TestNets.trainedLike(Models.build(new ModelSpec(ModelSpec.SMALL_CNN, 4, 1, 10, 10, 5, 2)));
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 1, 10, 10);
        Ranker ranker = new Ranker(RankConfig.paper().withProbeSize(8));
        Ranking a = ranker.rank(net, x, LABELS_8, 5, null);
        Ranking b = ranker.rank(net, x, LABELS_8, 5, null);
        assertEquals(a.all(), b.all());
        assertEquals(a.table().toString(), b.table().toString());
        assertNotEquals(a.all(), ranker.rank(net, x, LABELS_8, 6, null).all());
        assertNotEquals(Ranker.randomStart(x, 1.0 / 255, 5), Ranker.randomStart(x, 1.0 / 255, 6));
    }

    @Test
    void batchingChannelsPerPassGivesTheSameScores() {
        ComputationGraph net = TestNets.trainedLike(Models.build(new ModelSpec(ModelSpec.SMALL_CNN, 4, 1, 10, 10, 5, 2)));
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 1, 10, 10);
        RankConfig cfg = RankConfig.paper().withProbeSize(8);
        Ranking one = new Ranker(cfg).rank(net, x, LABELS_8, 5, null);
        Ranking batched = new Ranker(cfg.withChannelsPerPass(3)).rank(net, x, LABELS_8, 5, null);
        List<ChannelScore> a = one.all();
        List<ChannelScore> b = batched.all();
        int same = 0;
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).mse(), b.get(i).mse(), 1e-4 * Math.max(1, a.get(i).mse()), a.get(i).toString());
            if (a.get(i).accuracy() == b.get(i).accuracy()) same++;
        }
        // Batched kernels may round differently; a sign flip of a near-zero gradient is possible but rare.
        assertTrue(same >= a.size() - 1, same + " of " + a.size() + " accuracies agree");
    }

    @Test
    void scoresEveryChannelAndReportsProgressPerChannel() {
        ComputationGraph net = TestNets.trainedLike(Models.build(new ModelSpec(ModelSpec.SMALL_CNN, 4, 1, 10, 10, 5, 2)));
        List<Long> done = new ArrayList<>();
        Ranking r = new Ranker(RankConfig.paper().withProbeSize(8)).rank(net, Nd4j.rand(DataType.FLOAT, 8, 1, 10, 10),
                LABELS_8, 5, p -> done.add(p.done()));
        assertEquals(24, r.size());
        assertEquals(24, done.size());
        assertEquals(24L, done.get(done.size() - 1));
        double perLayer = 0;
        for (FeatureMapLayer l : r.layers()) {
            List<Integer> ranks = r.layer(l.name()).stream().map(ChannelScore::rank).sorted().toList();
            for (int i = 0; i < ranks.size(); i++) assertEquals(i + 1, ranks.get(i));
            assertTrue(r.layerSeconds(l.name()) > 0, l.name());
            perLayer += r.layerSeconds(l.name());
        }
        assertTrue(perLayer <= r.seconds(), perLayer + " s in layers of a " + r.seconds() + " s ranking");
        assertTrue(Double.isNaN(SelectorTest.ranking().layerSeconds("a")), "untimed rankings say so");
    }

    private static List<FeatureMapLayer> pick(ComputationGraph net, String... names) {
        List<String> wanted = List.of(names);
        return FeatureMapLayers.of(net).stream().filter(l -> wanted.contains(l.name())).toList();
    }

    @Test
    void aProbeProcessedInChunksGivesTheSameAdversarialBatchesAndScores() {
        ComputationGraph net = TestNets.trainedLike(Models.build(new ModelSpec(ModelSpec.SMALL_CNN, 4, 1, 10, 10, 5, 2)));
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 1, 10, 10);
        RankConfig cfg = RankConfig.paper().withProbeSize(8).withSteps(2).withEpsilon(8.0 / 255);
        Map<String, INDArray> whole = new LinkedHashMap<>();
        Map<String, INDArray> chunked = new LinkedHashMap<>();
        Ranking a = new Ranker(cfg).withSink((l, c, adv) -> whole.put(l + "/" + c, adv)).rank(net, x, LABELS_8, 5, null);
        Ranking b = new Ranker(cfg.withProbeBatch(3)).withSink((l, c, adv) -> chunked.put(l + "/" + c, adv)).rank(net, x, LABELS_8, 5, null);
        assertEquals(whole.keySet(), chunked.keySet());
        for (String k : whole.keySet()) assertEquals(whole.get(k), chunked.get(k), k);
        assertEquals(a.probeAccuracy(), b.probeAccuracy());
        for (int i = 0; i < a.size(); i++) {
            ChannelScore s = a.all().get(i);
            ChannelScore t = b.all().get(i);
            assertEquals(s.accuracy(), t.accuracy(), s.toString());
            assertEquals(s.flipsTo(), t.flipsTo(), s.toString());
            assertEquals(s.loss(), t.loss(), 1e-4, s.toString());
            assertEquals(s.margin(), t.margin(), 1e-4, s.toString());
            assertEquals(s.mse(), t.mse(), 1e-4 * Math.max(1, s.mse()), s.toString());
        }
        assertEquals(10, a.table().columnCount() - 2, "ranking.csv columns besides layer and channel: " + a.table().columnNames());
        assertTrue(a.table().columnNames().containsAll(List.of("score", "tie-break", "rank", "margin", "target flip")));
    }

    @Test
    void randomTieBreakOrdersOnlyTiesAndFollowsItsNamedSeed() {
        Ranking r = SelectorTest.ranking();
        Ranking s1 = r.rankedBy(RankConfig.Score.ACCURACY, RankConfig.TieBreak.RANDOM, 1);
        Ranking s1again = r.rankedBy(RankConfig.Score.ACCURACY, RankConfig.TieBreak.RANDOM, 1);
        assertEquals(s1.ranked("b"), s1again.ranked("b"));
        assertEquals(List.of(3, 7, 11), s1.ranked("a").subList(0, 3).stream().map(ChannelScore::channel).toList(), "scores decide first");
        // Layer b: all 8 maps tie; seeds 1..4 cannot all give the MSE order, nor one order.
        java.util.Set<List<Integer>> orders = new java.util.HashSet<>();
        for (long seed = 1; seed <= 4; seed++) {
            Ranking s = r.rankedBy(RankConfig.Score.ACCURACY, RankConfig.TieBreak.RANDOM, seed);
            orders.add(s.ranked("b").stream().map(ChannelScore::channel).toList());
            for (ChannelScore c : s.layer("b")) assertTrue(c.tieBreak() >= 0 && c.tieBreak() < 1, "a uniform draw: " + c);
        }
        assertTrue(orders.size() > 1, "the seed changes the order of ties: " + orders);
        assertEquals(1.0, r.modeShare("b"));
        assertEquals(1, r.distinctScores("b"));
        assertEquals((8 + 13) / 24.0, r.tiedShare(), 1e-12, "b: all 8; a: the 13 at 0.85 + 0.005 (c % 3) fall in three tied groups");
    }

    @Test
    void autoEpsilonKeepsTheSmallestBudgetWhoseScoresStopTyingOnTheProbe() {
        ComputationGraph net = TestNets.trainedLike(Models.build(new ModelSpec(ModelSpec.SMALL_CNN, 4, 1, 10, 10, 5, 2)));
        INDArray x = Nd4j.rand(DataType.FLOAT, 8, 1, 10, 10);
        RankConfig cfg = RankConfig.paper().withProbeSize(8).withScore(RankConfig.Score.LOSS).withAutoEpsilon();
        Ranking r = new Ranker(cfg).rank(net, x, LABELS_8, 5, null);
        List<RankConfig.Budget> sweep = RankConfig.epsilonSweep(cfg.alpha());
        List<Double> tied = List.copyOf(r.epsilonTrials().values());
        int chosen = tied.size() - 1;
        for (int i = 0; i < tied.size() - 1; i++) assertTrue(tied.get(i) > RankConfig.AUTO_MAX_TIED, "an earlier budget would have been kept");
        if (tied.get(chosen) > RankConfig.AUTO_MAX_TIED) {
            assertEquals(sweep.size(), tied.size(), "without a budget under the bar every budget is tried");
            chosen = tied.indexOf(tied.stream().min(Double::compare).orElseThrow());
        }
        assertEquals(sweep.get(chosen).epsilon(), r.config().epsilon());
        assertEquals(tied.get(chosen), r.tiedShare(), 1e-12);
        assertTrue(r.config().autoEpsilon());
        Ranking fixed = new Ranker(cfg.withEpsilon(sweep.get(chosen).epsilon()).withAlpha(sweep.get(chosen).alpha())).rank(net, x, LABELS_8, 5, null);
        assertEquals(fixed.all(), r.all(), "the kept ranking is the one of the chosen budget");
    }
}
