package org.fmplab.experiment;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.defense.api.DefenderData;
import org.fmplab.defense.api.Defense;
import org.fmplab.defense.api.DefenseResult;
import org.fmplab.defense.api.DefenseStage;
import org.fmplab.defense.api.Defenses;
import org.fmplab.fmp.Coverage;
import org.fmplab.fmp.FmpConfig;
import org.fmplab.fmp.FmpDefense;
import org.fmplab.fmp.Ranking;
import org.fmplab.fmp.Selector;
import org.fmplab.metrics.Evaluator;
import org.fmplab.metrics.Scores;
import org.fmplab.model.FeatureMapLayer;
import org.fmplab.model.FeatureMapLayers;
import org.fmplab.model.ModelIO;
import org.fmplab.params.Seeds;
import org.fmplab.progress.ProgressListener;
import org.fmplab.progress.ProgressTracker;
import org.fmplab.prune.ChannelMask;
import org.fmplab.study.CellResult;

/**
 * Runs a {@link StudySpec}: each task (one backdoored model: dataset × attack × seed) is trained once into
 * the {@link ArtifactStore}, then every missing cell of it is computed and stored: the undefended model,
 * each defense (pruning defenses at every size, with their random control drawn K times), and the analysis
 * lines. Every cell is an artifact keyed by what determines it, so a study resumes after any interruption
 * ({@code kill -9} included) without redoing a finished cell, several processes (local jobs, Slurm array
 * tasks) can share one store, and {@link #rows()} collects the long table the report is built from.
 *
 * <p>Fairness: FMP's pruned models, its random controls and the oracle's are all finished by
 * {@link FmpDefense#pruneAndFineTune} of the same FMP configuration — same fine-tuning recipe, seed and
 * data — so a control differs from the method it controls for only in which maps it prunes.
 */
public final class Study {
    /** Revision of the study's cell computation: bump when a cell's meaning changes (it is part of every key). */
    static final int CELL_REVISION = 1;
    /**
     * Revision of a defense's algorithm, in its cells' keys: bump it when a defense's code changes what it
     * computes, so that stored cells of that defense are recomputed and the others stay valid. Absent = 1.
     * anp 2: the noise step takes the gradient's sign, as the release.
     */
    static final Map<String, Integer> DEFENSE_REVISIONS = Map.of("anp", 2);
    /** Undefended model's defense label. */
    public static final String NONE = "none";
    /** Random control's defense label (its variant names the controlled method). */
    public static final String RANDOM = "random";

    private final StudySpec spec;
    private final ArtifactStore store;
    /** The imported model's name in cell keys (hash of its parameters), or null when tasks train their models. */
    private final String importedModel;

    /** One backdoored model and its cells. */
    public record Task(int index, String dataset, StudySpec.Method attack, long seed) {
        public String label() {
            return dataset + "/" + attack + "/seed " + seed;
        }
    }

    /** One cell of a task: a defense (or control, oracle, "none") with its variant, size and draw. */
    public record Cell(String defense, StudySpec.Method method, String size, int draw, boolean fineTune) {
        /** The variant label of the cell's rows. */
        public String variant() {
            if (!defense.equals(RANDOM)) return method.label();
            return method.label().isEmpty() ? method.name() : method.name() + "/" + method.label();  // the controlled method's label
        }
    }

    public Study(StudySpec spec, ArtifactStore store) {
        this.spec = spec;
        this.store = store;
        this.importedModel = spec.modelDir() == null ? null : importedName(spec.modelDir());
    }

    // Cells of an imported model are keyed by the hash of its parameters: another file, other cells.
    private static String importedName(Path dir) {
        try {
            return "imported-" + ModelIO.sha256(java.nio.file.Files.readAllBytes(dir.resolve("params.npy"))).substring(0, 20);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("model-dir " + dir + ": cannot read params.npy (" + e.getMessage() + ")", e);
        }
    }

    public StudySpec spec() {
        return spec;
    }

    /** The tasks in a fixed order (dataset, attack, seed): the index is stable for a given spec. */
    public List<Task> tasks() {
        List<Task> out = new ArrayList<>();
        for (String d : spec.datasets()) {
            for (StudySpec.Method a : spec.attacks()) {
                for (long s : spec.seeds()) out.add(new Task(out.size(), d, a, s));
            }
        }
        return out;
    }

