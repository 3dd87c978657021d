package org.fmplab.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.data.ImageDataset;
import org.fmplab.model.FeatureMapLayer;
import org.fmplab.model.FeatureMapLayers;
import org.fmplab.model.ModelSpec;
import org.fmplab.model.Models;
import org.fmplab.model.TrainConfig;
import org.fmplab.model.Trainer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class PrunerTest {
    private static ComputationGraph resnet;

    @BeforeAll
    static void build() {
        // Width 16 so that stage 4 has 128 channels: pruning high channel indices must work.
        resnet = Models.build(new ModelSpec(ModelSpec.PREACT_RESNET18, 16, 3, 8, 8, 10, 7));
        randomiseBatchNorms(resnet);
    }

    /** Non-trivial BN statistics and affine parameters, as after training. */
    static void randomiseBatchNorms(ComputationGraph net) {
        Nd4j.getRandom().setSeed(11);
        for (org.deeplearning4j.nn.api.Layer l : net.getLayers()) {
            if (l.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.BatchNormalization) {
                l.getParam("gamma").assign(Nd4j.rand(DataType.FLOAT, l.getParam("gamma").shape()).addi(0.5));
                l.getParam("beta").assign(Nd4j.randn(DataType.FLOAT, l.getParam("beta").shape()).muli(0.3));
            }
        }
    }

    private static INDArray channel(INDArray a, int c) {
        return a.get(NDArrayIndex.all(), NDArrayIndex.point(c), NDArrayIndex.all(), NDArrayIndex.all()).dup();
    }

    @Test
    void shortcutChannelZeroesItsFilterAndTheNextBlocksBatchNormByGraphIdentity() {
        List<FeatureMapLayer> layers = FeatureMapLayers.of(resnet);
        ChannelMask mask = ChannelMask.none(layers).with("s2b1_shortcut", 3).with("s4b2_conv1", 127);
        ComputationGraph pruned = Pruner.prune(resnet, mask);

        assertZero(channelAbsSum(pruned.getLayer("s2b1_shortcut").getParam("W"), 3));
        assertZero(pruned.getLayer("s2b2_bn1").getParam("gamma").getDouble(3), "consumer BN of the shortcut (through the add)");
        assertNotEquals(0.0, pruned.getLayer("s2b1_bn2").getParam("gamma").getDouble(3), "bn2 follows conv1, not the shortcut");
        assertNotEquals(0.0, channelAbsSum(pruned.getLayer("s2b1_conv2").getParam("W"), 3), "conv2 shares the BN but was not selected");
        assertZero(channelAbsSum(pruned.getLayer("s4b2_conv1").getParam("W"), 127));
        assertZero(pruned.getLayer("s4b2_bn2").getParam("gamma").getDouble(127));
        assertNotEquals(0.0, channelAbsSum(pruned.getLayer("s4b2_conv1").getParam("W"), 126));
        assertNotEquals(0.0, channelAbsSum(resnet.getLayer("s2b1_shortcut").getParam("W"), 3), "the input network is unchanged");
    }

    @Test
    void everyConsumerBatchNormIsFoundFromTheGraph() {
        Map<String, List<String>> expected = Map.of(
                "stem", List.of("s1b1_bn1"),
                "s1b1_conv1", List.of("s1b1_bn2"),
                "s1b1_conv2", List.of("s1b2_bn1"),
                "s2b1_shortcut", List.of("s2b2_bn1"),
                "s3b1_conv2", List.of("s3b2_bn1"),
                "s4b2_conv2", List.of());
        // The first consumer is the BN right after the conv (or after its residual add).
        for (FeatureMapLayer l : FeatureMapLayers.of(resnet)) {
            List<String> e = expected.get(l.name());
            if (e == null) continue;
            if (e.isEmpty()) assertEquals(List.of(), l.consumerBns(), l.name());
            else assertEquals(e.get(0), l.consumerBns().get(0), l.name());
        }
    }

    @Test
    void prunedChannelsPostBatchNormOutputIsConstant() {
        ChannelMask mask = ChannelMask.none(FeatureMapLayers.of(resnet))
                .with("s1b1_conv1", 2).with("s3b1_shortcut", 40).with("s3b1_conv2", 40);
        ComputationGraph pruned = Pruner.prune(resnet, mask);
        INDArray x = Nd4j.rand(DataType.FLOAT, 6, 3, 8, 8);
        Map<String, INDArray> acts = pruned.feedForward(x, false);
        for (String[] bnChannel : new String[][] {{"s1b1_bn2", "2"}, {"s3b2_bn1", "40"}}) {
            INDArray c = channel(acts.get(bnChannel[0]), Integer.parseInt(bnChannel[1]));
            assertEquals(0.0, c.maxNumber().doubleValue() - c.minNumber().doubleValue(), 0.0, bnChannel[0]);
            INDArray other = channel(acts.get(bnChannel[0]), Integer.parseInt(bnChannel[1]) + 1);
            assertTrue(other.maxNumber().doubleValue() > other.minNumber().doubleValue(), "unpruned channels vary");
        }
    }

    @Test
    void maskHookKeepsPrunedChannelsAtZeroWhileWithoutItResidualChannelsRegrow() {
        // A channel whose consumer BN sees only this conv stays exactly zero in training-mode BN (its
        // normalised value is 0, so gamma gets no gradient); a conv2 channel regrows because the next
        // block's BN normalises it together with the shortcut (when its ReLU is active: beta > 0).
        ComputationGraph small = Models.build(new ModelSpec(ModelSpec.PREACT_RESNET18, 4, 1, 8, 8, 3, 3));
        small.getLayer("s1b2_bn1").getParam("beta").assign(0.5);
        ChannelMask mask = ChannelMask.none(FeatureMapLayers.of(small)).with("s1b1_conv1", 0).with("s1b1_conv2", 1);
        ComputationGraph pruned = Pruner.prune(small, mask);
        ImageDataset data = randomData(24, 3);
        Trainer trainer = new Trainer(TrainConfig.fineTune(1, 1).withBatchSize(8).withLearningRate(0.1));

        ComputationGraph masked = trainer.withStepHook(Pruner.keepPruned(mask)).train(pruned, data).model();
        assertZero(channelAbsSum(masked.getLayer("s1b1_conv1").getParam("W"), 0));
        assertZero(channelAbsSum(masked.getLayer("s1b1_conv2").getParam("W"), 1));
        assertZero(masked.getLayer("s1b1_bn2").getParam("gamma").getDouble(0));
        assertZero(masked.getLayer("s1b2_bn1").getParam("gamma").getDouble(1));

        ComputationGraph free = trainer.train(pruned, data).model();
        assertTrue(channelAbsSum(free.getLayer("s1b1_conv2").getParam("W"), 1) > 0, "without the hook residual channels regrow");
        assertTrue(free.getLayer("s1b2_bn1").getParam("gamma").getDouble(1) != 0);
    }

    @Test
    void filterTargetZeroesOnlyTheConvOfASumAndLeavesTheOtherAddendsChannel() {
        List<FeatureMapLayer> layers = FeatureMapLayers.of(resnet);
        Map<String, Boolean> feedsSum = Map.of("stem", false, "s1b1_conv1", false, "s1b1_conv2", true, "s2b1_shortcut", true,
                "s2b1_conv2", true, "s4b2_conv2", true);
        for (FeatureMapLayer l : layers) if (feedsSum.containsKey(l.name())) assertEquals(feedsSum.get(l.name()), l.feedsSum(), l.name());

        ChannelMask paper = ChannelMask.none(PruneTarget.PAPER.apply(layers)).with("s1b1_conv2", 5).with("s1b1_conv1", 2);
        ChannelMask filter = ChannelMask.none(PruneTarget.FILTER.apply(layers)).with("s1b1_conv2", 5).with("s1b1_conv1", 2);
        ComputationGraph byPaper = Pruner.prune(resnet, paper);
        ComputationGraph byFilter = Pruner.prune(resnet, filter);
        assertZero(channelAbsSum(byFilter.getLayer("s1b1_conv2").getParam("W"), 5));
        assertNotEquals(0.0, byFilter.getLayer("s1b2_bn1").getParam("gamma").getDouble(5), "the summed stream's BatchNorm keeps gamma");
        assertZero(byPaper.getLayer("s1b2_bn1").getParam("gamma").getDouble(5));
        assertZero(byFilter.getLayer("s1b1_bn2").getParam("gamma").getDouble(2), "a conv read directly by its BN is pruned as before");

        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 3, 8, 8);
        Map<String, INDArray> f = byFilter.feedForward(x, false);
        // The add = conv2 + identity shortcut (the stem's output): with conv2's filter 5 zeroed, channel 5
        // of the sum is the stem's channel 5, which still varies after the next BatchNorm.
        assertEquals(channel(f.get("stem"), 5), channel(f.get("s1b1_add"), 5));
        INDArray afterBn = channel(f.get("s1b2_bn1"), 5);
        assertTrue(afterBn.maxNumber().doubleValue() > afterBn.minNumber().doubleValue(), "the other addend's channel is intact");
        INDArray silenced = channel(byPaper.feedForward(x, false).get("s1b2_bn1"), 5);
        assertEquals(0.0, silenced.maxNumber().doubleValue() - silenced.minNumber().doubleValue(), 0.0, "paper: the sum's channel is constant");
    }

    static ImageDataset randomData(int n, int classes) {
        java.util.Random r = new java.util.Random(5);
        byte[] px = new byte[n * 64];
        r.nextBytes(px);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = i % classes;
        return ImageDataset.of("random", px, labels, 1, 8, 8, ImageDataset.numberedClasses(classes));
    }

    /** Exactly zero (either sign: pruning multiplies by 0). */
    private static void assertZero(double v, String... message) {
        assertEquals(0.0, v, 0.0, message.length > 0 ? message[0] : null);
    }

    private static double channelAbsSum(INDArray w, int c) {
        return Math.abs(w.tensorAlongDimension(c, 1, 2, 3).dup().amaxNumber().doubleValue());
    }
}
