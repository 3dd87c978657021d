package org.fmplab.defense;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.data.ImageDataset;
import org.fmplab.prune.FineTuning;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

class DistillationLossTest {
    /** SmallCNN's ReLU outputs of conv2–4: BatchNorm vertices with their ReLU fused (the CPU nets). */
    private static final List<String> LAYERS = List.of("bn2", "bn3", "bn4");

    @Test
    void attentionLossIsZeroForIdenticalNetworks() {
        ComputationGraph teacher = TestModels.smallCnn(4, 1, 12, 3);
        TestModels.randomiseBatchNorms(teacher, 4);
        ComputationGraph student = teacher.clone();
        assertEquals(LAYERS, AttentionDistillation.defaultLayers(teacher), "NAD's default maps on SmallCNN");
        INDArray x = Nd4j.rand(DataType.FLOAT, 6, 1, 12, 12);
        INDArray[] fs = Activations.forward(student, x, LAYERS);
        INDArray[] ft = Activations.forward(teacher, x, LAYERS);
        for (int i = 0; i < LAYERS.size(); i++) assertEquals(0.0, DistillationLoss.attentionLoss(fs[i], ft[i], 2), 0.0, LAYERS.get(i));

        // Through the training graph: with the teacher's maps taken from the same network in the same
        // (training) mode, the whole NAD loss reduces to the cross-entropy.
        AttentionDistillation nad = new AttentionDistillation(LAYERS, new double[] {500, 1000, 1000}, 2);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 6, 10);
        for (int i = 0; i < 6; i++) y.putScalar(i, i, 1);
        ComputationGraph training = nad.trainingGraph(student, tinyData());
        var train = teacher.feedForward(x, true);
        INDArray maps = Nd4j.concat(1, LAYERS.stream().map(l -> DistillationLoss.attentionMap(train.get(l), 2)).toArray(INDArray[]::new));
        training.setInputs(x);
        training.setLabels(Nd4j.concat(1, y, maps));
        training.computeGradientAndScore();
        INDArray p = teacher.outputSingle(true, x);
        double ce = -Transforms.log(p.mul(y).sum(1)).meanNumber().doubleValue();
        assertEquals(ce, training.score(), 1e-4);
    }

    @Test
    void attentionLossIsPositiveForDifferentNetworks() {
        ComputationGraph a = TestModels.smallCnn(4, 1, 12, 3), b = TestModels.smallCnn(4, 1, 12, 9);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 1, 12, 12);
        assertTrue(DistillationLoss.attentionLoss(Activations.forward(a, x, LAYERS)[0], Activations.forward(b, x, LAYERS)[0], 2) > 0);
    }

    @Test
    void gradientMatchesCentralDifferencesOfThePerExampleLoss() {
        int k = 3, c = 2, pos = 4, n = 2;
        Nd4j.getRandom().setSeed(5);
        for (double p : new double[] {2, 3}) {
            DistillationLoss loss = new DistillationLoss(k, new int[] {c}, new int[] {pos}, new double[] {7}, p);
            INDArray z = Nd4j.randn(DataType.DOUBLE, n, k + c * pos).castTo(DataType.FLOAT);
            INDArray t = DistillationLoss.attentionMap(Nd4j.randn(DataType.FLOAT, n, c, 2, 2), p);
            INDArray y = Nd4j.zeros(DataType.FLOAT, n, k);
            y.putScalar(0, 1, 1);
            y.putScalar(1, 2, 1);
            INDArray labels = Nd4j.concat(1, y, t);
            INDArray g = loss.computeGradient(labels, z, new ActivationIdentity(), null);
            double h = 1e-3;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < z.size(1); j++) {
                    INDArray plus = z.dup(), minus = z.dup();
                    plus.putScalar(i, j, z.getDouble(i, j) + h);
                    minus.putScalar(i, j, z.getDouble(i, j) - h);
                    double fd = (loss.computeScoreArray(labels, plus, new ActivationIdentity(), null).getDouble(i)
                            - loss.computeScoreArray(labels, minus, new ActivationIdentity(), null).getDouble(i)) / (2 * h);
                    assertEquals(fd, g.getDouble(i, j), 2e-3 + 0.02 * Math.abs(fd), "p=" + p + " [" + i + "," + j + "]");
                }
            }
        }
    }

    @Test
    void trainingGraphRoundTripsToTheOriginalArchitectureAndWeights() {
        ComputationGraph net = TestModels.smallCnn(4, 1, 12, 3);
        TestModels.randomiseBatchNorms(net, 2);
        AttentionDistillation nad = new AttentionDistillation(LAYERS, new double[] {1, 1, 1}, 2);
        ComputationGraph back = AttentionDistillation.copyBack(nad.trainingGraph(net, tinyData()), net);
        assertEquals(net.params(), back.params());
        assertEquals(net.getConfiguration().toJson(), back.getConfiguration().toJson());
    }

    @Test
    void distillationTrainsThroughTheSharedTrainerAndKeepsTheArchitecture() {
        ComputationGraph net = TestModels.smallCnn(4, 1, 12, 3);
        ComputationGraph teacher = TestModels.smallCnn(4, 1, 12, 8);
        AttentionDistillation nad = new AttentionDistillation(LAYERS, new double[] {500, 1000, 1000}, 2);
        ComputationGraph out = nad.distil(net, teacher, tinyData(), new FineTuning(1, 0.01, 8, false), 1, null);
        assertEquals(net.getConfiguration().toJson(), out.getConfiguration().toJson());
        assertTrue(!net.params().equals(out.params()), "the student was trained");
    }

    static ImageDataset tinyData() {
        int n = 16;
        byte[] px = new byte[n * 144];
        int[] labels = new int[n];
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < px.length; i++) px[i] = (byte) r.nextInt(256);
        for (int i = 0; i < n; i++) labels[i] = i % 10;
        return ImageDataset.of("tiny", px, labels, 1, 12, 12, ImageDataset.numberedClasses(10));
    }
}
