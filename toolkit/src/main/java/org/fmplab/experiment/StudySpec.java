package org.fmplab.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.fmplab.model.ModelSpec;

/**
 * What a study measures: datasets × attacks × seeds (one backdoored model each: a {@link Study.Task}) ×
 * defenses (with parameter variants) × pruning sizes, each pruning defense with its random control drawn
 * {@code controlDraws} times per model, plus analysis lines (the TAC oracle, which uses the trigger and is
 * never a defense). A spec is a small JSON file whose keys are exactly the {@code ./fmplab study} flags
 * (kebab-case), so a study can be written as a file or as flags.
 *
 * <p>Methods are written {@code name} or {@code name(key=value;key=value)}; the text in parentheses is
 * the variant's label in the study's tables.
 *
 * @param name          study name (tables, logs)
 * @param base          the run settings every model shares (dataset sizes, architecture, training); its
 *                      dataset, attack, seed and defense are replaced per task
 * @param datasets      dataset registry names
 * @param attacks       attacks, as method strings
 * @param seeds         master seeds of the backdoored models
 * @param defenses      defenses, as method strings ("fmp", "fmp(epsilon=0.0314)", "ft", ...)
 * @param sizes         per-layer pruning sizes for the pruned stage, "C/d" = ⌊C/d⌋ maps of a C-map layer;
 *                      empty: each pruning defense prunes as configured
 * @param fineTuneSizes the sizes whose pruned models are also fine-tuned (a subset of sizes)
 * @param controlDraws  random-control draws per model and size (K), ≥ 0
 * @param analyses      analysis lines: "tac-oracle"
 * @param modelDir      a model trained elsewhere ({@code ./fmplab import-model}) to defend in every task instead
 *                      of training one, or null; the attacks then only make the backdoor test sets, so they
 *                      must name the trigger it was trained with
 */
