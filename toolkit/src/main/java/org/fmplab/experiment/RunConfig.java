package org.fmplab.experiment;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.fmplab.attack.LabelMode;
import org.fmplab.model.ModelSpec;
import org.fmplab.params.ParamSet;
import org.fmplab.params.ParamSpec;

/**
 * Everything the main job needs, with the defaults of {@code ./fmplab run}. Immutable; the
 * {@code with*} methods return changed copies. Validation messages name the CLI flag that sets a
 * field ({@code --rate} for {@code poisonRate}), which is what a command-line user typed.
 *
 * @param name             run name: results go to {@code outDir/name}
 * @param outDir           parent folder of runs
 * @param dataset          dataset registry name (see {@link org.fmplab.data.Datasets#names()})
 * @param dataDir          dataset folder, or null for the registry default
 * @param trainLimit       use a class-balanced subset of this many training images (0 = all)
 * @param testLimit        use the first this many test images (0 = all)
 * @param architecture     {@link ModelSpec#ARCHITECTURES}
 * @param width            model width (0 = architecture default)
 * @param attack           attack registry name
 * @param attackParams     attack parameter overrides
 * @param poisonRate       share of training images poisoned, (0,1]
 * @param target           attack target label
 * @param labelMode        all-to-one or all-to-all
 * @param epochs           backdoor-training epochs
 * @param batchSize        backdoor-training batch size
 * @param learningRate     backdoor-training initial learning rate
 * @param defenderFraction share of the (clean) training set the defender gets, (0,1)
 * @param defense          defense registry name, or "none" to stop after training
 * @param defenseParams    defense parameter overrides
 * @param seed             master seed: every random choice derives from it
 */
