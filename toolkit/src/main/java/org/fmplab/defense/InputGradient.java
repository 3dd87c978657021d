package org.fmplab.defense;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.fmplab.model.FusedBatchNormRelu;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * Gradients of a network's cross-entropy with respect to its INPUT, with the network in inference
 * form — what Neural Cleanse and i-BAU optimise triggers and perturbations against.
 *
 * <p>DL4J has no input-gradient API, and its BatchNormalization backward always uses batch statistics
 * (wrong for an inference-mode model). So this builds a frozen copy in which every BatchNorm is
 * replaced by the affine it applies at inference (a 1×1 depthwise convolution with weight γ/√(var+ε)
 * and bias β − mean·γ/√(var+ε)); training-mode and inference-mode forward passes of that copy are
 * then the same function, and DL4J's ordinary backward pass (workspaces off, so the input vertex keeps
 * its epsilon) yields the exact input gradient. The original network is not modified.
 */
final class InputGradient {
    private final Capturing frozen;

    private InputGradient(Capturing frozen) {
        this.frozen = frozen;
    }

    /**
     * DL4J clears every vertex's epsilon at the end of {@code computeGradientAndScore()}; this subclass
     * keeps the input vertex's epsilon when the (protected) backward pass completes.
     */
    private static final class Capturing extends ComputationGraph {
        private final String input;
        private INDArray inputEpsilon;
        private int[] predictions;

        Capturing(ComputationGraphConfiguration conf, String input) {
            super(conf);
            this.input = input;
        }

        @Override
        protected void calcBackpropGradients(boolean clearLayers, boolean truncatedBPTT, INDArray... externalEpsilons) {
            predictions = predictionsFromOutputInput();
            super.calcBackpropGradients(clearLayers, truncatedBPTT, externalEpsilons);
            INDArray eps = getVertex(input).getEpsilon();
            inputEpsilon = eps == null ? null : eps.dup();
        }

        // The forward pass stops below the output layer; for a dense output layer fed a [N, F] input the
        // predicted classes are argmax(input·W + b) (softmax is monotone). Null when that does not apply.
        private int[] predictionsFromOutputInput() {
            String out = getConfiguration().getNetworkOutputs().get(0);
            org.deeplearning4j.nn.graph.vertex.GraphVertex v = getVertex(out);
            INDArray[] in = v.getInputs();
            if (!(v.getLayer().conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.OutputLayer)
                    || in == null || in.length != 1 || in[0] == null || in[0].rank() != 2) {
                return null;
            }
            INDArray w = v.getLayer().getParam("W"), b = v.getLayer().getParam("b");
            INDArray z = in[0].mmul(w);
            if (b != null) z.addiRowVector(b);
            return z.argMax(1).toIntVector();
        }
    }

    /**
     * The mean cross-entropy of a batch, its gradient with respect to the batch [N,C,H,W], and the
     * predicted class of each image (from the same forward pass).
     */
    record Result(double loss, INDArray gradient, int[] predictions) { }

    /** Builds the frozen copy of {@code net} (one input, one output layer). */
    static InputGradient of(ComputationGraph net) {
        ComputationGraphConfiguration conf = net.getConfiguration();
        if (conf.getNetworkInputs().size() != 1 || conf.getNetworkOutputs().size() != 1) {
            throw new IllegalArgumentException("input gradients need a network with one input and one output, got "
                    + conf.getNetworkInputs() + " / " + conf.getNetworkOutputs());
        }
        FineTuneConfiguration ft = new FineTuneConfiguration.Builder()
                .updater(new NoOp()).l2(0.0).weightDecay(0.0)
                .trainingWorkspaceMode(WorkspaceMode.NONE).inferenceWorkspaceMode(WorkspaceMode.NONE).build();
        TransferLearning.GraphBuilder b = new TransferLearning.GraphBuilder(net.clone()).fineTuneConfiguration(ft);
        List<String> bns = new ArrayList<>();
        for (GraphVertex v : net.getVertices()) {
            if (v.hasLayer() && v.getLayer().conf().getLayer() instanceof BatchNormalization bn) {
                String name = v.getVertexName();
                List<String> in = conf.getVertexInputs().get(name);
                b.removeVertexKeepConnections(name);
                // a BatchNorm with its ReLU fused keeps the ReLU
                Activation act = FusedBatchNormRelu.appliesRelu(bn) ? Activation.RELU : Activation.IDENTITY;
                b.addLayer(name, new ConvolutionLayer.Builder(1, 1).nIn(bn.getNOut()).nOut(bn.getNOut())
                        .hasBias(true).convolutionMode(ConvolutionMode.Same).activation(act).build(),
                        in.toArray(new String[0]));
                bns.add(name);
            }
        }
        ComputationGraph built = b.build();
        Capturing g = new Capturing(built.getConfiguration(), built.getConfiguration().getNetworkInputs().get(0));
        g.init(built.params().dup(), false);
        for (String name : bns) {
            INDArray[] affine = BatchNorms.affine(net, name);
            var layer = g.getLayer(name);
            INDArray w = layer.getParam("W");
            INDArray bias = layer.getParam("b");
            // a diagonal 1×1 convolution [C, C, 1, 1]: DL4J's depthwise convolution has no fast (oneDNN)
            // path and made the whole backward pass twice as slow
            w.assign(Nd4j.diag(affine[0]).reshape(w.shape()).castTo(w.dataType()));
            bias.assign(affine[1].reshape(bias.shape()).castTo(bias.dataType()));
        }
        return new InputGradient(g);
    }

    /** Class probabilities [N,K] of the frozen network (equal to the original's inference output). */
    INDArray probabilities(INDArray x) {
        org.fmplab.model.Backend.releaseNativeMemory(); // workspaces are off here
        return frozen.outputSingle(false, x);
    }

    /**
     * Mean cross-entropy of {@code x} against one-hot {@code labels} and its gradient with respect to
     * {@code x} (the gradient of the MEAN over the batch).
     */
    Result lossAndGradient(INDArray x, INDArray labels) {
        org.fmplab.model.Backend.releaseNativeMemory(); // workspaces are off here
        frozen.setInputs(x);
        frozen.setLabels(labels);
        frozen.inputEpsilon = null;
        frozen.computeGradientAndScore();
        INDArray eps = frozen.inputEpsilon;
        if (eps == null) throw new IllegalStateException("no input gradient was produced");
        // DL4J's output layers give per-example gradients of the summed loss; divide for the mean.
        INDArray g = eps.castTo(DataType.FLOAT).div(x.size(0));
        double loss = frozen.score();
        int[] pred = frozen.predictions != null ? frozen.predictions : frozen.outputSingle(false, x).argMax(1).toIntVector();
        frozen.inputEpsilon = null;
        frozen.predictions = null;
        return new Result(loss, g, pred);
    }

    /** The frozen network itself (for tests). */
    ComputationGraph network() {
        return frozen;
    }
}
