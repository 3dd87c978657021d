package org.fmplab.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Builds the toolkit's networks as DL4J {@link ComputationGraph}s with stable vertex names, so that
 * feature-map layers can be found and pruned by graph identity. Input: "input", [N,C,H,W] in [0,1].
 * Output: "output", softmax over the classes. The optimiser is set by {@link Trainer}.
 */
public final class Models {
    private Models() { }

    /**
     * System property choosing the layers of the CPU nets: {@code fused} (the default), {@code unfused} or
     * {@code dl4j} ({@link Layers}); to compare speed.
     */
    public static final String LAYERS_PROPERTY = "fmplab.layers";

    /** Which layer implementations a net is built from. */
    public enum Layers {
        /** DL4J's own layers: BatchNormalization, then an ActivationLayer with ReLU. */
        DL4J,
        /** {@link KeptOutputConvolution}, DL4J's BatchNormalization and {@link ReluLayer}. */
        UNFUSED,
        /** {@link KeptOutputConvolution} and {@link FusedBatchNormRelu} (no separate ReLU vertex after a BatchNorm). */
        FUSED;

        /** The value of {@link #LAYERS_PROPERTY}. */
        static Layers parse(String value) {
            return switch (value.toLowerCase(java.util.Locale.ROOT)) {
                case "dl4j" -> DL4J;
                case "unfused" -> UNFUSED;
                case "fused" -> FUSED;
                default -> throw new IllegalArgumentException(LAYERS_PROPERTY + ": '" + value + "' (valid: fused, unfused, dl4j)");
            };
        }
    }

    /**
     * Builds and initialises the network described by {@code spec}, with this project's faster layers
     * ({@link KeptOutputConvolution}, {@link FusedBatchNormRelu}) on the CPU backend unless
     * {@code fmplab.layers} says otherwise; on CUDA the nets keep DL4J's own layers (cuDNN).
     */
    public static ComputationGraph build(ModelSpec spec) {
        return build(spec, null, false, defaultLayers());
    }

    /** The layers {@link #build(ModelSpec)} uses here. */
    public static Layers defaultLayers() {
        Backend.init();
        Layers asked = Layers.parse(System.getProperty(LAYERS_PROPERTY, "fused"));
        return Backend.cpu() ? asked : Layers.DL4J;
    }

    /** As {@link #build(ModelSpec)}, choosing the layers. */
    public static ComputationGraph build(ModelSpec spec, Layers layers) {
        return build(spec, null, false, layers);
    }

    /**
     * The same graph (vertex names, layers, parameter shapes) with PyTorch's geometry, for weights trained
     * in PyTorch: every k×k convolution pads k/2 on each side and output sizes round down
     * (DL4J's SAME mode pads a stride-2 convolution of an even-sized input only at the bottom/right, so
     * the two disagree there), and, when {@code norm} is not null, a fixed input normalisation vertex
     * "normalize" between "input" and the first convolution.
     */
    public static ComputationGraph buildPytorchLayout(ModelSpec spec, NormalizeVertex norm) {
        return build(spec, norm, true, defaultLayers());
    }