public record StudySpec(String name, RunConfig base, List<String> datasets, List<Method> attacks, List<Long> seeds,
                        List<Method> defenses, List<String> sizes, List<String> fineTuneSizes, int controlDraws,
                        List<String> analyses, Path modelDir) {
    /** The analysis that prunes the maps the trigger changes most (TAC); it knows the trigger. */
    public static final String TAC_ORACLE = "tac-oracle";
    /** Defenses that rank feature maps and so take a pruning size and a random control. */
    public static final Set<String> PRUNING = Set.of("fmp");
    /** Spec keys (= CLI flags). */
    public static final List<String> KEYS = List.of("name", "datasets", "attacks", "seeds", "defenses", "sizes",
            "fine-tune-sizes", "control-draws", "analyses", "model", "width", "train-limit", "test-limit", "epochs",
            "batch", "lr", "rate", "target", "defender-fraction", "model-dir");

    /** A method with its parameters; {@code label()} is the variant shown in tables ("" for defaults). */
    public record Method(String name, Map<String, String> params) {
        public Method {
            if (name == null || name.isBlank()) throw new IllegalArgumentException("a method needs a name");
            name = name.trim().toLowerCase(Locale.ROOT);
            params = Map.copyOf(params);
        }

        /** Parses {@code name} or {@code name(k=v;k=v)}. */
        public static Method parse(String s) {
            String t = s.trim();
            int open = t.indexOf('(');
            if (open < 0) return new Method(t, Map.of());
            if (!t.endsWith(")")) throw new IllegalArgumentException("method '" + s + "' must look like name or name(key=value;key=value)");
            Map<String, String> p = new LinkedHashMap<>();
            for (String kv : t.substring(open + 1, t.length() - 1).split(";")) {
                if (kv.isBlank()) continue;
                int eq = kv.indexOf('=');
                if (eq <= 0) throw new IllegalArgumentException("parameter '" + kv.trim() + "' of method '" + s + "' is not key=value");
                p.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
            }
            return new Method(t.substring(0, open), p);
        }

        /** The parameters as written, "k=v;k=v" in key order ("" for none): the variant label. */
        public String label() {
            StringBuilder sb = new StringBuilder();
            new java.util.TreeMap<>(params).forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ";").append(k).append('=').append(v));
            return sb.toString();
        }

        @Override
        public String toString() {
            return params.isEmpty() ? name : name + "(" + label() + ")";
        }
    }

    /** A study that trains its own backdoored models. */
    public StudySpec(String name, RunConfig base, List<String> datasets, List<Method> attacks, List<Long> seeds,
                     List<Method> defenses, List<String> sizes, List<String> fineTuneSizes, int controlDraws, List<String> analyses) {
        this(name, base, datasets, attacks, seeds, defenses, sizes, fineTuneSizes, controlDraws, analyses, null);
    }

    public StudySpec {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("name must not be blank");
        if (datasets.isEmpty()) throw new IllegalArgumentException("datasets must name at least one dataset");
        if (attacks.isEmpty()) throw new IllegalArgumentException("attacks must name at least one attack");
        if (seeds.isEmpty()) throw new IllegalArgumentException("seeds must list at least one seed");
        if (seeds.stream().distinct().count() != seeds.size()) throw new IllegalArgumentException("seeds = " + seeds + " has repeats");
        for (String s : sizes) divisor(s);
        for (String s : fineTuneSizes) {
            if (!sizes.contains(s)) throw new IllegalArgumentException("fine-tune-sizes: '" + s + "' is not one of sizes " + sizes);
        }
        if (controlDraws < 0 || controlDraws > 100) throw new IllegalArgumentException("control-draws = " + controlDraws + " must be in [0, 100]");
        for (String a : analyses) {
            if (!a.equals(TAC_ORACLE)) throw new IllegalArgumentException("analyses: '" + a + "' is unknown; known: [" + TAC_ORACLE + "]");
        }
        if (!analyses.isEmpty() && sizes.isEmpty()) throw new IllegalArgumentException("analyses need sizes (the oracle prunes per size)");
        datasets = List.copyOf(datasets);
        attacks = List.copyOf(attacks);
        seeds = List.copyOf(seeds);
        defenses = List.copyOf(defenses);
        sizes = List.copyOf(sizes);
        fineTuneSizes = List.copyOf(fineTuneSizes);
        analyses = List.copyOf(analyses);
    }

    /** The divisor d of a size "C/d". */
    public static int divisor(String size) {
        String s = size.trim();
        try {
            if (!s.startsWith("C/")) throw new NumberFormatException();
            int d = Integer.parseInt(s.substring(2));
            if (d < 1) throw new NumberFormatException();
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("size '" + size + "' must look like C/d with d >= 1 (⌊C/d⌋ maps per layer of C maps)");
        }
    }

    /**
     * The {@code --quick} study: SmallCNN width 8 on 3,000 Fashion-MNIST images, 1 epoch, BadNets on two
     * seeds, FMP against its random control (K = 3) and the TAC oracle at ⌊C/8⌋ and ⌊C/4⌋, fine-tuned at
     * ⌊C/4⌋: a few minutes on 2 cores.
     */
    public static StudySpec quick() {
        RunConfig base = RunConfig.defaults().withSizes(3000, 1000).withModel(ModelSpec.SMALL_CNN, 8).withEpochs(2)
                .withDefense("none", Map.of(), 0.1);
        return new StudySpec("quick", base, List.of("fashion-mnist"), List.of(Method.parse("badnets")), List.of(0L, 1L),
                List.of(Method.parse("fmp(epochs=2)")), List.of("C/8", "C/4"), List.of("C/4"), 3, List.of(TAC_ORACLE));
    }

    /** The run configuration of one model of this study. */
    public RunConfig runConfig(String dataset, Method attack, long seed) {
        return base.withData(dataset, base.dataDir()).withAttack(attack.name(), attack.params()).withSeed(seed)
                .withDefense("none", Map.of(), base.defenderFraction())
                .withName(dataset + "-" + attack.name() + "-" + seed);
    }

    /** Reads a spec file; keys are the {@code ./fmplab study} flags, absent keys take {@code defaults}' values. */
    public static StudySpec read(Path file, StudySpec defaults) {
        try {
            JsonNode j = new ObjectMapper().readTree(file.toFile());
            if (j == null || !j.isObject()) throw new IllegalArgumentException("study spec " + file + " must be a JSON object");
            Map<String, String> flat = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = j.fields(); it.hasNext(); ) {
                var e = it.next();
                JsonNode v = e.getValue();
                if (v.isArray()) {
                    List<String> parts = new ArrayList<>();
                    v.forEach(x -> parts.add(x.asText()));
                    flat.put(e.getKey(), String.join(",", parts));
                } else {
                    flat.put(e.getKey(), v.asText());
                }
            }
            return with(defaults, flat, "study spec " + file + ": ");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read study spec " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code spec} with the given keys replaced (values as on the command line: lists comma-separated).
     *
     * @param where prefix of error messages (e.g. the file), "" for flags
     */
    public static StudySpec with(StudySpec spec, Map<String, String> values, String where) {
        for (String k : values.keySet()) {
            if (!KEYS.contains(k)) throw new IllegalArgumentException(where + "unknown key '" + k + "'; known: " + KEYS);
        }
        RunConfig b = spec.base;
        try {
            b = b.withModel(values.getOrDefault("model", b.architecture()), integer(values, "width", b.width()));
            b = b.withSizes(integer(values, "train-limit", b.trainLimit()), integer(values, "test-limit", b.testLimit()));
            b = b.withTraining(integer(values, "epochs", b.epochs()), integer(values, "batch", b.batchSize()),
                    number(values, "lr", b.learningRate()));
            b = b.withPoisoning(number(values, "rate", b.poisonRate()), integer(values, "target", b.target()), b.labelMode());
            b = b.withDefense("none", Map.of(), number(values, "defender-fraction", b.defenderFraction()));
            return new StudySpec(values.getOrDefault("name", spec.name), b,
                    values.containsKey("datasets") ? list(values.get("datasets")) : spec.datasets,
                    values.containsKey("attacks") ? methods(values.get("attacks")) : spec.attacks,
                    values.containsKey("seeds") ? seeds(values.get("seeds")) : spec.seeds,
                    values.containsKey("defenses") ? methods(values.get("defenses")) : spec.defenses,
                    values.containsKey("sizes") ? list(values.get("sizes")) : spec.sizes,
                    values.containsKey("fine-tune-sizes") ? list(values.get("fine-tune-sizes")) : spec.fineTuneSizes,
                    integer(values, "control-draws", spec.controlDraws),
                    values.containsKey("analyses") ? list(values.get("analyses")) : spec.analyses,
                    values.containsKey("model-dir") ? Path.of(values.get("model-dir")) : spec.modelDir);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + e.getMessage(), e);
        }
    }

    /** The spec as a JSON-friendly map with the same keys as the file (written beside the study's tables). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("datasets", datasets);
        m.put("attacks", attacks.stream().map(Method::toString).toList());
        m.put("seeds", seeds);
        m.put("defenses", defenses.stream().map(Method::toString).toList());
        m.put("sizes", sizes);
        m.put("fine-tune-sizes", fineTuneSizes);
        m.put("control-draws", controlDraws);
        m.put("analyses", analyses);
        m.put("model", base.architecture());
        m.put("width", base.effectiveWidth());
        m.put("train-limit", base.trainLimit());
        m.put("test-limit", base.testLimit());
        m.put("epochs", base.epochs());
        m.put("batch", base.batchSize());
        m.put("lr", base.learningRate());
        m.put("rate", base.poisonRate());
        m.put("target", base.target());
        m.put("defender-fraction", base.defenderFraction());
        if (modelDir != null) m.put("model-dir", modelDir.toString());
        return m;
    }

    private static List<String> list(String csv) {
        List<String> out = new ArrayList<>();
        for (String s : csv.split(",")) if (!s.isBlank()) out.add(s.trim());
        return out;
    }

    // Methods are split on commas outside parentheses: "fmp(a=1;b=2),ft".
    private static List<Method> methods(String csv) {
        List<Method> out = new ArrayList<>();
        int depth = 0;
        int from = 0;
        for (int i = 0; i <= csv.length(); i++) {
            char ch = i < csv.length() ? csv.charAt(i) : ',';
            if (ch == '(') depth++;
            if (ch == ')') depth--;
            if (ch == ',' && depth == 0) {
                String part = csv.substring(from, i);
                if (!part.isBlank()) out.add(Method.parse(part));
                from = i + 1;
            }
        }
        return out;
    }

    private static List<Long> seeds(String csv) {
        List<Long> out = new ArrayList<>();
        for (String s : list(csv)) {
            int dash = s.indexOf('-', 1);
            try {
                if (dash > 0) {  // a range "0-7"
                    long lo = Long.parseLong(s.substring(0, dash));
                    long hi = Long.parseLong(s.substring(dash + 1));
                    if (hi < lo || hi - lo > 1000) throw new NumberFormatException();
                    for (long x = lo; x <= hi; x++) out.add(x);
                } else {
                    out.add(Long.parseLong(s));
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("seeds: '" + s + "' must be an integer or a range like 0-7");
            }
        }
        return out;
    }

    private static int integer(Map<String, String> v, String key, int def) {
        String s = v.get(key);
        try {
            return s == null ? def : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " = '" + s + "' is not an integer");
        }
    }

    private static double number(Map<String, String> v, String key, double def) {
        String s = v.get(key);
        try {
            return s == null ? def : Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " = '" + s + "' is not a number");
        }
    }
}
