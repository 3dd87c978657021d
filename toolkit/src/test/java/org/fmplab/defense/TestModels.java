package org.fmplab.defense;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.model.ModelSpec;
import org.fmplab.model.Models;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Tiny untrained networks for unit tests. */
final class TestModels {
    private TestModels() { }

    static ComputationGraph smallCnn(int width, int channels, int size, long seed) {
        return Models.build(new ModelSpec(ModelSpec.SMALL_CNN, width, channels, size, size, 10, seed));
    }

    static ComputationGraph resnet(int width, int channels, int size, long seed) {
        return Models.build(new ModelSpec(ModelSpec.PREACT_RESNET18, width, channels, size, size, 10, seed));
    }

    /** Non-trivial BN statistics and affine parameters, as after training. */
    static void randomiseBatchNorms(ComputationGraph net, long seed) {
        Nd4j.getRandom().setSeed(seed);
        for (org.deeplearning4j.nn.api.Layer l : net.getLayers()) {
            if (l.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.BatchNormalization) {
                l.getParam("gamma").assign(Nd4j.rand(DataType.FLOAT, l.getParam("gamma").shape()).addi(0.5));
                l.getParam("beta").assign(Nd4j.randn(DataType.FLOAT, l.getParam("beta").shape()).muli(0.3));
                l.getParam("mean").assign(Nd4j.randn(DataType.FLOAT, l.getParam("mean").shape()).muli(0.2));
                var logStd = l.getParam("log10stdev");
                if (logStd != null) logStd.assign(Nd4j.rand(DataType.FLOAT, logStd.shape()).muli(0.4).subi(0.2));
            }
        }
    }
}
