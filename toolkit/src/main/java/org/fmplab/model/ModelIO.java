package org.fmplab.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Saves and loads models in FMP Lab's own format — never DL4J's ModelSerializer zip, whose loading runs
 * Java object deserialization (a crafted file can execute code). A model is a directory of:
 * <ul>
 *   <li>{@code config.json} — the DL4J ComputationGraph configuration JSON;</li>
 *   <li>{@code params.npy} — all parameters as one float vector in NumPy .npy format (readable from Python);</li>
 *   <li>{@code manifest.json} — {@code format}, {@code version}, the SHA-256 of both files, library
 *       versions and free metadata (config, seed, metrics ...).</li>
 * </ul>
 * Loading verifies the format, both checksums and the parameter count, and refuses unexpected files.
 */
public final class ModelIO {
    public static final String FORMAT = "fmplab-model";
    public static final int VERSION = 1;
    public static final String CONFIG = "config.json";
    public static final String PARAMS = "params.npy";
    public static final String MANIFEST = "manifest.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelIO() { }

    /** A loaded model and the metadata stored with it. */
    public record Saved(ComputationGraph model, Map<String, Object> metadata) { }

    /** Writes {@code net} and {@code metadata} (JSON-serialisable values) into directory {@code dir}. */
    public static void save(ComputationGraph net, Path dir, Map<String, ?> metadata) {
        try {
            Files.createDirectories(dir);
            byte[] config = net.getConfiguration().toJson().getBytes(StandardCharsets.UTF_8);
            byte[] params = Nd4j.toNpyByteArray(net.params().dup());
            Files.write(dir.resolve(CONFIG), config);
            Files.write(dir.resolve(PARAMS), params);
            ObjectNode m = JSON.createObjectNode();
            m.put("format", FORMAT);
            m.put("version", VERSION);
            ObjectNode files = m.putObject("sha256");
            files.put(CONFIG, sha256(config));
            files.put(PARAMS, sha256(params));
            m.put("parameters", net.numParams());
            ObjectNode libs = m.putObject("libraries");
            libs.put("deeplearning4j", "1.0.0-M2.1");
            libs.put("java", System.getProperty("java.version"));
            m.set("metadata", JSON.valueToTree(metadata));
            Files.write(dir.resolve(MANIFEST), JSON.writeValueAsBytes(m));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save model to " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Loads a model saved by {@link #save}.
     *
     * @throws ModelFormatException if a file is missing, unexpected, tampered with or inconsistent
     */
    public static Saved load(Path dir) {
        if (!Files.isDirectory(dir)) throw new ModelFormatException(dir + ": not a model directory (missing)");
        try {
            checkEntries(dir);
            JsonNode m = JSON.readTree(dir.resolve(MANIFEST).toFile());
            if (!FORMAT.equals(m.path("format").asText())) {
                throw new ModelFormatException(dir.resolve(MANIFEST) + ": format is '" + m.path("format").asText() + "', expected '" + FORMAT + "'");
            }
            if (m.path("version").asInt(-1) != VERSION) {
                throw new ModelFormatException(dir.resolve(MANIFEST) + ": version " + m.path("version") + " is not supported (expected " + VERSION + ")");
            }
            byte[] config = readVerified(dir, CONFIG, m);
            byte[] params = readVerified(dir, PARAMS, m);
            ComputationGraphConfiguration conf;
            try {
                conf = ComputationGraphConfiguration.fromJson(new String(config, StandardCharsets.UTF_8));
            } catch (RuntimeException e) {
                throw new ModelFormatException(dir.resolve(CONFIG) + ": not a valid network configuration: " + e.getMessage());
            }
            Backend.init();
            ComputationGraph net = new ComputationGraph(conf);
            net.init();
            INDArray p;
            try {
                p = Nd4j.createNpyFromByteArray(params);
            } catch (RuntimeException e) {
                throw new ModelFormatException(dir.resolve(PARAMS) + ": not a valid .npy array: " + e.getMessage());
            }
            if (p.length() != net.numParams()) {
                throw new ModelFormatException(dir.resolve(PARAMS) + ": holds " + p.length() + " parameters, the configuration needs " + net.numParams());
            }
            net.setParams(p.reshape(1, p.length()).castTo(net.params().dataType()));
            @SuppressWarnings("unchecked")
            Map<String, Object> meta = m.has("metadata") ? JSON.convertValue(m.get("metadata"), LinkedHashMap.class) : Map.of();
            return new Saved(net, meta);
        } catch (IOException e) {
            throw new ModelFormatException(dir + ": cannot read model: " + e.getMessage());
        }
    }

    private static void checkEntries(Path dir) throws IOException {
        Set<String> expected = Set.of(CONFIG, PARAMS, MANIFEST);
        Set<String> present = new TreeSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> present.add(p.getFileName().toString()));
        }
        for (String e : expected) {
            if (!present.contains(e)) throw new ModelFormatException(dir.resolve(e) + ": missing");
        }
        present.removeAll(expected);
        if (!present.isEmpty()) throw new ModelFormatException(dir + ": unexpected entries " + present + " (refusing to load)");
    }

    private static byte[] readVerified(Path dir, String name, JsonNode manifest) throws IOException {
        byte[] data = Files.readAllBytes(dir.resolve(name));
        String want = manifest.path("sha256").path(name).asText("");
        String got = sha256(data);
        if (!got.equals(want)) {
            throw new ModelFormatException(dir.resolve(name) + ": SHA-256 mismatch (manifest " + (want.isEmpty() ? "has none" : want)
                    + ", file " + got + "): the file is corrupted or was modified");
        }
        return data;
    }

    /** Lower-case hex SHA-256 of {@code data}. */
    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
