package org.fmplab.experiment;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.fmplab.attack.Attacks;
import org.fmplab.defense.api.Defenses;
import org.fmplab.model.Backend;
import org.fmplab.model.ModelSpec;
import org.fmplab.study.CellResult;

/**
 * {@code ./fmplab compare}: the attack × defense grid (the paper's Table 1) on the main job's default
 * setting, run as a one-seed {@link Study}: each attack's backdoored model is trained once into the study's
 * artifact store ({@code --out DIR/store}), every defense (and "none", the undefended model) is run on it
 * with the defender's clean subset and evaluated on the test set, and every finished cell is stored, so an
 * interrupted or extended grid only computes what is new. Writes compare.csv / .md / .html and the bar
 * charts into {@code --out} (see {@link CompareReport}). "random" next to "fmp" is FMP's random control:
 * as many maps per layer as FMP pruned on the same model, fine-tuned exactly as FMP
 * ({@link org.fmplab.fmp.FmpDefense#pruneAndFineTune}). For several seeds, paired tests and controls
 * drawn K times, use {@code ./fmplab study}.
 */
public final class Compare {
    /** The {@code --quick} smoke grid: two pattern attacks, four cheap defenses. */
    static final List<String> QUICK_ATTACKS = List.of("badnets", "blended");
    static final List<String> QUICK_DEFENSES = List.of("ft", "fp", "clp", "random");
    /** Shortened training for {@code --quick} (only for defenses that take these keys). */
    static final Map<String, Map<String, String>> QUICK_PARAMS = Map.of(
            "ft", Map.of("epochs", "2"), "fp", Map.of("epochs", "2"), "random", Map.of("epochs", "2"),
            "nad", Map.of("epochs", "2", "teacher-epochs", "2"), "nc", Map.of("steps", "30", "unlearn-epochs", "2"),
            "anp", Map.of("iterations", "20"), "ibau", Map.of("rounds", "2"));

    private static final String FMP = "fmp";
    private static final String RANDOM = "random";

    private Compare() { }

    static final String HELP = Help.text("compare");

    /**
     * Runs the grid as a one-seed {@link Study} (so the grid and studies share one store, one fine-tuning and
     * one control); returns the exit code. Progress goes to stderr, the summary to {@code out}.
     */
    public static int main(String[] args, PrintStream out) {
        Args a = new Args(args, Set.of("quick", "help"));
        if (a.flag("help")) {
            out.println(HELP);
            return 0;
        }
        boolean quick = a.flag("quick");
        RunConfig c = RunConfig.defaults().withDefense("none", Map.of(), RunConfig.defaults().defenderFraction());
        if (quick) c = c.withSizes(3000, 1000).withModel(ModelSpec.SMALL_CNN, 8).withEpochs(1);
        String dataDir = a.get("data-dir", null);
        c = c.withData(a.get("dataset", c.dataset()), dataDir == null ? null : Path.of(dataDir));
        c = c.withSizes(a.getInt("train-limit", c.trainLimit()), a.getInt("test-limit", c.testLimit()));
        c = c.withModel(a.get("model", c.architecture()), a.getInt("width", c.width()));
        c = c.withEpochs(a.getInt("epochs", c.epochs()));
        c = c.withDefense("none", Map.of(), a.getDouble("defender-fraction", c.defenderFraction()));
        c = c.withSeed(a.getInt("seed", (int) c.seed()));
        Path dir = Path.of(a.get("out", "runs/compare"));
        List<String> attacks = list(a.get("attacks", null), quick ? available(QUICK_ATTACKS, Attacks.names()) : Attacks.names());
        List<String> defenses = new ArrayList<>();
        for (String d : list(a.get("defenses", null), quick ? QUICK_DEFENSES : Defenses.names())) {
            if (!d.equals("none") && !defenses.contains(d)) defenses.add(d);
        }
        Map<String, Map<String, String>> params = defenseParams(a.pairs("defense-param"), quick);
        a.rejectUnknown();
        for (String att : attacks) Attacks.create(att); // fail fast on unknown names
        for (String d : defenses) Defenses.create(d, params.getOrDefault(d, Map.of()));

        // "random" next to "fmp" is FMP's random control (same counts per layer, same fine-tuning, one draw);
        // alone it is the registry's random-pruning defense.
        boolean control = defenses.contains(FMP) && defenses.remove(RANDOM);
        List<StudySpec.Method> methods = defenses.stream().map(d -> new StudySpec.Method(d, params.getOrDefault(d, Map.of()))).toList();
        StudySpec spec = new StudySpec("compare", c, List.of(c.dataset()), attacks.stream().map(StudySpec.Method::parse).toList(),
                List.of(c.seed()), methods, List.of(), List.of(), control ? 1 : 0, List.of());
        Backend.init();
        long t0 = System.nanoTime();
        out.printf(Locale.ROOT, "FMP Lab compare: %s, %s width %d, %d train / %s test images, %d epochs; attacks %s; defenses %s%s%n",
                c.dataset(), c.architecture(), c.effectiveWidth(), c.trainLimit(), c.testLimit() == 0 ? "all" : Integer.toString(c.testLimit()),
                c.epochs(), attacks, defenses, control ? " + random (FMP's control)" : "");
        Study study = new Study(spec, new ArtifactStore(dir.resolve("store")));
        int reused = study.doneCells();
        study.runAll(ConsoleProgress.stderr());
        // A cell's last stage is its repaired model: rows come in stage order, so the last one per cell wins.
        Map<String, CompareRow> last = new LinkedHashMap<>();
        for (CellResult r : study.rows()) {
            last.put(r.attack() + "/" + r.defense(), new CompareRow(r.attack(), r.defense(), r.ca(), r.asr(), r.ra(), r.der(), r.seconds()));
        }
        List<CompareRow> rows = new ArrayList<>(last.values());
        for (CompareRow r : rows) {
            out.printf(Locale.ROOT, "%-10s %-7s CA %6.2f ASR %6.2f RA %6.2f%s%n", r.attack(), r.defense(), 100 * r.ca(), 100 * r.asr(),
                    100 * r.ra(), Double.isNaN(r.der()) ? "" : String.format(Locale.ROOT, " DER %.3f", r.der()));
        }
        List<String> shown = new ArrayList<>(List.of("none"));
        shown.addAll(defenses);
        if (control) shown.add(RANDOM);
        double wall = write(rows, dir, c, attacks, shown, t0, reused);
        out.printf(Locale.ROOT, "%nwrote %s (compare.csv, compare.md, compare.html, compare.png) in %.0f s (%d cells from the store)%n",
                dir, wall, reused);
        return 0;
    }

