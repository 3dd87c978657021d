package org.fmplab.model;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.LeakyReLUBp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's {@link ActivationLayer} with ReLU, without its copies: in training DL4J's layer copies its input
 * and applies ReLU to the copy in place (two passes over memory), and in backprop copies the input again
 * before computing the derivative into a third array. Here each direction is one op writing a workspace
 * array: {@code relu(x)} forward, {@code dL/dy · [x > 0]} backward (DL4J's own ops, so equal to it
 * bit for bit). Anything else (inference, another activation, dropout) is DL4J's code.
 *
 * <p>Same configuration as an {@link ActivationLayer} with {@link Activation#RELU} (it is one), so code that
 * reads activation layers sees no difference.
 */
public class ReluLayer extends ActivationLayer {

    /** A ReLU layer. */
    public ReluLayer() {
        super(Activation.RELU);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index,
                             INDArray paramsView, boolean initializeParams, DataType dataType) {
        // As ActivationLayer.instantiate, with our implementation.
        return LayerWiring.wire(new Impl(conf, dataType), conf, listeners, index, paramsView, initializer(), initializeParams);
    }

    /** The layer implementation. */
    public static final class Impl extends org.deeplearning4j.nn.layers.ActivationLayer {
        Impl(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        // Plain ReLU (no cap, threshold or slope, no dropout) takes the one-op path.
        private boolean plain() {
            return layerConf().getIDropout() == null && new ActivationReLU().equals(layerConf().getActivationFn());
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
            if (!training || !plain()) return super.activate(training, mgr);
            assertInputSet(false);
            // DL4J's layer keeps its input unchanged for backprop; so does this (a new output array).
            INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, input.dataType(), input.shape(), input.ordering());
            Nd4j.getExecutioner().exec(new RectifiedLinear(input, out, 0.0));
            return out;
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
            if (!plain()) return super.backpropGradient(epsilon, mgr);
            assertInputSet(true);
            INDArray dx = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, input.dataType(), input.shape(), input.ordering());
            Nd4j.getExecutioner().exec(new LeakyReLUBp(input, epsilon, dx, 0.0));
            return new Pair<>(new DefaultGradient(), dx);
        }
    }
}