    private static ComputationGraph build(ModelSpec spec, NormalizeVertex norm, boolean torchPadding, Layers layers) {
        Backend.init();
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(spec.seed())
                .updater(new Sgd(0.01))
                .weightInit(WeightInit.RELU)
                .convolutionMode(torchPadding ? ConvolutionMode.Truncate : ConvolutionMode.Same)
                .graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(spec.height(), spec.imageWidth(), spec.channels()));
        String in = "input";
        if (norm != null) {
            g.addVertex("normalize", norm, in);
            in = "normalize";
        }
        String last = switch (spec.architecture()) {
            case ModelSpec.SMALL_CNN -> smallCnn(g, in, spec.width(), torchPadding, layers);
            case ModelSpec.PREACT_RESNET18 -> preActResNet18(g, in, spec.width(), torchPadding, layers);
            default -> throw new IllegalArgumentException(spec.architecture());
        };
        g.addLayer("output", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nOut(spec.numClasses()).activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build(), last);
        g.setOutputs("output");
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        // DL4J's own init ignores the seed within one JVM here (SeededInit says why): redraw from the seed.
        return SeededInit.apply(net, spec.seed());
    }

    /** conv-BN-ReLU ×2, max-pool, conv-BN-ReLU ×2, max-pool, fc128-ReLU; convs 3×3 of width w, w, 2w, 2w. */
    private static String smallCnn(ComputationGraphConfiguration.GraphBuilder g, String x, int w, boolean pad, Layers layers) {
        int[] widths = {w, w, 2 * w, 2 * w};
        for (int i = 0; i < widths.length; i++) {
            String n = Integer.toString(i + 1);
            g.addLayer("conv" + n, conv(3, 1, widths[i], true, pad, layers), x);
            x = bnRelu(g, "bn" + n, "relu" + n, "conv" + n, layers);
            if (i % 2 == 1) {
                String p = "pool" + (i / 2 + 1);
                g.addLayer(p, new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(), x);
                x = p;
            }
        }
        g.addLayer("fc1", new DenseLayer.Builder().nOut(128).activation(Activation.RELU).build(), x);
        return "fc1";
    }

    /**
     * PreActResNet-18 as in the paper: 3×3 stem conv (no BN), four stages of two pre-activation blocks
     * (widths w·1,2,4,8; strides 1,2,2,2), global average pool, linear. No conv biases. Block s{S}b{B}:
     * bn1-relu1 → [shortcut 1×1 strided conv on relu1 when the shape changes] → conv1 → bn2-relu2 → conv2
     * → add (fused: bn1 and bn2 output the ReLU, and there are no relu vertices; likewise in SmallCNN).
     */
    private static String preActResNet18(ComputationGraphConfiguration.GraphBuilder g, String input, int w, boolean pad, Layers layers) {
        g.addLayer("stem", conv(3, 1, w, false, pad, layers), input);
        String x = "stem";
        int in = w;
        int[] strides = {1, 2, 2, 2};
        for (int s = 0; s < 4; s++) {
            int out = w << s;
            for (int b = 0; b < 2; b++) {
                int stride = b == 0 ? strides[s] : 1;
                x = preActBlock(g, "s" + (s + 1) + "b" + (b + 1), x, in, out, stride, pad, layers);
                in = out;
            }
        }
        g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), x);
        return "pool";
    }

    private static String preActBlock(ComputationGraphConfiguration.GraphBuilder g, String p, String x, int in,
                                      int out, int stride, boolean pad, Layers layers) {
        String act1 = bnRelu(g, p + "_bn1", p + "_relu1", x, layers);
        String shortcut = x;
        if (stride != 1 || in != out) {
            g.addLayer(p + "_shortcut", conv(1, stride, out, false, pad, layers), act1);
            shortcut = p + "_shortcut";
        }
        g.addLayer(p + "_conv1", conv(3, stride, out, false, pad, layers), act1);
        String act2 = bnRelu(g, p + "_bn2", p + "_relu2", p + "_conv1", layers);
        g.addLayer(p + "_conv2", conv(3, 1, out, false, pad, layers), act2);
        g.addVertex(p + "_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), p + "_conv2", shortcut);
        return p + "_add";
    }

    /** {@code pad}: explicit k/2 padding (with the Truncate mode of the PyTorch layout); else SAME mode. */
    private static ConvolutionLayer conv(int k, int stride, int nOut, boolean bias, boolean pad, Layers layers) {
        ConvolutionLayer.Builder b = new ConvolutionLayer.Builder(k, k).stride(stride, stride).nOut(nOut).hasBias(bias)
                .activation(Activation.IDENTITY);
        if (pad) b.padding(k / 2, k / 2);
        return layers == Layers.DL4J ? b.build() : new KeptOutputConvolution(b);
    }

    /**
     * BatchNorm {@code bn} on {@code x} followed by ReLU; returns the vertex holding the activation: {@code bn}
     * itself when fused, else a ReLU vertex {@code relu} (DL4J silently ignores
     * {@code BatchNormalization.Builder().activation(...)}, so ReLU is a layer of its own there).
     */
    private static String bnRelu(ComputationGraphConfiguration.GraphBuilder g, String bn, String relu, String x, Layers layers) {
        if (layers == Layers.FUSED) {
            g.addLayer(bn, new FusedBatchNormRelu(new BatchNormalization.Builder()), x);
            return bn;
        }
        g.addLayer(bn, new BatchNormalization.Builder().build(), x);
        g.addLayer(relu, layers == Layers.UNFUSED ? new ReluLayer() : new ActivationLayer.Builder().activation(Activation.RELU).build(), bn);
        return relu;
    }
}
