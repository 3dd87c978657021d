package org.fmplab.experiment;

import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.fmplab.attack.Attacks;
import org.fmplab.defense.api.DefenderData;
import org.fmplab.defense.api.Defense;
import org.fmplab.defense.api.DefenseResult;
import org.fmplab.defense.api.Defenses;
import org.fmplab.metrics.Scores;
import org.fmplab.model.Backend;
import org.fmplab.model.ModelSpec;
import org.fmplab.progress.ProgressListener;
import org.fmplab.viz.Png;

/**
 * {@code ./fmplab compare}: the attack × defense grid (the paper's Table 1) on the main job's default
 * setting. For each attack the backdoored model is trained once and cached by a hash of its config
 * ({@link CompareCache}); every defense (and "none", the undefended model) is then run on it with the
 * defender's clean subset and evaluated on the test set. Finished cells are cached too, so an
 * interrupted or extended grid only redoes what is new ({@code --rerun} recomputes the cells). Writes
 * compare.csv / .md / .html and the bar charts into {@code --out} (see {@link CompareReport}); images a
 * defense reports (e.g. Neural Cleanse's recovered masks) go to {@code details/}. When the grid runs
 * "fmp" before "random", the random control gets the per-layer counts FMP pruned on the same model.
 */
public final class Compare {
    /** The {@code --quick} smoke grid: two pattern attacks, four cheap defenses. */
    static final List<String> QUICK_ATTACKS = List.of("badnets", "blended");
    static final List<String> QUICK_DEFENSES = List.of("ft", "fp", "clp", "random");
    /** Shortened training for {@code --quick} (only for defenses that take these keys). */
    static final Map<String, Map<String, String>> QUICK_PARAMS = Map.of(
            "ft", Map.of("epochs", "2"), "fp", Map.of("epochs", "2"), "random", Map.of("epochs", "2"),
            "nad", Map.of("epochs", "2", "teacher.epochs", "2"), "nc", Map.of("steps", "30", "epochs", "2"),
            "anp", Map.of("iterations", "20"), "ibau", Map.of("rounds", "2"));

    private static final String FMP = "fmp";
    private static final String RANDOM = "random";

    private Compare() { }

    static final String HELP = """
            usage: ./fmplab compare [options]   attack x defense grid -> compare.csv/.md/.html/.png
              --out DIR              output folder (default runs/compare); cache in DIR/cache
              --attacks a,b          attacks (default: every registered attack)
              --defenses x,y         defenses (default: every registered defense); "none" is always included
              --defense-param D.K=V  parameter K of defense D (repeatable), e.g. anp.iterations=2000
              --quick                smoke grid: badnets,blended x ft,fp,clp,random; SmallCNN width 8,
                                     3k train / 1k test images, 1 epoch, short defenses
              --rerun                recompute cached cells (backdoored models stay cached)
              --dataset, --data-dir, --train-limit, --test-limit, --model, --width, --epochs,
              --defender-fraction, --seed   as for ./fmplab run
            """;

