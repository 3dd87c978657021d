package org.fmplab.defense;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

class InputGradientTest {
    @Test
    void frozenCopyComputesTheInferenceFunctionOfSmallCnnAndResNet() {
        Object[][] cases = {{TestModels.smallCnn(4, 1, 12, 1), 1, 12}, {TestModels.resnet(4, 3, 8, 2), 3, 8}};
        for (Object[] c : cases) {
            ComputationGraph net = (ComputationGraph) c[0];
            TestModels.randomiseBatchNorms(net, 3);
            INDArray x = Nd4j.rand(DataType.FLOAT, 5, (int) c[1], (int) c[2], (int) c[2]);
            INDArray expected = net.outputSingle(false, x);
            INDArray got = InputGradient.of(net).probabilities(x);
            assertTrue(expected.equalsWithEps(got, 1e-4), "frozen copy differs:\n" + expected + "\n" + got);
        }
    }

    @Test
    void inputGradientMatchesCentralDifferencesOfTheMeanLoss() {
        ComputationGraph net = TestModels.smallCnn(4, 1, 12, 5);
        TestModels.randomiseBatchNorms(net, 6);
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 3, 1, 12, 12).castTo(DataType.FLOAT);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 3, 10);
        y.putScalar(0, 2, 1);
        y.putScalar(1, 7, 1);
        y.putScalar(2, 0, 1);
        InputGradient ig = InputGradient.of(net);
        InputGradient.Result r = ig.lossAndGradient(x, y);
        assertEquals(meanLoss(net, x, y), r.loss(), 1e-4);
        assertArrayEquals(net.outputSingle(false, x).argMax(1).toIntVector(), r.predictions(), "predictions of the same pass");
        int[][] probes = {{0, 0, 5, 5}, {1, 0, 11, 11}, {2, 0, 3, 8}, {0, 0, 10, 1}, {2, 0, 6, 6}};
        // Small steps: ReLU and max-pool kinks spoil larger ones; float precision limits smaller ones.
        double h = 3e-3;
        for (int[] p : probes) {
            INDArray plus = x.dup(), minus = x.dup();
            plus.putScalar(p, x.getDouble(p) + h);
            minus.putScalar(p, x.getDouble(p) - h);
            double fd = (meanLoss(net, plus, y) - meanLoss(net, minus, y)) / (2 * h);
            double an = r.gradient().getDouble(p);
            assertEquals(fd, an, 5e-4 + 0.03 * Math.abs(fd), "gradient at " + java.util.Arrays.toString(p));
        }
    }

    private static double meanLoss(ComputationGraph net, INDArray x, INDArray y) {
        INDArray p = net.outputSingle(false, x);
        return -Transforms.log(p.mul(y).sum(1)).meanNumber().doubleValue();
    }
}
