package org.fmplab.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.model.FeatureMapLayers;
import org.fmplab.model.Inference;
import org.fmplab.model.ModelIO;
import org.fmplab.model.ModelSpec;
import org.fmplab.model.Models;
import org.fmplab.model.NormalizeVertex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Imports the committed fixture (PyTorch twins with seeded random weights, written by
 * tests/fixtures/import/make_fixture.py) and compares with PyTorch's logits; every bad-file case.
 */
public class TorchImportTest {
    static final Path FIXTURE = Path.of("src/test/resources/import");
    static final NormalizeVertex CIFAR = new NormalizeVertex(new double[] {0.4914, 0.4822, 0.4465}, new double[] {0.247, 0.243, 0.261});

    @TempDir
    Path tmp;

    public static ComputationGraph resnet(String ext) {
        return TorchModels.importWeights(ModelSpec.PREACT_RESNET18, TorchModels.readWeights(FIXTURE.resolve("preactresnet18-w4." + ext)),
                10, 3, 32, 32, CIFAR);
    }

    static ComputationGraph smallCnn(String ext) {
        return TorchModels.importWeights(ModelSpec.SMALL_CNN, TorchModels.readWeights(FIXTURE.resolve("smallcnn-w4." + ext)),
                5, 3, 16, 16, null);
    }

    public static INDArray npy(String name) throws IOException {
        Tensor t = Numpy.readNpy(Files.readAllBytes(FIXTURE.resolve(name)), name, name);
        return Nd4j.create(t.values(), t.shape(), 'c');
    }

    public static double maxDiff(INDArray a, INDArray b) {
        return a.castTo(b.dataType()).sub(b).amaxNumber().doubleValue();
    }

    @Test
    void reproducesPytorchLogitsFromSafetensorsAndNpz() throws IOException {
        for (String ext : List.of("safetensors", "npz")) {
            INDArray x = npy("preactresnet18-w4-input.npy");
            ComputationGraph net = resnet(ext);
            assertTrue(maxDiff(Inference.logits(net, x), npy("preactresnet18-w4-logits.npy")) < 1e-4, "preactresnet18 " + ext);
            ComputationGraph cnn = smallCnn(ext);
            assertTrue(maxDiff(Inference.logits(cnn, npy("smallcnn-w4-input.npy")), npy("smallcnn-w4-logits.npy")) < 1e-4, "smallcnn " + ext);
        }
    }

    @Test
    void theImportedGraphIsModelsGraphPlusNormalisation() {
        ComputationGraph net = resnet("safetensors");
        ComputationGraph ours = Models.build(new ModelSpec(ModelSpec.PREACT_RESNET18, 4, 3, 32, 32, 10, 0));
        assertEquals(FeatureMapLayers.of(ours), FeatureMapLayers.of(net), "FMP and the pruning defenses see the same layers");
        assertEquals(ours.numParams(), net.numParams());
        assertEquals(List.of("input"), net.getConfiguration().getVertexInputs().get("normalize"));
        assertEquals(List.of("normalize"), net.getConfiguration().getVertexInputs().get("stem"));
    }

    @Test
    void theNormalisationSurvivesOurModelFormat() throws IOException {
        ComputationGraph net = resnet("safetensors");
        ModelIO.save(net, tmp.resolve("m"), Map.of());
        ComputationGraph back = ModelIO.load(tmp.resolve("m")).model();
        INDArray x = npy("preactresnet18-w4-input.npy");
        assertEquals(0.0, maxDiff(Inference.logits(back, x), Inference.logits(net, x)), 0.0);
    }

    @Test
    void roundTripOfAModelTrainedHere() throws IOException {
        INDArray x = npy("smallcnn-w4-input.npy");
        // a SmallCNN from Models.build (SAME padding, symmetric here), trained briefly
        ComputationGraph cnn = Models.build(new ModelSpec(ModelSpec.SMALL_CNN, 4, 3, 16, 16, 5, 7));
        INDArray labels = Nd4j.zeros(4, 5);
        for (int i = 0; i < 4; i++) labels.putScalar(i, i % 5, 1);
        for (int i = 0; i < 3; i++) cnn.fit(new org.nd4j.linalg.dataset.DataSet(x, labels));
        Path f = tmp.resolve("cnn.safetensors");
        TorchModels.export(cnn, 16, 16, f);
        ComputationGraph back = TorchModels.importWeights(ModelSpec.SMALL_CNN, TorchModels.readWeights(f), 5, 3, 16, 16, null);
        assertTrue(maxDiff(Inference.logits(back, x), Inference.logits(cnn, x)) < 1e-5);
        // an imported PreActResNet (PyTorch layout, with its normalisation) exported and imported again
        ComputationGraph net = resnet("npz");
        TorchModels.export(net, 32, 32, f);
        ComputationGraph again = TorchModels.importWeights(ModelSpec.PREACT_RESNET18, TorchModels.readWeights(f), 10, 3, 32, 32, CIFAR);
        INDArray xr = npy("preactresnet18-w4-input.npy");
        assertTrue(maxDiff(Inference.logits(again, xr), Inference.logits(net, xr)) < 1e-5);
    }

    @Test
    void refusesToExportSamePaddingThatPytorchCannotReproduce() {
        ComputationGraph ours = Models.build(new ModelSpec(ModelSpec.PREACT_RESNET18, 4, 3, 32, 32, 10, 0));
        var e = assertThrows(IllegalArgumentException.class, () -> TorchModels.export(ours, 32, 32, tmp.resolve("x.safetensors")));
        assertTrue(e.getMessage().contains("layer 's2b1_conv1' pads its 32-pixel input asymmetrically"), e.getMessage());
    }

    // ---- bad files ----