    /** Every cell of a task, in the order they are run. */
    public List<Cell> cells() {
        List<Cell> out = new ArrayList<>();
        out.add(new Cell(NONE, StudySpec.Method.parse(NONE), "", 0, false));
        for (StudySpec.Method d : spec.defenses()) {
            if (!StudySpec.PRUNING.contains(d.name())) {
                out.add(new Cell(d.name(), d, "", 0, false));
                continue;
            }
            List<String> sizes = spec.sizes().isEmpty() ? List.of("") : spec.sizes();
            for (String size : sizes) {
                boolean ft = size.isEmpty() || spec.fineTuneSizes().contains(size);
                out.add(new Cell(d.name(), d, size, 0, ft));
                for (int k = 0; k < spec.controlDraws(); k++) out.add(new Cell(RANDOM, d, size, k, ft));
            }
        }
        for (String a : spec.analyses()) {
            for (String size : spec.sizes()) out.add(new Cell(a, StudySpec.Method.parse(a), size, 0, spec.fineTuneSizes().contains(size)));
        }
        return out;
    }

    /** Number of cells of the whole study. */
    public int cellCount() {
        return tasks().size() * cells().size();
    }

    /** True when every cell of {@code t} is in the store. */
    public boolean isDone(Task t) {
        RunConfig c = config(t);
        return cells().stream().allMatch(cell -> store.exists("cells", cellKey(c, cell)));
    }

    /** Finished cells of the whole study (for progress). */
    public int doneCells() {
        int n = 0;
        for (Task t : tasks()) {
            RunConfig c = config(t);
            for (Cell cell : cells()) if (store.exists("cells", cellKey(c, cell))) n++;
        }
        return n;
    }

    RunConfig config(Task t) {
        return spec.runConfig(t.dataset(), t.attack(), t.seed());
    }

    /** The store key of a cell: the model's key and everything the cell's computation depends on. */
    String cellKey(RunConfig c, Cell cell) {
        Map<String, Object> m = new TreeMap<>();
        m.put("model", importedModel != null ? importedModel : ModelCache.name(c));
        if (importedModel != null) m.put("evaluation", ModelCache.key(c));  // the attack and data the imported model is judged on
        m.put("testLimit", c.testLimit());
        m.put("defenderFraction", c.defenderFraction());
        m.put("defense", cell.defense());
        m.put("method", cell.method().name());
        m.put("params", keyParams(cell));
        m.put("size", cell.size());
        m.put("draw", cell.draw());
        m.put("fineTune", cell.fineTune());
        m.put("revision", CELL_REVISION);
        m.put("defenseRevision", DEFENSE_REVISIONS.getOrDefault(cell.method().name(), 1));
        return cell.defense() + "-" + ArtifactStore.key(m);
    }

    /**
     * The parameters a cell's result depends on. A sized random control and the oracle depend on how their
     * mask is pruned and fine-tuned (the controlled method's, or for the oracle the first pruning method's),
     * not on its ranking: variants of FMP that differ only in ranking share their controls, and an oracle
     * finished another way gets its own key.
     */
    private Map<String, String> keyParams(Cell cell) {
        boolean oracle = cell.defense().equals(StudySpec.TAC_ORACLE);
        if (!oracle && !(cell.defense().equals(RANDOM) && !cell.size().isEmpty())) return new TreeMap<>(cell.method().params());
        Map<String, String> p = new TreeMap<>(oracle ? firstPruning().params() : cell.method().params());
        p.keySet().removeAll(FmpConfig.RANKING_KEYS);
        return p;
    }

    /** A stored cell: its stages' scores and the details worth keeping (plain values only). */
    public record StoredCell(List<StoredStage> stages, Map<String, Object> details) {
        public StoredCell {
            stages = List.copyOf(stages);
            details = details == null ? Map.of() : Map.copyOf(details);
        }
    }

    /** One stage of a stored cell. */
    public record StoredStage(String stage, double ca, double asr, double ra, double seconds) { }

    /**
     * Runs every missing cell of {@code t} (training its model first if the store has none). Cells another
     * process is computing are waited for, not recomputed.
     */
    public void runTask(Task t, ProgressListener listener) {
        runTask(t, listener, null);
    }

    /** Runs every missing cell of every task in this process, with one progress bar for the study. */
    public void runAll(ProgressListener listener) {
        int missing = cellCount() - doneCells();
        ProgressTracker bar = new ProgressTracker(listener == null ? ProgressListener.NONE : listener, "study", "cell", Math.max(1, missing));
        for (Task t : tasks()) runTask(t, listener, bar);
    }

