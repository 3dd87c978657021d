package org.fmplab.fmp;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Small networks for the FMP tests. */
final class TestNets {
    private TestNets() { }

    /**
     * {@code net} with non-trivial BatchNorm parameters and running statistics (as after training),
     * so that folding them is really exercised. Returns {@code net}.
     */
    static ComputationGraph trainedLike(ComputationGraph net) {
        Nd4j.getRandom().setSeed(17);
        for (Layer l : net.getLayers()) {
            if (!(l.conf().getLayer() instanceof BatchNormalization bn)) continue;
            randomise(l.getParam("gamma"), 0.5, 1.5);
            randomise(l.getParam("beta"), -0.3, 0.3);
            randomise(l.getParam("mean"), -0.2, 0.2);
            if (bn.isUseLogStd()) randomise(l.getParam("log10stdev"), -0.5, 0.3);
            else randomise(l.getParam("var"), 0.3, 2.0);
        }
        return net;
    }

    private static void randomise(INDArray p, double lo, double hi) {
        p.assign(Nd4j.rand(p.dataType(), p.shape()).muli(hi - lo).addi(lo));
    }
}
