package org.fmplab.experiment;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.fmplab.model.Backend;
import org.fmplab.model.EpochStats;
import org.fmplab.model.ModelFormatException;
import org.fmplab.model.ModelIO;
import org.fmplab.model.TrainResult;
import org.fmplab.progress.ProgressListener;

/**
 * Backdoored models cached on disk, keyed by a hash of everything that determines them (dataset and
 * training-set size, model, attack and its parameters, poisoning, training recipe, seed), so that each
 * configuration is trained once: the tutorial notebooks share one backdoored model this way, and a
 * rerun of a notebook skips the training it already did. The test-set size and the defender's share
 * do not change the trained model and are not part of the key.
 *
 * <p>An entry is a model folder in the safe format of {@link ModelIO} (no Java deserialisation;
 * checksums verified on load) with the training history in its manifest. The cache lives in
 * {@code $FMPLAB_CACHE} when set, else {@code runs/cache} under the working directory.
 *
 * <pre>{@code
 * Pipeline.Data data = new Pipeline(config, null).prepareData();
 * TrainResult trained = ModelCache.defaultCache().backdoored(config, data, progressBar());
 * }</pre>
 */
public final class ModelCache {
    /** Environment variable naming the cache folder. */
    public static final String DIR_ENV = "FMPLAB_CACHE";
    /** Bump when the meaning of a cached model changes (the key includes it). */
    static final int KEY_VERSION = 2;
    /**
     * Attacks whose training changed after models were cached, by revision: their keys (here and in the
     * comparison's cache) change, the others' stay (WaNet 1, Input-aware 1: poisoned images re-drawn in every batch).
     */
    static final Map<String, Integer> ATTACK_REVISIONS = Map.of("wanet", 1, "input-aware", 1);

    private final ArtifactStore store;

    /** A cache in the artifact store at {@code root} (created on first write); models live in {@code root/models}. */
    public ModelCache(Path root) {
        if (root == null) throw new IllegalArgumentException("root must not be null");
        this.store = new ArtifactStore(root);
    }

    /** The cache in {@code $FMPLAB_CACHE}, else {@code runs/cache}. */
    public static ModelCache defaultCache() {
        String env = System.getenv(DIR_ENV);
        return new ModelCache(env == null || env.isBlank() ? Path.of("runs", "cache") : Path.of(env));
    }

    public Path root() {
        return store.root();
    }

    /**
     * The settings of {@code c} that determine its backdoored model (sorted by name). Both this cache and
     * the comparison's model cache key on them; the test-set size, defense and defender share are not
     * among them.
     */
    public static Map<String, Object> keyFields(RunConfig c) {
        Map<String, Object> m = new TreeMap<>();
        m.put("dataset", c.dataset());
        m.put("dataDir", c.dataDir() == null ? "" : c.dataDir().toAbsolutePath().toString());
        m.put("trainLimit", c.trainLimit());
        m.put("model", c.architecture());
        m.put("width", c.effectiveWidth());
        m.put("attack", c.attack());
        m.put("attackParams", new TreeMap<>(c.attackParams()));
        m.put("poisonRate", c.poisonRate());
        m.put("target", c.target());
        m.put("labelMode", c.labelMode().toString());
        m.put("epochs", c.epochs());
        m.put("batchSize", c.batchSize());
        m.put("learningRate", c.learningRate());
        m.put("seed", c.seed());
        if (ATTACK_REVISIONS.containsKey(c.attack())) m.put("attackRevision", ATTACK_REVISIONS.get(c.attack()));
        // Models built since Models.build draws its weights from the seed (SeededInit); models cached before
        // came from DL4J's init, which did not follow the seed, and must not be served for these settings.
        m.put("init", "seeded");
        return m;
    }

    /** The threads ND4J computes with in this process (OMP_NUM_THREADS, else the cores). */
    public static int computeThreads() {
        Backend.init();
        return org.nd4j.linalg.factory.Nd4j.getEnvironment().maxThreads();
    }