    private void runTask(Task t, ProgressListener listener, ProgressTracker studyBar) {
        ProgressListener l = listener == null ? ProgressListener.NONE : listener;
        RunConfig c = config(t);
        List<Cell> missing = cells().stream().filter(cell -> !store.exists("cells", cellKey(c, cell))).toList();
        if (missing.isEmpty()) return;
        store.sweepTemporaries("cells");
        Pipeline.Data data = new Pipeline(c, l).prepareData();
        // Cached or fresh, the model is read back from the store, so every process sees the same weights.
        ComputationGraph model = spec.modelDir() != null ? Pipeline.loadModel(spec.modelDir(), data).model()
                : new ModelCache(store.root()).backdoored(c, data, l).model();
        Evaluator eval = data.evaluator();
        DefenderData defender = new DefenderData(data.defenderClean(), Pipeline.defenseSeed(c));
        Map<String, Ranking> rankings = new LinkedHashMap<>();
        Coverage.Tac[] tac = new Coverage.Tac[1];
        ProgressTracker bar = studyBar != null ? studyBar : new ProgressTracker(l, "study task " + t.index(), "cell", missing.size());
        for (Cell cell : missing) {
            store.json("cells", cellKey(c, cell), StoredCell.class, () -> compute(c, cell, model, data, defender, eval, rankings, tac, l));
            bar.step(1, Map.of());
        }
    }

    private StoredCell compute(RunConfig c, Cell cell, ComputationGraph model, Pipeline.Data data, DefenderData defender, Evaluator eval,
                               Map<String, Ranking> rankings, Coverage.Tac[] tac, ProgressListener l) {
        long t0 = System.nanoTime();
        if (cell.defense().equals(NONE)) {
            return new StoredCell(List.of(stage("backdoored", eval.evaluate(model), 0)), Map.of());
        }
        if (cell.defense().equals(StudySpec.TAC_ORACLE)) {
            FmpDefense finisher = fmp(firstPruning());
            if (tac[0] == null) tac[0] = Coverage.tac(model, data.defenderClean(), data.poisoner().attack(), 256, defender.seed(), l);
            ChannelMask top = Coverage.topPerLayer(tac[0], sizedMask(model, cell.size(), finisher));
            return stored(finisher.pruneAndFineTune(model, defender, onLayers(top, targetLayers(model, finisher)), cell.fineTune(), l), eval, t0);
        }
        if (!StudySpec.PRUNING.contains(cell.method().name())) {
            Defense d = Defenses.create(cell.method().name(), cell.method().params());
            return stored(d.defend(model, defender, l), eval, t0);
        }
        FmpDefense fmp = fmp(cell.method());
        ChannelMask mask;
        if (cell.defense().equals(RANDOM) && !cell.size().isEmpty()) {
            mask = sizedMask(model, cell.size(), fmp).randomLike(controlSeed(c, cell.draw()));
        } else {
            Ranking ranking = rankings.computeIfAbsent(cell.method().toString(), k -> fmp.rank(model, defender, l));
            Selector selector = cell.size().isEmpty() ? fmp.config().selector() : new Selector.Divisor(StudySpec.divisor(cell.size()));
            if (selector == null) throw new IllegalArgumentException(cell.method() + ": a study needs sizes or a fixed selector (no size search)");
            mask = selector.select(ranking);
            if (cell.defense().equals(RANDOM)) mask = mask.randomLike(controlSeed(c, cell.draw()));
        }
        return stored(fmp.pruneAndFineTune(model, defender, mask, cell.fineTune(), l), eval, t0);
    }

    /**
     * The seed of random-control draw {@code k} of the model of {@code c}: draw 0 is the run's own control
     * ({@link Seeds#control}); further draws step by a large odd constant so they never meet another seed.
     */
    static long controlSeed(RunConfig c, int draw) {
        return Seeds.control(c.seed()) + 1_000_003L * draw;
    }

    private StudySpec.Method firstPruning() {
        return spec.defenses().stream().filter(d -> StudySpec.PRUNING.contains(d.name())).findFirst()
                .orElse(StudySpec.Method.parse("fmp"));
    }

    private static FmpDefense fmp(StudySpec.Method m) {
        return (FmpDefense) Defenses.create(m.name(), m.params());
    }

    /**
     * A mask of ⌊C/d⌋ maps per layer (which maps does not matter: only the counts are used), on the layers
     * as {@code fmp} prunes them (its prune target decides which BatchNorm a pruned map silences), so a
     * control or the oracle prunes exactly where FMP does.
     */
    private static ChannelMask sizedMask(ComputationGraph model, String size, FmpDefense fmp) {
        int d = StudySpec.divisor(size);
        return ChannelMask.firstPerLayer(targetLayers(model, fmp), layer -> {
            int k = layer.channels() / d;
            if (k >= layer.channels()) throw new IllegalArgumentException("size " + size + " would prune every map of " + layer.name());
            return k;
        });
    }

