package org.fmplab.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.attack.Attack;
import org.fmplab.attack.AttackState;
import org.fmplab.attack.BackdoorTestSet;
import org.fmplab.attack.PoisonConfig;
import org.fmplab.attack.Poisoner;
import org.fmplab.data.DataSplit;
import org.fmplab.data.Datasets;
import org.fmplab.data.ImageDataset;
import org.fmplab.data.Subsets;
import org.fmplab.metrics.Evaluator;
import org.fmplab.model.ModelIO;
import org.fmplab.model.TrainResult;
import org.fmplab.progress.ProgressListener;

/**
 * The comparison's on-disk cache under {@code <out>/cache}: each backdoored model (ModelIO format) with
 * its prepared attack (AttackState) in a folder named by a hash of everything that determines it, so a
 * rerun retrains only what changed; and each finished grid cell as JSON, keyed by the model's hash, the
 * defense, its parameters and the evaluation sizes.
 */
final class CompareCache {
    /** Bump when the meaning of a cached artifact changes. */
    static final int VERSION = 1;
    /**
     * Revision of a defense's algorithm, in its cells' keys: bump it when a defense's code changes what it
     * computes, so that cached cells of that defense are recomputed and the others stay valid. Absent = 1.
     * anp 2: the noise step takes the gradient's sign, as the release.
     */
    static final Map<String, Integer> DEFENSE_REVISIONS = Map.of("anp", 2);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final Path root;

    CompareCache(Path out) {
        this.root = out.resolve("cache");
    }

    /** A backdoored model with the data to evaluate and defend it. */
    record Backdoored(String hash, ComputationGraph model, Evaluator evaluator, ImageDataset defender, double trainSeconds, boolean cached) { }

    /** The hash of what determines a backdoored model (not the test size, defense or defender share). */
    static String modelHash(RunConfig c) {
        Map<String, Object> m = new TreeMap<>(ModelCache.keyFields(c));
        m.put("version", VERSION);
        return sha(m).substring(0, 16);
    }

    /** The folder of {@code c}'s backdoored model ({@code hash} = {@link #modelHash}(c)). */
    private Path modelDir(RunConfig c, String hash) {
        return root.resolve("models").resolve(c.attack() + "-" + hash);
    }