    /** A short hash of {@link #keyFields}. */
    public static String key(RunConfig c) {
        Map<String, Object> m = new TreeMap<>(keyFields(c));
        m.put("keyVersion", KEY_VERSION);
        return ModelIO.sha256(m.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    /** The folder of {@code c}'s entry (present or not). */
    public Path dir(RunConfig c) {
        return store.path("models", name(c));
    }

    /** The store name of {@code c}'s model: attack, architecture and {@link #key}. */
    public static String name(RunConfig c) {
        return c.attack() + "-" + c.architecture() + "-" + key(c);
    }

    /** True if a model for {@code c} is cached. */
    public boolean contains(RunConfig c) {
        return Files.isDirectory(dir(c));
    }

    /**
     * The cached training result of {@code c}, if any.
     *
     * @throws org.fmplab.model.ModelFormatException if the entry is corrupted or was modified
     */
    public Optional<TrainResult> get(RunConfig c) {
        if (!contains(c)) return Optional.empty();
        ModelIO.Saved saved = ModelIO.load(dir(c));
        Map<String, Object> meta = saved.metadata();
        List<EpochStats> history = new ArrayList<>();
        if (meta.get("history") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> e) {
                    history.add(new EpochStats(num(e.get("epoch")).intValue(), num(e.get("loss")).doubleValue(),
                            num(e.get("learningRate")).doubleValue(), num(e.get("seconds")).doubleValue()));
                }
            }
        }
        return Optional.of(new TrainResult(saved.model(), history, num(meta.get("seconds")).doubleValue(),
                num(meta.get("images")).longValue()));
    }

    private static Number num(Object o) {
        return o instanceof Number n ? n : Double.NaN;
    }

    /**
     * Stores {@code trained} as the model of {@code c} unless the store has one: written atomically under
     * the entry's lock, so concurrent processes never see a partial model.
     */
    public void put(RunConfig c, TrainResult trained) {
        store.directory("models", name(c), tmp -> ModelIO.save(trained.model(), tmp, metadata(c, trained)));
    }

    private static Map<String, Object> metadata(RunConfig c, TrainResult trained) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("key", keyFields(c));
        List<Map<String, Object>> history = new ArrayList<>();
        for (EpochStats e : trained.history()) {
            history.add(Map.of("epoch", e.epoch(), "loss", e.loss(), "learningRate", e.learningRate(), "seconds", e.seconds()));
        }
        meta.put("history", history);
        meta.put("seconds", trained.seconds());
        meta.put("images", trained.images());
        return meta;
    }

    /** Where the tutorials' models ship in the toolkit jar (from the repository's {@code models/}, see its README). */
    static final String SHIPPED = "/tutorial-models/";

    /** True if the toolkit ships a model for {@code c} (the tutorials' quick and full-size models). */
    public static boolean ships(RunConfig c) {
        return ModelCache.class.getResource(SHIPPED + name(c) + "/" + ModelIO.MANIFEST) != null;
    }

    /**
     * Copies the shipped model of {@code c} into this cache unless the cache has one; false if none ships.
     * The copy is written like any entry (atomically, under the entry's lock) and its checksums are
     * verified when it is loaded.
     */
    public boolean installShipped(RunConfig c) {
        if (!ships(c)) return false;
        store.directory("models", name(c), tmp -> {
            try {
                Files.createDirectories(tmp);
                for (String f : List.of(ModelIO.CONFIG, ModelIO.PARAMS, ModelIO.MANIFEST)) {
                    try (var in = ModelCache.class.getResourceAsStream(SHIPPED + name(c) + "/" + f)) {
                        if (in == null) throw new ModelFormatException("the shipped model " + name(c) + " lacks " + f);
                        Files.copy(in, tmp.resolve(f));
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return true;
    }

    /**
     * The backdoored model of {@code c}: from the cache, or trained on {@code data} (which must come
     * from {@code new Pipeline(c, …).prepareData()}) with {@link Pipeline#trainBackdoored} and cached.
     * Processes sharing the cache train it once: the others wait for the entry's lock. Either way the model
     * is read back from the cache, so every caller gets exactly the stored weights.
     */
    public TrainResult backdoored(RunConfig c, Pipeline.Data data, ProgressListener listener) {
        store.directory("models", name(c), tmp -> {
            TrainResult trained = new Pipeline(c, listener).trainBackdoored(data);
            ModelIO.save(trained.model(), tmp, metadata(c, trained));
        });
        return get(c).orElseThrow();
    }
}
