package org.fmplab.attack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.fmplab.params.ParamSet;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Saves and restores a (prepared) attack in a directory: {@code attack.json} with the attack's registry
 * name, its parameters and a SHA-256 per state array, plus one NumPy {@code .npy} file per array of
 * {@link Attack#state()} (readable with {@code numpy.load}). No Java serialization is involved; a
 * restored attack produces the same triggered images as the saved one.
 */
public final class AttackState {
    /** The file that describes the attack. */
    public static final String DESCRIPTOR = "attack.json";
    static final String FORMAT = "fmplab-attack-state/2";
    /** Format 1 wrote camelCase parameter keys ({@code crossRatio}); they are read as kebab-case. */
    private static final String FORMAT_1 = "fmplab-attack-state/1";
    private static final Pattern ARRAY_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private AttackState() { }

    /** Writes {@code attack} into {@code dir} (created if needed; files of the same names are replaced). */
    public static void save(Attack attack, Path dir) throws IOException {
        Files.createDirectories(dir);
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("name", attack.name());
        root.set("params", JSON.valueToTree(attack.params()));
        ObjectNode arrays = root.putObject("arrays");
        for (Map.Entry<String, INDArray> e : new TreeMap<>(attack.state()).entrySet()) {
            String name = e.getKey();
            if (!ARRAY_NAME.matcher(name).matches()) throw new IllegalArgumentException(attack.name() + ": state array name '" + name + "' is not a safe file name");
            byte[] npy = Nd4j.toNpyByteArray(e.getValue());
            Files.write(dir.resolve(name + ".npy"), npy);
            arrays.putObject(name).put("file", name + ".npy").put("sha256", sha256(npy));
        }
        Files.writeString(dir.resolve(DESCRIPTOR), JSON.writeValueAsString(root));
    }

    /**
     * Recreates the attack saved in {@code dir} through the registry and restores its state.
     *
     * @throws IOException              if a file is missing or unreadable
     * @throws IllegalArgumentException if the descriptor is malformed, names an unknown attack, or an
     *                                  array's checksum does not match
     */
    public static Attack load(Path dir) throws IOException {
        Path descriptor = dir.resolve(DESCRIPTOR);
        JsonNode root = JSON.readTree(Files.readString(descriptor));
        String format = root == null ? "" : root.path("format").asText();
        if (!FORMAT.equals(format) && !FORMAT_1.equals(format)) {
            throw new IllegalArgumentException(descriptor + ": not an attack state (format must be '" + FORMAT + "')");
        }
        Map<String, Object> params = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("params").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            String key = FORMAT_1.equals(format) ? ParamSet.kebab(e.getKey()) : e.getKey();
            params.put(key, v.isBoolean() ? v.booleanValue() : v.isNumber() ? v.numberValue() : v.asText());
        }
        Attack attack = Attacks.create(root.path("name").asText(), params);
        Map<String, INDArray> state = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("arrays").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            if (!ARRAY_NAME.matcher(name).matches()) throw new IllegalArgumentException(descriptor + ": bad array name '" + name + "'");
            Path file = dir.resolve(name + ".npy");
            byte[] npy = Files.readAllBytes(file);
            if (!sha256(npy).equals(e.getValue().path("sha256").asText())) {
                throw new IllegalArgumentException(file + ": SHA-256 does not match " + DESCRIPTOR);
            }
            state.put(name, Nd4j.createFromNpyFile(file.toFile()));
        }
        if (!state.isEmpty()) attack.restoreState(state);
        return attack;
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