    private static Map<String, Tensor> fixtureTensors() {
        return new LinkedHashMap<>(TorchModels.readWeights(FIXTURE.resolve("smallcnn-w4.safetensors")));
    }

    private String importError(Map<String, Tensor> tensors) {
        Path f = tmp.resolve("bad.safetensors");
        SafeTensors.write(f, tensors, Map.of());
        return assertThrows(WeightsFormatException.class, () -> TorchModels.importWeights(ModelSpec.SMALL_CNN,
                TorchModels.readWeights(f), 5, 3, 16, 16, null)).getMessage();
    }

    @Test
    void namesMissingExtraMistypedAndMisshapedTensors() {
        Map<String, Tensor> t = fixtureTensors();
        t.remove("features.4.running_var");
        assertTrue(importError(t).contains("missing tensor 'features.4.running_var' [4] (our bn2.log10stdev)"), importError(t));

        t = fixtureTensors();
        t.put("head.weight", new Tensor("head.weight", "F32", new long[] {2}, new float[2]));
        assertTrue(importError(t).contains("unexpected tensor 'head.weight' F32 [2]"), importError(t));

        t = fixtureTensors();
        t.put("fc1.bias", new Tensor("fc1.bias", "I64", new long[] {128}, null));
        assertTrue(importError(t).contains("tensor 'fc1.bias' has dtype I64; parameters must be F32"), importError(t));

        t = fixtureTensors();
        t.put("features.3.weight", new Tensor("features.3.weight", "F32", new long[] {4, 4, 5, 5}, new float[400]));
        assertTrue(importError(t).contains("tensor 'features.3.weight' has shape [4, 4, 5, 5], smallcnn width 4 with 5 classes"
                + " and input 3x16x16 needs [4, 4, 3, 3] (our conv2.W)"), importError(t));

        t = fixtureTensors();
        t.put("out.weight", new Tensor("out.weight", "F32", new long[] {7, 128}, new float[7 * 128]));
        assertTrue(importError(t).contains("tensor 'out.weight' has shape [7, 128]"), importError(t));

        t = fixtureTensors();
        t.put("features.1.num_batches_tracked", new Tensor("features.1.num_batches_tracked", "F32", new long[] {1}, new float[1]));
        assertTrue(importError(t).contains("'features.1.num_batches_tracked' has dtype F32 and shape [1]; a BatchNorm counter is an integer scalar"),
                importError(t));
    }

    private String readError(String name, byte[] bytes) throws IOException {
        Path f = tmp.resolve(name);
        Files.write(f, bytes);
        return assertThrows(WeightsFormatException.class, () -> TorchModels.readWeights(f)).getMessage();
    }

    @Test
    void namesTheByteOffsetOfTruncatedAndMalformedSafetensors() throws IOException {
        byte[] good = Files.readAllBytes(FIXTURE.resolve("smallcnn-w4.safetensors"));
        long headerLen = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getLong(0);

        String truncated = readError("t.safetensors", java.util.Arrays.copyOf(good, good.length - 100));
        assertTrue(truncated.matches("(?s).*tensor 'out\\.(weight|bias)': data ends at byte \\d+ of the file, which has only "
                + (good.length - 100) + " bytes \\(truncated\\)"), truncated);

        assertTrue(readError("s.safetensors", new byte[] {1, 2, 3}).contains("3 bytes, too short"));

        byte[] huge = good.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
        assertTrue(readError("h.safetensors", huge).contains("header length at byte 0 is 1099511627776"), readError("h.safetensors", huge));

        byte[] json = good.clone();
        json[8] = 'x';
        assertTrue(readError("j.safetensors", json).contains("malformed JSON header (bytes 8 to " + (8 + headerLen) + ")"),
                readError("j.safetensors", json));

        byte[] sizes = new String(good, StandardCharsets.ISO_8859_1).replaceFirst("\"shape\":\\[4,3,3,3\\]", "\"shape\":[4,3,3,2]")
                .getBytes(StandardCharsets.ISO_8859_1);
        assertTrue(readError("z.safetensors", sizes).contains("tensor 'features.0.weight': data_offsets [0, 432] hold 432 bytes, but F32 [4, 3, 3, 2] needs 288"),
                readError("z.safetensors", sizes));

        byte[] trailing = java.util.Arrays.copyOf(good, good.length + 4);
        assertTrue(readError("r.safetensors", trailing).contains("4 bytes after the last tensor (byte " + good.length + " on) belong to no tensor"));
    }

    @Test
    void refusesBrokenNpzAndPickleAndUnknownFormats() throws IOException {
        byte[] good = Files.readAllBytes(FIXTURE.resolve("smallcnn-w4.npz"));
        assertTrue(readError("t.npz", java.util.Arrays.copyOf(good, good.length / 2)).contains("not a valid .npz (zip) archive"));

        String header = "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }";
        assertTrue(readError("o.npz", zip("w.npy", npy(header, new byte[16]))).contains("entry 'w.npy': dtype '|O' is not supported (object arrays hold pickled"));
        String f4 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        assertTrue(readError("s.npz", zip("w.npy", npy(f4, new byte[20]))).contains("entry 'w.npy': data of 24 bytes would end at byte"));
        assertTrue(readError("m.npz", zip("w.npy", npy("{'fortran_order': False}", new byte[0]))).contains("malformed .npy header (no 'descr')"));
        assertTrue(readError("model.pt", new byte[] {1}).contains("unknown weights format; use .safetensors or .npz (never a pickled"));
    }

    private static byte[] npy(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length).put(h).put(data);
        return b.array();
    }

    private static byte[] zip(String entry, byte[] content) throws IOException {
        var bytes = new java.io.ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            z.putNextEntry(new ZipEntry(entry));
            z.write(content);
            z.closeEntry();
        }
        return bytes.toByteArray();
    }
}
