package org.fmplab.fmp;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.fmplab.model.NormalizeVertex;
import org.fmplab.model.FusedBatchNormRelu;
import org.fmplab.model.KeptOutputConvolution;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * An inference-mode copy of a {@link ComputationGraph} that FMP probes: forward values of every
 * vertex, and exact input gradients pushed back from any vertex. DL4J offers no input-gradient API,
 * and its BatchNorm backward uses batch statistics even after an inference forward; here every
 * BatchNorm is folded into the frozen per-channel affine γ/√(var+ε)·(x − mean) + β that inference
 * applies (DL4J may store log10 of the std instead of the variance; both are read), and convolution
 * input gradients are transposed convolutions (no weight gradients, no recomputed forward).
 *
 * <p>Supported vertices: plain 2-D convolutions (identity activation, NCHW), BatchNormalization (with its
 * ReLU when fused, {@link FusedBatchNormRelu}), the
 * input normalisation of imported models ({@link NormalizeVertex}),
 * activation layers, max/avg subsampling, elementwise add, and, above the last convolution only,
 * global pooling, dense and output layers. Other vertices fail with their name when evaluated.
 * Parameters are copied: later changes to the network do not affect the probe.
 */
final class ProbeNet {
    private final ProbeNode[] nodes;
    private final Map<String, Integer> index = new HashMap<>();
    private final BitSet[] ancestors;
    private final int output;

    private ProbeNet(ProbeNode[] nodes, int output) {
        this.nodes = nodes;
        this.output = output;
        for (int i = 0; i < nodes.length; i++) index.put(nodes[i].name, i);
        ancestors = new BitSet[nodes.length];
        for (int i = 0; i < nodes.length; i++) {
            ancestors[i] = new BitSet(nodes.length);
            ancestors[i].set(i);
            for (int j : nodes[i].inputs) ancestors[i].or(ancestors[j]);
        }
    }

    /** Compiles {@code net} (one input, one output). */
    static ProbeNet of(ComputationGraph net) {
        ComputationGraphConfiguration conf = net.getConfiguration();
        if (conf.getNetworkInputs().size() != 1 || conf.getNetworkOutputs().size() != 1) {
            throw new IllegalArgumentException("the FMP probe needs a network with one input and one output, got inputs "
                    + conf.getNetworkInputs() + " and outputs " + conf.getNetworkOutputs());
        }
        Map<String, Integer> pos = new HashMap<>();
        List<ProbeNode> list = new ArrayList<>();
        for (int idx : net.topologicalSortOrder()) {
            String name = net.getVertices()[idx].getVertexName();
            List<String> inNames = conf.getVertexInputs().getOrDefault(name, List.of());
            int[] in = inNames.stream().mapToInt(pos::get).toArray();
            pos.put(name, list.size());
            list.add(conf.getNetworkInputs().contains(name) ? new ProbeNode.Input(name) : node(net, conf, name, in));
        }
        return new ProbeNet(list.toArray(new ProbeNode[0]), pos.get(conf.getNetworkOutputs().get(0)));
    }