    private static List<FeatureMapLayer> targetLayers(ComputationGraph model, FmpDefense fmp) {
        return fmp.config().pruneTarget().apply(FeatureMapLayers.of(model));
    }

    /** The same maps as {@code m}, on {@code layers} (same names, possibly other BatchNorm pairings). */
    private static ChannelMask onLayers(ChannelMask m, List<FeatureMapLayer> layers) {
        Map<String, List<Integer>> selected = new LinkedHashMap<>();
        for (FeatureMapLayer layer : layers) selected.put(layer.name(), java.util.Arrays.stream(m.pruned(layer.name())).boxed().toList());
        return ChannelMask.of(layers, selected);
    }

    private static StoredCell stored(DefenseResult r, Evaluator eval, long t0) {
        List<StoredStage> stages = new ArrayList<>();
        double total = (System.nanoTime() - t0) / 1e9;
        for (DefenseStage s : r.stages()) stages.add(stage(s.name(), eval.evaluate(s.model()), s.seconds()));
        Map<String, Object> details = new LinkedHashMap<>();
        r.details().forEach((k, v) -> {
            if (v instanceof Number || v instanceof String || v instanceof Boolean) details.put(k, v);
            else if (v instanceof Map<?, ?> map && map.values().stream().allMatch(x -> x instanceof Number)) details.put(k, new TreeMap<>(map));
        });
        details.put("seconds", total);
        // ND4J sums in an order that depends on its thread count, so a cell's numbers do too (measured: the
        // quick study's CA moved in the third decimal between 2 threads and 1): keep it with the cell.
        details.put("threads", ModelCache.computeThreads());
        return new StoredCell(stages, details);
    }

    private static StoredStage stage(String name, Scores s, double seconds) {
        return new StoredStage(name, s.ca(), s.asr(), s.ra(), seconds);
    }

    /**
     * What the store holds for this study: its long table and the ND4J thread counts its cells were computed
     * with (empty for cells stored before these were kept; more than one means the table mixes numerics).
     */
    public record Collected(List<CellResult> rows, java.util.SortedSet<Integer> threads) { }

    /** The study's long table from the store ({@link #collect()}'s rows). */
    public List<CellResult> rows() {
        return collect().rows();
    }

    /**
     * One pass over the store: one row per task, cell, control draw and stage, for the cells present (a
     * partial study gives a partial table), DER against the same model's undefended scores; and the thread
     * counts the cells were computed with.
     */
    public Collected collect() {
        List<CellResult> out = new ArrayList<>();
        java.util.SortedSet<Integer> threads = new java.util.TreeSet<>();
        List<Cell> cells = cells();
        for (Task t : tasks()) {
            RunConfig c = config(t);
            Scores before = null;  // the first cell is the undefended model
            for (Cell cell : cells) {
                StoredCell sc = store.readJson("cells", cellKey(c, cell), StoredCell.class);
                if (sc == null) continue;
                if (cell.defense().equals(NONE)) before = scores(sc.stages().get(0));
                if (sc.details().get("threads") instanceof Number n) threads.add(n.intValue());
                for (StoredStage s : sc.stages()) {
                    double der = before == null || cell.defense().equals(NONE) ? Double.NaN : scores(s).derFrom(before);
                    out.add(new CellResult(t.dataset(), t.attack().toString(), cell.defense(), cell.variant(), cell.size(), t.seed(),
                            cell.draw(), s.stage(), s.ca(), s.asr(), s.ra(), der, s.seconds()));
                }
            }
        }
        return new Collected(out, threads);
    }

    private static Scores scores(StoredStage s) {
        return new Scores(s.ca(), s.asr(), s.ra());
    }

    /** One line about the study for reports. */
    public String describe() {
        RunConfig b = spec.base();
        return String.format(Locale.ROOT, "Study '%s': %s; attacks %s; seeds %s; %s width %d, %d training images (%.0f%% poisoned), "
                        + "%s test images, %d epochs; defender subset %s%%; defenses %s; sizes %s (fine-tuned at %s); "
                        + "random control: %d draws per model and size; analyses %s.",
                spec.name(), spec.datasets(), spec.attacks(), spec.seeds(), b.architecture(), b.effectiveWidth(), b.trainLimit(),
                100 * b.poisonRate(), b.testLimit() == 0 ? "all" : Integer.toString(b.testLimit()), b.epochs(),
                // three significant digits: 5% stays "5", 1/60 reads "1.67", not a rounded "2"
                new BigDecimal(100 * b.defenderFraction()).round(new MathContext(3)).stripTrailingZeros().toPlainString(),
                spec.defenses(), spec.sizes(), spec.fineTuneSizes(), spec.controlDraws(), spec.analyses());
    }
}
