package org.fmplab.model;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's 2-D convolution, except that backprop does not run the forward convolution again.
 *
 * <p>DL4J's {@code ConvolutionLayer.backpropGradient} recomputes the layer's pre-activation to apply the
 * activation's derivative, even for the identity, whose derivative does not read it (9% of a
 * PreActResNet-18 training step, docs/benchmarks.md). With the identity activation the layer's output is its
 * pre-activation, so this layer keeps the output of its last training forward pass and hands it to its
 * own backward pass instead. The kept array is dropped by every forward pass (a new training forward
 * replaces it, an inference forward leaves none), by the backward pass that uses it, and by
 * {@code clear()}, so no later pass can see an old one; other activations are computed as DL4J does.
 *
 * <p>Same configuration, parameters and JSON fields as {@link ConvolutionLayer} (it is one): code that
 * reads convolutions accepts it through {@link #isPlainConvolution}. Built with
 * {@code new KeptOutputConvolution(new ConvolutionLayer.Builder(...))}.
 */
public class KeptOutputConvolution extends ConvolutionLayer {

    /** For JSON deserialisation. */
    public KeptOutputConvolution() {
        super();
    }

    public KeptOutputConvolution(ConvolutionLayer.Builder builder) {
        super(builder);
    }

    /**
     * True for a plain 2-D convolution configuration: DL4J's {@link ConvolutionLayer} itself or this
     * layer, not its other subclasses (depthwise, separable, transposed, 1-D, 3-D) whose weights differ.
     */
    public static boolean isPlainConvolution(org.deeplearning4j.nn.conf.layers.Layer layer) {
        return layer != null && (layer.getClass() == ConvolutionLayer.class || layer.getClass() == KeptOutputConvolution.class);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index,
                             INDArray paramsView, boolean initializeParams, DataType dataType) {
        // As ConvolutionLayer.instantiate, with our implementation.
        LayerValidation.assertNInNOutSet("ConvolutionLayer", getLayerName(), index, getNIn(), getNOut());
        Impl ret = new Impl(conf, dataType);
        ret.setListeners(listeners);
        ret.setIndex(index);
        ret.setParamsViewArray(paramsView);
        ParamInitializer init = initializer();
        Map<String, INDArray> params = init.init(conf, paramsView, initializeParams);
        ret.setParamTable(params);
        ret.setConf(conf);
        return ret;
    }

    /** The layer implementation: DL4J's, keeping its training output for its backward pass. */
    public static final class Impl extends org.deeplearning4j.nn.layers.convolution.ConvolutionLayer {
        /** Output of the last training forward pass, not yet used by a backward pass; else null. */
        private INDArray kept;

        Impl(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        /** Whether a forward output is held for the next backward pass (for tests). */
        boolean holdsForwardOutput() {
            return kept != null;
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            kept = null;
            INDArray out = super.activate(training, workspaceMgr);
            // With the identity the output is the pre-activation; it lives in the forward pass's activation
            // workspace, which stays open until this layer's backward pass has run.
            if (training && layerConf().getActivationFn() instanceof ActivationIdentity) kept = out;
            return out;
        }

        @Override
        protected Pair<INDArray, INDArray> preOutput4d(boolean training, boolean forBackprop, LayerWorkspaceMgr workspaceMgr) {
            if (forBackprop && kept != null) {
                INDArray z = kept;
                kept = null;
                return new Pair<>(z, null);
            }
            return super.preOutput4d(training, forBackprop, workspaceMgr);
        }

        @Override
        public void clear() {
            kept = null;
            super.clear();
        }
    }
}