    private static ProbeNode node(ComputationGraph net, ComputationGraphConfiguration conf, String name, int[] in) {
        GraphVertex v = conf.getVertices().get(name);
        if (v instanceof ElementWiseVertex e) {
            return e.getOp() == ElementWiseVertex.Op.Add ? new ProbeNode.Add(name, in)
                    : new ProbeNode.Unsupported(name, in, "ElementWiseVertex " + e.getOp());
        }
        if (v instanceof NormalizeVertex n) { // an imported model's fixed input normalisation
            var type = net.params().dataType();
            return new ProbeNode.Affine(name, in, Nd4j.createFromArray(n.scale()).castTo(type), Nd4j.createFromArray(n.shift()).castTo(type), false);
        }
        if (!(v instanceof LayerVertex lv)) return new ProbeNode.Unsupported(name, in, v.getClass().getSimpleName());
        Layer layer = lv.getLayerConf().getLayer();
        InputPreProcessor pre = lv.getPreProcessor();
        String type = layer.getClass().getSimpleName();
        boolean flattenOnly = pre == null || pre instanceof CnnToFeedForwardPreProcessor;
        if (!flattenOnly || (pre != null && !(layer instanceof DenseLayer || layer instanceof BaseOutputLayer))) {
            return new ProbeNode.Unsupported(name, in, type + " with preprocessor " + pre.getClass().getSimpleName());
        }
        org.deeplearning4j.nn.api.Layer runtime = net.getLayer(name);
        if (KeptOutputConvolution.isPlainConvolution(layer)) {
            ConvolutionLayer c = (ConvolutionLayer) layer;
            if (!(c.getActivationFn() instanceof ActivationIdentity) || c.getCnn2dDataFormat() != CNN2DFormat.NCHW
                    || c.getConvolutionMode() == ConvolutionMode.Causal) {
                return new ProbeNode.Unsupported(name, in, "ConvolutionLayer with activation " + c.getActivationFn()
                        + ", format " + c.getCnn2dDataFormat() + ", mode " + c.getConvolutionMode());
            }
            INDArray b = c.hasBias() ? runtime.getParam(DefaultParamInitializer.BIAS_KEY).dup().reshape(c.getNOut()) : null;
            return new ProbeNode.Conv(name, in, runtime.getParam(DefaultParamInitializer.WEIGHT_KEY).dup('c'), b,
                    window(c.getKernelSize(), c.getStride(), c.getPadding(), c.getDilation(), c.getConvolutionMode()));
        }
        if (layer instanceof BatchNormalization bn) return foldBatchNorm(name, in, bn, runtime);
        if (layer instanceof ActivationLayer a) return new ProbeNode.Activation(name, in, a.getActivationFn());
        if (layer.getClass() == SubsamplingLayer.class) {
            SubsamplingLayer s = (SubsamplingLayer) layer;
            if ((s.getPoolingType() != PoolingType.MAX && s.getPoolingType() != PoolingType.AVG)
                    || s.getCnn2dDataFormat() != CNN2DFormat.NCHW) {
                return new ProbeNode.Unsupported(name, in, "SubsamplingLayer " + s.getPoolingType());
            }
            return new ProbeNode.Pool(name, in, s.getPoolingType() == PoolingType.MAX,
                    window(s.getKernelSize(), s.getStride(), s.getPadding(), s.getDilation(), s.getConvolutionMode()),
                    s.isAvgPoolIncludePadInDivisor() ? 1 : 0);
        }
        if (layer instanceof GlobalPoolingLayer g && (g.getPoolingType() == PoolingType.AVG || g.getPoolingType() == PoolingType.MAX)) {
            return new ProbeNode.GlobalPool(name, in, g.getPoolingType() == PoolingType.MAX);
        }
        if (layer instanceof DenseLayer || layer instanceof BaseOutputLayer) {
            INDArray w = runtime.getParam(DefaultParamInitializer.WEIGHT_KEY).dup('c');
            INDArray b = runtime.getParam(DefaultParamInitializer.BIAS_KEY);
            var fn = layer instanceof BaseOutputLayer ? null : ((DenseLayer) layer).getActivationFn();
            return new ProbeNode.Dense(name, in, w, b == null ? null : b.dup().reshape(1, w.size(1)), fn);
        }
        return new ProbeNode.Unsupported(name, in, type);
    }