public record RunConfig(String name, Path outDir, String dataset, Path dataDir, int trainLimit, int testLimit,
                        String architecture, int width, String attack, Map<String, String> attackParams,
                        double poisonRate, int target, LabelMode labelMode, int epochs, int batchSize,
                        double learningRate, double defenderFraction, String defense,
                        Map<String, String> defenseParams, long seed) {
    public RunConfig {
        if (name == null || name.isBlank() || name.contains("/") || name.contains("..")) {
            throw new IllegalArgumentException("--name = '" + name + "' must be a plain folder name");
        }
        check(TRAIN_LIMIT, trainLimit);
        check(TEST_LIMIT, testLimit);
        if (!ModelSpec.ARCHITECTURES.contains(architecture)) {
            throw new IllegalArgumentException("--model = '" + architecture + "' is unknown; choose one of " + ModelSpec.ARCHITECTURES);
        }
        check(WIDTH, width);
        check(RATE, poisonRate);
        check(TARGET, target);
        check(EPOCHS, epochs);
        check(BATCH, batchSize);
        check(LR, learningRate);
        check(DEFENDER_FRACTION, defenderFraction);
        attackParams = Map.copyOf(attackParams);
        defenseParams = Map.copyOf(defenseParams);
    }

    // The numeric options, each declared under the CLI flag that sets it, so that a bad value is reported
    // as the user typed it ("--rate = 1.5 must be in (0, 1]"), from notebooks as from the command line.
    static final ParamSpec TRAIN_LIMIT = ParamSpec.integerAtLeast("train-limit", 20000, 0, "class-balanced training subset size (0 = all)");
    static final ParamSpec TEST_LIMIT = ParamSpec.integerAtLeast("test-limit", 0, 0, "first N test images (0 = all)");
    static final ParamSpec WIDTH = ParamSpec.integerAtLeast("width", 0, 0, "model width (0 = the architecture's default)");
    static final ParamSpec RATE = ParamSpec.realAbove("rate", 0.1, 0, 1, "poisoning rate");
    static final ParamSpec TARGET = ParamSpec.integerAtLeast("target", 0, 0, "target label");
    static final ParamSpec EPOCHS = ParamSpec.integerAtLeast("epochs", 3, 1, "backdoor-training epochs");
    static final ParamSpec BATCH = ParamSpec.integerAtLeast("batch", 128, 1, "backdoor-training batch size");
    static final ParamSpec LR = ParamSpec.realAbove("lr", 0.01, 0, Double.POSITIVE_INFINITY, "backdoor-training learning rate");
    static final ParamSpec DEFENDER_FRACTION = ParamSpec.realOpen("defender-fraction", 0.05, 0, 1, "defender's clean share of the training set");

    /** The numeric options' declarations, named by their CLI flags (for {@code --help}). */
    public static final ParamSet OPTIONS = ParamSet.of("run", TRAIN_LIMIT, TEST_LIMIT, WIDTH, RATE, TARGET, EPOCHS, BATCH, LR,
            DEFENDER_FRACTION);

    private static void check(ParamSpec flag, double value) {
        try {
            flag.check(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage(), e);
        }
    }

    /**
     * The main job's default: Fashion-MNIST (20k-image class-balanced training subset, full test set),
     * PreActResNet-18 width 16, BadNets, 10% all-to-one to class 0, 3 epochs, FMP with a 5% defender subset.
     */
    public static RunConfig defaults() {
        return new RunConfig("default", Path.of("runs"), "fashion-mnist", null, 20000, 0,
                ModelSpec.PREACT_RESNET18, 0, "badnets", Map.of(), 0.1, 0, LabelMode.ALL_TO_ONE, 3, 128, 0.01,
                0.05, "fmp", Map.of(), 0);
    }

    /** The {@code --quick} variant: 5k training and 2k test images, 2 epochs (for smoke tests). */
    public RunConfig quick() {
        return withSizes(5000, 2000).withEpochs(2);
    }

    public int effectiveWidth() {
        return width > 0 ? width : ModelSpec.defaultWidth(architecture);
    }

    public RunConfig withName(String n) {
        return new RunConfig(n, outDir, dataset, dataDir, trainLimit, testLimit, architecture, width, attack, attackParams, poisonRate, target, labelMode, epochs, batchSize, learningRate, defenderFraction, defense, defenseParams, seed);
    }

    public RunConfig withOutDir(Path d) {
        return new RunConfig(name, d, dataset, dataDir, trainLimit, testLimit, architecture, width, attack, attackParams, poisonRate, target, labelMode, epochs, batchSize, learningRate, defenderFraction, defense, defenseParams, seed);
    }

    public RunConfig withData(String ds, Path dir) {
        return new RunConfig(name, outDir, ds, dir, trainLimit, testLimit, architecture, width, attack, attackParams, poisonRate, target, labelMode, epochs, batchSize, learningRate, defenderFraction, defense, defenseParams, seed);
    }

    public RunConfig withSizes(int train, int test) {
        return new RunConfig(name, outDir, dataset, dataDir, train, test, architecture, width, attack, attackParams, poisonRate, target, labelMode, epochs, batchSize, learningRate, defenderFraction, defense, defenseParams, seed);
    }

    public RunConfig withModel(String arch, int w) {
        return new RunConfig(name, outDir, dataset, dataDir, trainLimit, testLimit, arch, w, attack, attackParams, poisonRate, target, labelMode, epochs, batchSize, learningRate, defenderFraction, defense, defenseParams, seed);
    }

    public RunConfig withAttack(String a, Map<String, String> params) {
        return new RunConfig(name, outDir, dataset, dataDir, trainLimit, testLimit, architecture, width, a, params, poisonRate, target, labelMode, epochs, batchSize, learningRate, defenderFraction, defense, defenseParams, seed);
    }

    public RunConfig withPoisoning(double rate, int tgt, LabelMode mode) {
        return new RunConfig(name, outDir, dataset, dataDir, trainLimit, testLimit, architecture, width, attack, attackParams, rate, tgt, mode, epochs, batchSize, learningRate, defenderFraction, defense, defenseParams, seed);
    }

    public RunConfig withEpochs(int e) {
        return new RunConfig(name, outDir, dataset, dataDir, trainLimit, testLimit, architecture, width, attack, attackParams, poisonRate, target, labelMode, e, batchSize, learningRate, defenderFraction, defense, defenseParams, seed);
    }

    public RunConfig withTraining(int e, int batch, double lr) {
        return new RunConfig(name, outDir, dataset, dataDir, trainLimit, testLimit, architecture, width, attack, attackParams, poisonRate, target, labelMode, e, batch, lr, defenderFraction, defense, defenseParams, seed);
    }

    public RunConfig withDefense(String d, Map<String, String> params, double fraction) {
        return new RunConfig(name, outDir, dataset, dataDir, trainLimit, testLimit, architecture, width, attack, attackParams, poisonRate, target, labelMode, epochs, batchSize, learningRate, fraction, d, params, seed);
    }

    public RunConfig withSeed(long s) {
        return new RunConfig(name, outDir, dataset, dataDir, trainLimit, testLimit, architecture, width, attack, attackParams, poisonRate, target, labelMode, epochs, batchSize, learningRate, defenderFraction, defense, defenseParams, s);
    }

    /**
     * The inverse of {@link #toMap}: a configuration from the {@code config} object of a results.json
     * (numbers may come as any {@link Number}); results go to {@code outDir}.
     *
     * @throws IllegalArgumentException naming the key that is missing or of the wrong type
     */
    public static RunConfig fromMap(Map<String, ?> m, Path outDir) {
        Object dir = m.get("dataDir");
        return new RunConfig(string(m, "name"), outDir, string(m, "dataset"), dir == null ? null : Path.of(dir.toString()),
                number(m, "trainLimit").intValue(), number(m, "testLimit").intValue(), string(m, "model"),
                number(m, "width").intValue(), string(m, "attack"), strings(m, "attackParams"),
                number(m, "poisonRate").doubleValue(), number(m, "target").intValue(), LabelMode.parse(string(m, "labelMode")),
                number(m, "epochs").intValue(), number(m, "batchSize").intValue(), number(m, "learningRate").doubleValue(),
                number(m, "defenderFraction").doubleValue(), string(m, "defense"), strings(m, "defenseParams"),
                number(m, "seed").longValue());
    }

    private static Object required(Map<String, ?> m, String key) {
        Object v = m.get(key);
        if (v == null) throw new IllegalArgumentException("run configuration has no '" + key + "'");
        return v;
    }

    private static String string(Map<String, ?> m, String key) {
        return required(m, key).toString();
    }

    private static Number number(Map<String, ?> m, String key) {
        if (required(m, key) instanceof Number n) return n;
        throw new IllegalArgumentException("run configuration's '" + key + "' = " + m.get(key) + " is not a number");
    }

    private static Map<String, String> strings(Map<String, ?> m, String key) {
        if (!(required(m, key) instanceof Map<?, ?> raw)) {
            throw new IllegalArgumentException("run configuration's '" + key + "' is not an object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        raw.forEach((k, v) -> out.put(k.toString(), String.valueOf(v)));
        return out;
    }

    /** A JSON-friendly view for manifests and results.json. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("dataset", dataset);
        m.put("dataDir", dataDir == null ? null : dataDir.toString());
        m.put("trainLimit", trainLimit);
        m.put("testLimit", testLimit);
        m.put("model", architecture);
        m.put("width", effectiveWidth());
        m.put("attack", attack);
        m.put("attackParams", attackParams);
        m.put("poisonRate", poisonRate);
        m.put("target", target);
        m.put("labelMode", labelMode.toString());
        m.put("epochs", epochs);
        m.put("batchSize", batchSize);
        m.put("learningRate", learningRate);
        m.put("defenderFraction", defenderFraction);
        m.put("defense", defense);
        m.put("defenseParams", defenseParams);
        m.put("seed", seed);
        return m;
    }
}
