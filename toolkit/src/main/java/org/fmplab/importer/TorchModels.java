package org.fmplab.importer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.fmplab.model.ModelSpec;
import org.fmplab.model.Models;
import org.fmplab.model.NormalizeVertex;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * PyTorch state_dicts ↔ the toolkit's graphs. The graphs are exactly those of {@link Models} (same vertex
 * names, so FMP, pruning and every defense find their convolutions and BatchNorms), in PyTorch's geometry
 * ({@link Models#buildPytorchLayout}) with an optional input normalisation. Names:
 * <ul>
 *   <li>{@code preactresnet18}: BackdoorBench's PreActResNet-18 ({@code models/preact_resnet.py}), any width:
 *       {@code conv1} → stem, {@code layerS.B.{bn1,conv1,bn2,conv2,shortcut.0}} → {@code sSb(B+1)_*},
 *       {@code linear} → output;</li>
 *   <li>{@code smallcnn}: the PyTorch twin in {@code bench/nets.py}: {@code features.{0,3,7,10}} → conv1..4,
 *       {@code features.{1,4,8,11}} → bn1..4, {@code fc1}, {@code out} → output.</li>
 * </ul>
 * Convolution kernels are OIHW in both; Linear weights [out, in] are transposed to DL4J's [in, out];
 * BatchNorm's weight, bias, running_mean and running_var go to gamma, beta, mean and the variance (DL4J
 * stores log10 of the std by default: converted); {@code num_batches_tracked} is checked and ignored.
 * DL4J's BatchNorm ε is 1e-5, PyTorch's default.
 */
public final class TorchModels {
    private static final String NUM_BATCHES = "num_batches_tracked";

    private TorchModels() { }

    private enum Kind { KERNEL, VECTOR, BN_VAR, LINEAR_WEIGHT }

    /** One DL4J parameter and the PyTorch tensor it comes from. */
    private record Binding(String torch, String vertex, String key, long[] torchShape, Kind kind) { }

    /** Reads a {@code .safetensors} or {@code .npz} weights file (never pickle). */
    public static Map<String, Tensor> readWeights(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (n.endsWith(".safetensors")) return SafeTensors.read(file);
        if (n.endsWith(".npz")) return Numpy.readNpz(file);
        throw new WeightsFormatException(file + ": unknown weights format; use .safetensors or .npz (never a pickled .pt/.pth:"
                + " loading one runs code; docs/import.md shows the conversion)");
    }

    /** The tensor whose first dimension gives the network width. */
    private static String widthTensor(String arch) {
        return ModelSpec.SMALL_CNN.equals(arch) ? "features.0.weight" : "conv1.weight";
    }

    /**
     * Builds the {@code arch} graph for {@code classes} classes and C×H×W inputs, with the width read from
     * the weights, and loads every tensor into it.
     *
     * @param norm the input normalisation to build in, or null for none
     * @throws WeightsFormatException naming every missing, unexpected, mistyped or mis-shaped tensor
     */
    public static ComputationGraph importWeights(String arch, Map<String, Tensor> tensors, int classes, int channels,
                                                 int height, int width, NormalizeVertex norm) {
        if (!ModelSpec.ARCHITECTURES.contains(arch)) {
            throw new IllegalArgumentException("arch = '" + arch + "' is unknown; choose one of " + ModelSpec.ARCHITECTURES);
        }
        Tensor first = tensors.get(widthTensor(arch));
        if (first == null || first.shape().length != 4) {
            throw new WeightsFormatException("tensor '" + widthTensor(arch) + "' (the first convolution, OIHW) is "
                    + (first == null ? "missing" : "of shape " + first.shapeString()) + ": is this a " + arch + "?");
        }
        ComputationGraph net = Models.buildPytorchLayout(
                new ModelSpec(arch, (int) first.shape()[0], channels, height, width, classes, 0), norm);
        List<String> problems = new ArrayList<>();
        Set<String> used = new LinkedHashSet<>();
        for (Binding b : bindings(net, arch)) {
            Tensor t = tensors.get(b.torch());
            String ours = " (our " + b.vertex() + "." + b.key() + ")";
            if (t == null) {
                problems.add("missing tensor '" + b.torch() + "' " + java.util.Arrays.toString(b.torchShape()) + ours);
                continue;
            }
            used.add(b.torch());
            if (!Tensor.isFloating(t.dtype())) {
                problems.add("tensor '" + b.torch() + "' has dtype " + t.dtype() + "; parameters must be F32, F64, F16 or BF16");
            } else if (!java.util.Arrays.equals(t.shape(), b.torchShape())) {
                problems.add("tensor '" + b.torch() + "' has shape " + t.shapeString() + ", " + arch + " width "
                        + first.shape()[0] + " with " + classes + " classes and input " + channels + "x" + height + "x" + width
                        + " needs " + java.util.Arrays.toString(b.torchShape()) + ours);
            } else {
                String bad = load(net, b, t);
                if (bad != null) problems.add(bad);
            }
        }
        for (Tensor t : tensors.values()) {
            if (used.contains(t.name())) continue;
            if (t.name().endsWith("." + NUM_BATCHES) && used.contains(t.name().replace(NUM_BATCHES, "running_mean"))) {
                if (Tensor.isFloating(t.dtype()) || t.shape().length != 0) {
                    problems.add("tensor '" + t.name() + "' has dtype " + t.dtype() + " and shape " + t.shapeString()
                            + "; a BatchNorm counter is an integer scalar");
                }
                continue;
            }
            problems.add("unexpected tensor '" + t.name() + "' " + t.dtype() + " " + t.shapeString() + ": " + arch + " has no such parameter");
        }
        if (!problems.isEmpty()) {
            int shown = Math.min(problems.size(), 12);
            throw new WeightsFormatException(problems.size() + " problem(s) with the " + arch + " weights:\n  "
                    + String.join("\n  ", problems.subList(0, shown)) + (shown < problems.size() ? "\n  ..." : ""));
        }
        return net;
    }

    private static String load(ComputationGraph net, Binding b, Tensor t) {
        INDArray view = net.getLayer(b.vertex()).getParam(b.key());
        INDArray v = Nd4j.create(t.values(), t.shape(), 'c');
        switch (b.kind()) {
            case LINEAR_WEIGHT -> v = v.transpose();
            case BN_VAR -> {
                if (v.minNumber().doubleValue() < 0) return "tensor '" + b.torch() + "' has negative variances";
                v = Transforms.log(v, 10, true).muli(0.5); // log10 of the std
            }
            default -> { }
        }
        view.assign(v.reshape(view.shape()).castTo(view.dataType()));
        return null;
    }

    /**
     * Writes {@code net} (a SmallCNN or PreActResNet-18 from {@link Models}) as a PyTorch state_dict in
     * safetensors, loadable with {@code load_state_dict} into the twin; {@code height × width} is its input
     * size (it decides whether DL4J's SAME padding matches PyTorch's). The input normalisation is not a
     * state_dict entry: its mean and std go into the file's metadata.
     *
     * @throws IllegalArgumentException if a convolution pads differently from PyTorch (DL4J SAME mode,
     *                                  stride 2, even input size), so PyTorch would compute other logits
     */
    public static void export(ComputationGraph net, int height, int width, Path file) {
        String arch = architectureOf(net);
        checkPytorchGeometry(net, height, width);
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Binding b : bindings(net, arch)) {
            INDArray v = net.getLayer(b.vertex()).getParam(b.key()).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
            switch (b.kind()) {
                case LINEAR_WEIGHT -> v = v.transpose();
                case BN_VAR -> {
                    v = Transforms.pow(Nd4j.valueArrayOf(v.shape(), 10.0, v.dataType()), v, false);
                    v = v.mul(v);
                }
                default -> { }
            }
            out.put(b.torch(), new Tensor(b.torch(), "F32", b.torchShape(), Nd4j.toFlattened('c', v).toFloatVector()));
            if (b.torch().endsWith(".running_var")) {
                String n = b.torch().replace("running_var", NUM_BATCHES);
                out.put(n, new Tensor(n, "I64", new long[0], null));
            }
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("fmplab.arch", arch);
        if (net.getConfiguration().getVertices().get("normalize") instanceof NormalizeVertex n) {
            meta.put("fmplab.mean", java.util.Arrays.toString(n.getMean()));
            meta.put("fmplab.std", java.util.Arrays.toString(n.getStd()));
        }
        SafeTensors.write(file, out, meta);
    }

    /** The architecture of a graph built by {@link Models}, from its vertex names. */
    public static String architectureOf(ComputationGraph net) {
        Map<String, ?> v = net.getConfiguration().getVertices();
        if (v.containsKey("stem") && v.containsKey("s4b2_conv2")) return ModelSpec.PREACT_RESNET18;
        if (v.containsKey("conv4") && v.containsKey("fc1")) return ModelSpec.SMALL_CNN;
        throw new IllegalArgumentException("the network is neither a PreActResNet-18 nor a SmallCNN built by Models (vertices "
                + v.keySet() + ")");
    }

    /** DL4J's SAME mode pads (total − 1)/2 on top, PyTorch total/2 on both sides: they differ when the total is odd. */
    private static void checkPytorchGeometry(ComputationGraph net, int height, int width) {
        ComputationGraphConfiguration conf = net.getConfiguration();
        String first = ModelSpec.SMALL_CNN.equals(architectureOf(net)) ? "conv1" : "stem";
        long channels = ((ConvolutionLayer) ((LayerVertex) conf.getVertices().get(first)).getLayerConf().getLayer()).getNIn();
        Map<String, InputType> types = conf.getLayerActivationTypes(InputType.convolutional(height, width, channels));
        for (String name : conf.getVertices().keySet()) {
            Layer l = conf.getVertices().get(name) instanceof LayerVertex lv ? lv.getLayerConf().getLayer() : null;
            int[] k;
            int[] s;
            ConvolutionMode mode;
            if (l instanceof ConvolutionLayer c) {
                k = c.getKernelSize();
                s = c.getStride();
                mode = c.getConvolutionMode();
            } else if (l instanceof SubsamplingLayer p) {
                k = p.getKernelSize();
                s = p.getStride();
                mode = p.getConvolutionMode();
            } else {
                continue;
            }
            if (mode != ConvolutionMode.Same) continue;
            InputType.InputTypeConvolutional in = (InputType.InputTypeConvolutional) types.get(conf.getVertexInputs().get(name).get(0));
            long[] size = {in.getHeight(), in.getWidth()};
            for (int d = 0; d < 2; d++) {
                long outSize = (size[d] + s[d] - 1) / s[d];
                long total = Math.max(0, (outSize - 1) * s[d] + k[d] - size[d]);
                if (total % 2 == 1) {
                    throw new IllegalArgumentException("layer '" + name + "' pads its " + size[d] + "-pixel input asymmetrically (DL4J SAME mode, "
                            + "kernel " + k[d] + ", stride " + s[d] + "), which PyTorch cannot reproduce: build the model with "
                            + "Models.buildPytorchLayout to export it");
                }
            }
        }
    }

    /** Every parameter of {@code net} and its PyTorch name and shape, in graph order. */
    private static List<Binding> bindings(ComputationGraph net, String arch) {
        List<Binding> out = new ArrayList<>();
        ComputationGraphConfiguration conf = net.getConfiguration();
        for (int idx : net.topologicalSortOrder()) {
            String v = net.getVertices()[idx].getVertexName();
            if (!(conf.getVertices().get(v) instanceof LayerVertex lv)) continue;
            Layer l = lv.getLayerConf().getLayer();
            var layer = net.getLayer(v);
            if (layer.numParams() == 0) continue;
            String t = torchName(arch, v);
            if (l instanceof BatchNormalization bn) {
                long[] c = {bn.getNOut()};
                out.add(new Binding(t + ".weight", v, BatchNormalizationParamInitializer.GAMMA, c, Kind.VECTOR));
                out.add(new Binding(t + ".bias", v, BatchNormalizationParamInitializer.BETA, c, Kind.VECTOR));
                out.add(new Binding(t + ".running_mean", v, BatchNormalizationParamInitializer.GLOBAL_MEAN, c, Kind.VECTOR));
                out.add(bn.isUseLogStd()
                        ? new Binding(t + ".running_var", v, BatchNormalizationParamInitializer.GLOBAL_LOG_STD, c, Kind.BN_VAR)
                        : new Binding(t + ".running_var", v, BatchNormalizationParamInitializer.GLOBAL_VAR, c, Kind.VECTOR));
            } else if (l instanceof ConvolutionLayer) {
                out.add(new Binding(t + ".weight", v, "W", layer.getParam("W").shape(), Kind.KERNEL));
                if (layer.getParam("b") != null) out.add(new Binding(t + ".bias", v, "b", new long[] {layer.getParam("b").length()}, Kind.VECTOR));
            } else if (l instanceof FeedForwardLayer f) {
                out.add(new Binding(t + ".weight", v, "W", new long[] {f.getNOut(), f.getNIn()}, Kind.LINEAR_WEIGHT));
                out.add(new Binding(t + ".bias", v, "b", new long[] {f.getNOut()}, Kind.VECTOR));
            } else {
                throw new IllegalStateException("layer '" + v + "' (" + l.getClass().getSimpleName() + ") has no PyTorch mapping");
            }
        }
        return out;
    }

    /** Our vertex name → the PyTorch module name (see the class comment). */
    static String torchName(String arch, String vertex) {
        if (ModelSpec.SMALL_CNN.equals(arch)) {
            if (vertex.equals("output")) return "out";
            if (vertex.equals("fc1")) return vertex;
            int i = Integer.parseInt(vertex.substring(vertex.length() - 1)) - 1; // conv1..4, bn1..4
            int conv = 3 * i + (i >= 2 ? 1 : 0); // a max-pool follows the second conv-BN-ReLU
            return "features." + (vertex.startsWith("conv") ? conv : conv + 1);
        }
        if (vertex.equals("stem")) return "conv1";
        if (vertex.equals("output")) return "linear";
        // sSbB_part → layerS.(B-1).part; the shortcut conv sits in an nn.Sequential
        String part = vertex.substring(5);
        return "layer" + vertex.charAt(1) + "." + (vertex.charAt(3) - '1') + "." + (part.equals("shortcut") ? "shortcut.0" : part);
    }
}