    private static double write(List<CompareRow> rows, Path dir, RunConfig c, List<String> attacks, List<String> defenses, long t0, int reused) {
        double wall = (System.nanoTime() - t0) / 1e9;
        String notes = String.format(Locale.ROOT, "%s, %s (width %d), %d training images (%.0f%% poisoned, all-to-one, target %d), %s test images, "
                        + "%d backdoor-training epochs, defender subset %.0f%% of the training set, seed %d. Attacks: %s. Defenses: %s. "
                        + "Grid wall time %.0f s (%d cells reused from the cache). CA, ASR, RA in %%; DER in [0,1] against the undefended model.",
                c.dataset(), c.architecture(), c.effectiveWidth(), c.trainLimit(), 100 * c.poisonRate(), c.target(),
                c.testLimit() == 0 ? "all" : Integer.toString(c.testLimit()), c.epochs(), 100 * c.defenderFraction(), c.seed(),
                String.join(", ", attacks), String.join(", ", defenses), wall, reused);
        new CompareReport(rows).writeAll(dir, "FMP Lab comparison", notes);
        return wall;
    }

    private static Map<String, Map<String, String>> defenseParams(Map<String, String> flat, boolean quick) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        if (quick) QUICK_PARAMS.forEach((d, p) -> out.put(d, new LinkedHashMap<>(p)));
        flat.forEach((k, v) -> {
            int dot = k.indexOf('.');
            if (dot <= 0) throw new IllegalArgumentException("--defense-param expects DEFENSE.KEY=VALUE, got '" + k + "=" + v + "'");
            out.computeIfAbsent(k.substring(0, dot), d -> new LinkedHashMap<>()).put(k.substring(dot + 1), v);
        });
        return out;
    }

    private static List<String> list(String csv, List<String> def) {
        if (csv == null) return def;
        List<String> out = new ArrayList<>();
        for (String s : csv.split(",")) if (!s.isBlank()) out.add(s.trim().toLowerCase(Locale.ROOT));
        if (out.isEmpty()) throw new IllegalArgumentException("empty list '" + csv + "'");
        return out;
    }

    private static List<String> available(List<String> wanted, List<String> known) {
        return wanted.stream().filter(known::contains).toList();
    }
}