    /** The cached backdoored model of {@code c}, or a freshly trained (and then cached) one. */
    Backdoored backdoored(RunConfig c, ProgressListener listener) {
        String hash = modelHash(c);
        Path dir = modelDir(c, hash);
        CleanData clean = cleanData(c);
        try {
            if (Files.isRegularFile(dir.resolve("info.json"))) {
                JsonNode info = JSON.readTree(dir.resolve("info.json").toFile());
                ComputationGraph model = ModelIO.load(dir.resolve("model")).model();
                Attack attack = AttackState.load(dir.resolve("attack"));
                BackdoorTestSet bd = poisoner(attack, c).backdoorTestSet(clean.test());
                return new Backdoored(hash, model, new Evaluator(clean.test(), bd.images(), bd.targets()), clean.defender(),
                        info.path("trainSeconds").asDouble(), true);
            }
            Pipeline p = new Pipeline(c, listener);
            Pipeline.Data data = p.prepareData();
            if (!Arrays.equals(data.defenderClean().pixels(), clean.defender().pixels())
                    || !Arrays.equals(data.test().labels(), clean.test().labels())) {
                throw new IllegalStateException("the comparison's clean-data derivation no longer matches Pipeline.prepareData; update CompareCache.cleanData");
            }
            return store(c, data, p.trainBackdoored(data));
        } catch (IOException e) {
            throw new UncheckedIOException("model cache " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Caches {@code t}, the model trained on {@code data} (from {@code new Pipeline(c, …).prepareData()}),
     * as the backdoored model of {@code c}: {@code ./fmplab bench attacks} fills the cache this way.
     */
    Backdoored store(RunConfig c, Pipeline.Data data, TrainResult t) {
        String hash = modelHash(c);
        Path dir = modelDir(c, hash);
        try {
            Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
            deleteRecursively(tmp);
            Map<String, Object> meta = new LinkedHashMap<>(c.toMap());
            ModelIO.save(t.model(), tmp.resolve("model"), meta);
            AttackState.save(data.poisoner().attack(), tmp.resolve("attack"));
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("hash", hash);
            info.put("config", c.toMap());
            info.put("trainSeconds", t.seconds());
            Files.writeString(tmp.resolve("info.json"), JSON.writeValueAsString(info), StandardCharsets.UTF_8);
            deleteRecursively(dir);
            Files.move(tmp, dir);
            return new Backdoored(hash, t.model(), data.evaluator(), data.defenderClean(), t.seconds(), false);
        } catch (IOException e) {
            throw new UncheckedIOException("model cache " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A cached grid cell, or null. */
    CompareRow cell(String key) {
        Path f = cellFile(key);
        if (!Files.isRegularFile(f)) return null;
        try {
            JsonNode j = JSON.readTree(f.toFile());
            return new CompareRow(j.path("attack").asText(), j.path("defense").asText(), j.path("ca").asDouble(), j.path("asr").asDouble(),
                    j.path("ra").asDouble(), j.path("der").isNull() ? Double.NaN : j.path("der").asDouble(), j.path("seconds").asDouble());
        } catch (IOException e) {
            return null;
        }
    }

    /** A plain detail of a cached cell (as text), or null. */
    String cellDetail(String key, String name) {
        Path f = cellFile(key);
        if (!Files.isRegularFile(f)) return null;
        try {
            JsonNode v = JSON.readTree(f.toFile()).path("details").path(name);
            return v.isMissingNode() || v.isNull() ? null : v.asText();
        } catch (IOException e) {
            return null;
        }
    }

    void putCell(String key, CompareRow r, Map<String, Object> details) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attack", r.attack());
        m.put("defense", r.defense());
        m.put("ca", r.ca());
        m.put("asr", r.asr());
        m.put("ra", r.ra());
        m.put("der", Double.isNaN(r.der()) ? null : r.der());
        m.put("seconds", r.seconds());
        m.put("details", details);
        try {
            Files.createDirectories(cellFile(key).getParent());
            Files.writeString(cellFile(key), JSON.writeValueAsString(m), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The key of a cell: model hash, defense, its parameters, and what the evaluation and defender depend on. */
    static String cellKey(String modelHash, RunConfig c, String defense, Map<String, String> params) {
        Map<String, Object> m = new TreeMap<>();
        m.put("version", VERSION);
        m.put("model", modelHash);
        m.put("defense", defense);
        if (DEFENSE_REVISIONS.containsKey(defense)) m.put("revision", DEFENSE_REVISIONS.get(defense));
        m.put("params", new TreeMap<>(params));
        m.put("testLimit", c.testLimit());
        m.put("defenderFraction", c.defenderFraction());
        return defense + "-" + sha(m).substring(0, 16);
    }

    private Path cellFile(String key) {
        return root.resolve("cells").resolve(key + ".json");
    }

    /** Clean test set and defender subset, derived exactly as {@link Pipeline#prepareData()} does. */
    record CleanData(ImageDataset test, ImageDataset defender) { }

    static CleanData cleanData(RunConfig c) {
        DataSplit split = Datasets.load(c.dataset(), c.dataDir());
        ImageDataset train = split.train();
        if (c.trainLimit() > 0 && c.trainLimit() < train.size()) {
            train = train.subset(Subsets.classBalanced(train, (double) c.trainLimit() / train.size(), c.seed()));
        }
        ImageDataset test = c.testLimit() > 0 ? split.test().head(c.testLimit()) : split.test();
        ImageDataset defender = train.subset(Subsets.classBalanced(train, c.defenderFraction(), c.seed() + 4))
                .withName(train.name() + "-defender");
        return new CleanData(test, defender);
    }

    private static Poisoner poisoner(Attack attack, RunConfig c) {
        return new Poisoner(attack, new PoisonConfig(c.poisonRate(), c.target(), c.labelMode(), c.seed() + 1));
    }

    private static String sha(Map<String, Object> m) {
        try {
            byte[] canon = JSON.writeValueAsBytes(m);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canon));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
