package org.fmplab.experiment;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.importer.Numpy;
import org.fmplab.importer.Tensor;
import org.fmplab.importer.TorchModels;
import org.fmplab.model.FeatureMapLayers;
import org.fmplab.model.Inference;
import org.fmplab.model.ModelIO;
import org.fmplab.model.NormalizeVertex;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code ./fmplab import-model}: PyTorch weights (safetensors or .npz) → a model in our safe format, with
 * the source file's SHA-256 in its manifest, optionally checked against PyTorch's logits on a batch.
 */
final class ImportModel {
    private ImportModel() { }

    static final String HELP = Help.text("import-model");

    static int main(String[] argv, PrintStream out) {
        Args a = new Args(argv, Set.of("help"));
        if (a.flag("help")) {
            out.println(HELP);
            return 0;
        }
        String arch = required(a, "arch");
        Path weights = Path.of(required(a, "weights"));
        int classes = a.getInt("classes", -1);
        if (classes < 2) throw new IllegalArgumentException("--classes = " + classes + " must be given and >= 2");
        int[] input = ints(required(a, "input"), "input");
        if (input.length != 3 || Arrays.stream(input).anyMatch(v -> v <= 0)) {
            throw new IllegalArgumentException("--input = '" + a.get("input", "") + "' must be C,H,W with three positive integers");
        }
        NormalizeVertex norm = normalisation(a.get("mean", null), a.get("std", null), input[0]);
        Path dir = Path.of(required(a, "out"));
        String checkInput = a.get("check-input", null);
        String checkLogits = a.get("check-logits", null);
        double tolerance = a.getDouble("tolerance", 1e-4);
        if ((checkInput == null) != (checkLogits == null)) {
            throw new IllegalArgumentException("--check-input and --check-logits go together");
        }
        if (!(tolerance >= 0)) throw new IllegalArgumentException("--tolerance = " + tolerance + " must be >= 0");
        a.rejectUnknown();

        byte[] source = read(weights);
        ComputationGraph net = TorchModels.importWeights(arch, TorchModels.readWeights(weights), classes, input[0], input[1], input[2], norm);
        out.printf(Locale.ROOT, "imported %s: %s width %d, %,d parameters, %d feature-map layers%n", weights, arch,
                FeatureMapLayers.of(net).get(0).channels(), net.numParams(), FeatureMapLayers.of(net).size());
        Map<String, Object> check = null;
        if (checkInput != null) {
            INDArray x = array(Path.of(checkInput), "check-input");
            INDArray y = array(Path.of(checkLogits), "check-logits");
            long[] want = {x.size(0), input[0], input[1], input[2]};
            if (!Arrays.equals(x.shape(), want)) {
                throw new IllegalArgumentException("--check-input has shape " + Arrays.toString(x.shape()) + ", expected N x C x H x W = " + Arrays.toString(want));
            }
            if (x.minNumber().doubleValue() < 0 || x.maxNumber().doubleValue() > 1) {
                throw new IllegalArgumentException("--check-input values lie in [" + x.minNumber() + ", " + x.maxNumber()
                        + "]; give the [0, 1] images (the model applies --mean/--std itself)");
            }
            if (!Arrays.equals(y.shape(), new long[] {x.size(0), classes})) {
                throw new IllegalArgumentException("--check-logits has shape " + Arrays.toString(y.shape()) + ", expected [" + x.size(0) + ", " + classes + "]");
            }
            INDArray z = Inference.logits(net, x);
            double diff = z.sub(y).amaxNumber().doubleValue();
            long agree = z.argMax(1).eq(y.argMax(1)).castTo(org.nd4j.linalg.api.buffer.DataType.INT).sumNumber().longValue();
            out.printf(Locale.ROOT, "check on %d images: largest |logit difference| %.3g (tolerance %.2g), top-1 agreement %d/%d%n",
                    x.size(0), diff, tolerance, agree, x.size(0));
            if (!(diff <= tolerance)) {
                out.println("FAILED: the imported model does not reproduce PyTorch's logits; nothing written");
                return 1;
            }
            check = new LinkedHashMap<>();
            check.put("images", x.size(0));
            check.put("maxAbsDifference", diff);
            check.put("tolerance", tolerance);
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        Map<String, Object> src = new LinkedHashMap<>();
        src.put("file", weights.getFileName().toString());
        src.put("sha256", ModelIO.sha256(source));
        src.put("bytes", source.length);
        meta.put("imported", src);
        meta.put("arch", arch);
        meta.put("classes", classes);
        meta.put("input", input);
        if (norm != null) {
            meta.put("mean", norm.getMean());
            meta.put("std", norm.getStd());
        }
        if (check != null) meta.put("check", check);
        ModelIO.save(net, dir, meta);
        out.println("wrote " + dir + " (source SHA-256 " + src.get("sha256") + ")");
        return 0;
    }

    private static String required(Args a, String key) {
        String v = a.get(key, null);
        if (v == null) throw new IllegalArgumentException("--" + key + " is required (./fmplab import-model --help)");
        return v;
    }

    private static NormalizeVertex normalisation(String mean, String std, int channels) {
        if (mean == null && std == null) return null;
        if (mean == null || std == null) throw new IllegalArgumentException("--mean and --std go together");
        double[] m = Arrays.stream(mean.split(",")).mapToDouble(s -> number(s, "mean")).toArray();
        double[] s = Arrays.stream(std.split(",")).mapToDouble(v -> number(v, "std")).toArray();
        if (m.length != channels || s.length != channels) {
            throw new IllegalArgumentException("--mean has " + m.length + " and --std " + s.length + " values; the input has " + channels + " channels");
        }
        return new NormalizeVertex(m, s);
    }

    private static double number(String s, String key) {
        try {
            return Double.parseDouble(s.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " value '" + s + "' is not a number");
        }
    }

    private static int[] ints(String s, String key) {
        try {
            return Arrays.stream(s.split(",")).mapToInt(v -> Integer.parseInt(v.strip())).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " = '" + s + "' must be comma-separated integers");
        }
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    private static INDArray array(Path p, String key) {
        Tensor t = Numpy.readNpy(read(p), key, "--" + key + " " + p);
        if (t.values() == null) throw new IllegalArgumentException("--" + key + " " + p + " has dtype " + t.dtype() + "; give floats");
        return Nd4j.create(t.values(), t.shape(), 'c');
    }
}