    /** Runs the grid; returns the exit code. Progress goes to stderr, the summary to {@code out}. */
    public static int main(String[] args, PrintStream out) {
        Args a = new Args(args, Set.of("quick", "rerun", "help"));
        if (a.flag("help")) {
            out.println(HELP);
            return 0;
        }
        boolean quick = a.flag("quick");
        boolean rerun = a.flag("rerun");
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
        List<String> defenses = new ArrayList<>(List.of("none"));
        for (String d : list(a.get("defenses", null), quick ? QUICK_DEFENSES : Defenses.names())) if (!defenses.contains(d)) defenses.add(d);
        Map<String, Map<String, String>> params = defenseParams(a.pairs("defense-param"), quick);
        a.rejectUnknown();
        for (String att : attacks) Attacks.create(att); // fail fast on unknown names
        for (String d : defenses) Defenses.create(d, params.getOrDefault(d, Map.of()));

        Backend.init();
        long t0 = System.nanoTime();
        out.printf(Locale.ROOT, "FMP Lab compare: %s, %s width %d, %d train / %s test images, %d epochs; attacks %s; defenses %s%n",
                c.dataset(), c.architecture(), c.effectiveWidth(), c.trainLimit(), c.testLimit() == 0 ? "all" : Integer.toString(c.testLimit()),
                c.epochs(), attacks, defenses);
        ProgressListener progress = ConsoleProgress.stderr();
        CompareCache cache = new CompareCache(dir);
        List<CompareRow> rows = new ArrayList<>();
        int reused = 0;
        for (String attack : attacks) {
            RunConfig rc = c.withAttack(attack, Map.of()).withName(attack);
            CompareCache.Backdoored b = cache.backdoored(rc, progress);
            Scores before = b.evaluator().evaluate(b.model());
            rows.add(CompareRow.of(attack, "none", before, null, b.trainSeconds()));
            out.printf(Locale.ROOT, "%-10s %-7s CA %6.2f ASR %6.2f RA %6.2f%s%n", attack, "none", 100 * before.ca(), 100 * before.asr(),
                    100 * before.ra(), b.cached() ? "  (cached model)" : "");
            String fmpCounts = null;
            for (String defense : defenses) {
                if (defense.equals("none")) continue;
                Map<String, String> p = params.getOrDefault(defense, Map.of());
                if (defense.equals(RANDOM) && fmpCounts != null && !p.containsKey("counts") && !p.containsKey("ratio")) {
                    // the random control prunes exactly as many channels per layer as FMP did on this model
                    p = new LinkedHashMap<>(p);
                    p.put("counts", fmpCounts);
                }
                String key = CompareCache.cellKey(b.hash(), rc, defense, p);
                CompareRow row = rerun ? null : cache.cell(key);
                if (row != null) {
                    reused++;
                } else {
                    Defense def = Defenses.create(defense, p);
                    long s0 = System.nanoTime();
                    DefenseResult r = def.defend(b.model(), new DefenderData(b.defender(), Pipeline.defenseSeed(rc)), progress);
                    double secs = (System.nanoTime() - s0) / 1e9;
                    row = CompareRow.of(attack, defense, b.evaluator().evaluate(r.last().model()), before, secs);
                    cache.putCell(key, row, plainDetails(r, dir.resolve("details"), attack + "-" + defense));
                }
                if (defense.equals(FMP)) fmpCounts = cache.cellDetail(key, "prunedPerLayer");
                rows.add(row);
                out.printf(Locale.ROOT, "%-10s %-7s CA %6.2f ASR %6.2f RA %6.2f DER %.3f  %.0f s%n", attack, defense, 100 * row.ca(),
                        100 * row.asr(), 100 * row.ra(), row.der(), row.seconds());
            }
            write(rows, dir, c, attacks, defenses, t0, reused);
        }
        double wall = write(rows, dir, c, attacks, defenses, t0, reused);
        out.printf(Locale.ROOT, "%nwrote %s (compare.csv, compare.md, compare.html, compare.png) in %.0f s (%d cached cells reused)%n",
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

    // Plain values go to the cell cache (maps of plain values as "k:v,k:v"); images (e.g. NC's recovered
    // masks) are written as PNG files.
    private static Map<String, Object> plainDetails(DefenseResult r, Path imagesDir, String prefix) {
        Map<String, Object> out = new LinkedHashMap<>();
        r.details().forEach((k, v) -> {
            if (v instanceof Number || v instanceof String || v instanceof Boolean) out.put(k, v);
            else if (v instanceof Map<?, ?> m) {
                StringBuilder sb = new StringBuilder();
                m.forEach((mk, mv) -> sb.append(sb.length() == 0 ? "" : ",").append(mk).append(':').append(mv));
                out.put(k, sb.toString());
            }
            else if (v instanceof BufferedImage img) {
                Path f = imagesDir.resolve(prefix + "-" + k + ".png");
                Png.write(img, f);
                out.put(k, f.getFileName().toString());
            }
        });
        return out;
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