    private static ProbeOps.Window window(int[] k, int[] s, int[] p, int[] d, ConvolutionMode mode) {
        return new ProbeOps.Window(k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1], mode == ConvolutionMode.Same);
    }

    private static ProbeNode foldBatchNorm(String name, int[] in, BatchNormalization bn, org.deeplearning4j.nn.api.Layer runtime) {
        INDArray mean = runtime.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN).dup().reshape(-1);
        INDArray var;
        if (bn.isUseLogStd()) {
            INDArray std = Transforms.pow(Nd4j.valueArrayOf(mean.shape(), 10.0, mean.dataType()),
                    runtime.getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD).dup().reshape(-1));
            var = std.mul(std);
        } else {
            var = runtime.getParam(BatchNormalizationParamInitializer.GLOBAL_VAR).dup().reshape(-1);
        }
        INDArray gamma = bn.isLockGammaBeta() ? Nd4j.valueArrayOf(mean.shape(), bn.getGamma(), mean.dataType())
                : runtime.getParam(BatchNormalizationParamInitializer.GAMMA).dup().reshape(-1);
        INDArray beta = bn.isLockGammaBeta() ? Nd4j.valueArrayOf(mean.shape(), bn.getBeta(), mean.dataType())
                : runtime.getParam(BatchNormalizationParamInitializer.BETA).dup().reshape(-1);
        INDArray scale = gamma.div(Transforms.sqrt(var.add(bn.getEps()), false));
        INDArray shift = beta.sub(mean.mul(scale));
        return new ProbeNode.Affine(name, in, scale, shift, FusedBatchNormRelu.appliesRelu(bn));
    }

    /** Index of the vertex called {@code name}. */
    int indexOf(String name) {
        Integer i = index.get(name);
        if (i == null) throw new IllegalArgumentException("no vertex '" + name + "' in the probe network");
        return i;
    }

    ProbeNode node(int i) {
        return nodes[i];
    }

    /** Forward pass of every vertex. */
    Activations forward(INDArray x) {
        return forward(x, output);
    }

    /** Forward pass of the vertices {@code target} depends on (a truncated forward). */
    Activations forward(INDArray x, int target) {
        INDArray[] values = new INDArray[nodes.length];
        BitSet needed = ancestors[target];
        for (int i = needed.nextSetBit(0); i >= 0; i = needed.nextSetBit(i + 1)) {
            ProbeNode n = nodes[i];
            if (n instanceof ProbeNode.Input) {
                values[i] = x;
                continue;
            }
            INDArray[] in = new INDArray[n.inputs.length];
            for (int k = 0; k < in.length; k++) in[k] = values[n.inputs[k]];
            values[i] = n.forward(in);
        }
        return new Activations(values, x.size(0));
    }

    /** The logits (pre-softmax output) of a full forward pass. */
    INDArray logits(Activations a) {
        return a.value(output);
    }

    /**
     * Gradient with respect to the network input of a scalar whose gradient at vertex {@code from}'s
     * output is {@code eps}. {@code eps} may hold r replicas of the forward batch (r·N rows): the
     * forward values are then replicated, so each replica gets its own independent gradient.
     */
    INDArray inputGradient(Activations a, int from, INDArray eps) {
        INDArray[] grads = new INDArray[nodes.length];
        grads[from] = eps;
        return propagate(a, from, grads, eps.size(0));
    }

    /**
     * Like {@link #inputGradient} for a convolution vertex whose output gradient is zero except in
     * {@code channel}, given as {@code epsChannel} [N, 1, H, W] (one replica).
     */
    INDArray inputGradientOneChannel(Activations a, int conv, int channel, INDArray epsChannel) {
        ProbeNode.Conv c = (ProbeNode.Conv) nodes[conv];
        INDArray[] grads = new INDArray[nodes.length];
        long rows = epsChannel.size(0);
        grads[c.inputs[0]] = c.backwardOneChannel(channel, epsChannel, i -> a.replicated(c.inputs[i], rows));
        return propagate(a, c.inputs[0], grads, rows);
    }

    private INDArray propagate(Activations a, int start, INDArray[] grads, long rows) {
        BitSet needed = ancestors[start];
        for (int i = needed.previousSetBit(nodes.length - 1); i >= 0; i = needed.previousSetBit(i - 1)) {
            ProbeNode n = nodes[i];
            INDArray g = grads[i];
            if (n instanceof ProbeNode.Input) return g;
            if (g == null) continue;
            INDArray[] gin = n.backward(g, k -> a.replicated(n.inputs[k], rows));
            for (int k = 0; k < gin.length; k++) {
                int j = n.inputs[k];
                grads[j] = grads[j] == null ? gin[k] : grads[j].add(gin[k]);
            }
            grads[i] = null;
        }
        throw new IllegalStateException("vertex " + nodes[start].name + " does not depend on the network input");
    }

    /** Forward values of one pass, indexed by vertex; replicated copies are made on demand and cached. */
    static final class Activations {
        private final INDArray[] values;
        private final long rows;
        private final Map<Long, INDArray[]> replicas = new HashMap<>();

        Activations(INDArray[] values, long rows) {
            this.values = values;
            this.rows = rows;
        }

        INDArray value(int i) {
            INDArray v = values[i];
            if (v == null) throw new IllegalStateException("vertex " + i + " was not computed by this (truncated) forward pass");
            return v;
        }

        long rows() {
            return rows;
        }

        /** Vertex i's value tiled to {@code n} rows (n a multiple of the batch size). */
        INDArray replicated(int i, long n) {
            if (n == rows) return value(i);
            if (n % rows != 0) throw new IllegalArgumentException(n + " gradient rows for a batch of " + rows);
            INDArray[] cache = replicas.computeIfAbsent(n, k -> new INDArray[values.length]);
            if (cache[i] == null) {
                INDArray v = value(i);
                int[] reps = new int[v.rank()];
                java.util.Arrays.fill(reps, 1);
                reps[0] = (int) (n / rows);
                try (var ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                    cache[i] = Nd4j.tile(v, reps);
                }
            }
            return cache[i];
        }
    }
}
