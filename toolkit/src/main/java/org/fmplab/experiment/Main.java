package org.fmplab.experiment;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.fmplab.attack.LabelMode;
import org.fmplab.data.DatasetException;
import org.fmplab.model.Backend;
import org.fmplab.progress.InterruptedWorkException;

/** The command line behind {@code ./fmplab}: {@code run}, {@code bench}. */
public final class Main {
    private Main() { }

    public static void main(String[] argv) {
        Backend.init();
        PrintStream out = System.out;
        // --version anywhere (./fmplab --version, ./fmplab run --version): print it and do nothing else.
        if (java.util.Arrays.asList(argv).contains("--version")) {
            out.println("fmplab " + Help.version());
            System.exit(0);
        }
        if (argv.length == 0) {
            usage(out);
            System.exit(2);
        }
        String cmd = argv[0];
        String[] rest = java.util.Arrays.copyOfRange(argv, 1, argv.length);
        try {
            int rc = switch (cmd) {
                case "run" -> run(rest, out);
                case "bench" -> Bench.main(rest, out);
                case "compare" -> Compare.main(rest, out);
                case "study" -> StudyCommand.main(rest, out);
                case "import-model" -> ImportModel.main(rest, out);
                case "diagnose-ranking" -> DiagnoseRanking.main(rest, out);
                case "tutorial-models" -> TutorialModels.main(rest, out);
                case "params" -> params(rest, out);
                default -> {
                    usage(out);
                    yield 2;
                }
            };
            System.exit(rc);
        } catch (IllegalArgumentException | DatasetException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        } catch (InterruptedWorkException e) {
            System.err.println("interrupted");
            System.exit(130);
        } catch (RuntimeException | Error e) {
            // Anything else: one line with the cause, the full trace in a file (Crash).
            System.exit(Crash.report(e, argv, Path.of("runs")));
        }
    }

    /**
     * {@code ./fmplab params [NAME...]}: every attack's and defense's parameters (or those of the named
     * methods) with defaults, valid values and meaning, printed from their one declaration.
     */
    static int params(String[] names, PrintStream out) {
        java.util.List<String> wanted = java.util.List.of(names);
        for (String a : org.fmplab.attack.Attacks.names()) {
            if (wanted.isEmpty() || wanted.contains(a)) out.println("attack " + a + " (--attack-param K=V)\n" + org.fmplab.attack.Attacks.paramHelp(a));
        }
        for (String d : org.fmplab.defense.api.Defenses.names()) {
            if (d.equals("none") || !(wanted.isEmpty() || wanted.contains(d))) continue;
            out.println("defense " + d + " (--defense-param K=V; study: " + d + "(k=v;k=v))\n" + org.fmplab.defense.api.Defenses.paramHelp(d));
        }
        return 0;
    }

    static int run(String[] argv, PrintStream out) {
        Args a = new Args(argv, Set.of("quick", "help"));
        if (a.flag("help")) {
            out.println(RUN_HELP);
            return 0;
        }
        RunConfig c = parseRun(a);
        String modelDir = a.get("model-dir", null); // an imported model to defend instead of training one
        a.rejectUnknown();
        Backend.Status st = Backend.check();
        if (!st.fast()) {
            System.err.println("warning: convolutions run on DL4J's slow Java path (backend " + st.backend()
                    + ", oneDNN built " + st.oneDnnBuilt() + ", helpers " + st.helpersEnabled() + ")");
        }
        if (modelDir != null) {
            out.printf(Locale.ROOT, "FMP Lab run '%s': %s, model %s (not trained here; --model/--width/--epochs unused), evaluated with attack %s, defense %s, seed %d%n",
                    c.name(), c.dataset(), modelDir, c.attack(), c.defense(), c.seed());
        } else {
            out.printf(Locale.ROOT, "FMP Lab run '%s': %s, %s width %d, attack %s, %.0f%% poisoned, %d epochs, defense %s, seed %d%n",
                    c.name(), c.dataset(), c.architecture(), c.effectiveWidth(), c.attack(), 100 * c.poisonRate(), c.epochs(), c.defense(), c.seed());
        }
        RunResult r = new Pipeline(c, ConsoleProgress.stderr(), modelDir == null ? null : Path.of(modelDir)).run();
        out.println();
        out.print(Reports.stagesMarkdown(r.stages()));
        out.printf(Locale.ROOT, "%nwrote %s (report.md, results.json, plots, models) in %.1f s%n", r.runDir(), r.seconds());
        return 0;
    }

    /** Parses the {@code run} options over the defaults (or the quick defaults with --quick). */
    static RunConfig parseRun(Args a) {
        RunConfig c = RunConfig.defaults();
        boolean quick = a.flag("quick");
        if (quick) c = c.quick().withName("quick");
        String dataset = a.get("dataset", c.dataset());
        String dataDir = a.get("data-dir", null);
        c = c.withData(dataset, dataDir == null ? null : Path.of(dataDir));
        c = c.withSizes(a.getInt("train-limit", c.trainLimit()), a.getInt("test-limit", c.testLimit()));
        c = c.withModel(a.get("model", c.architecture()), a.getInt("width", c.width()));
        c = c.withAttack(a.get("attack", c.attack()), a.pairs("attack-param"));
        c = c.withPoisoning(a.getDouble("rate", c.poisonRate()), a.getInt("target", c.target()),
                LabelMode.parse(a.get("label-mode", c.labelMode().toString())));
        c = c.withTraining(a.getInt("epochs", c.epochs()), a.getInt("batch", c.batchSize()), a.getDouble("lr", c.learningRate()));
        c = c.withDefense(a.get("defense", c.defense()), a.pairs("defense-param"), a.getDouble("defender-fraction", c.defenderFraction()));
        c = c.withSeed(a.getInt("seed", (int) c.seed()));
        c = c.withOutDir(Path.of(a.get("out", c.outDir().toString())));
        String name = a.get("name", null);
        if (name == null && !quick && !"badnets".equals(c.attack())) name = c.attack();
        if (name != null) c = c.withName(name);
        return c;
    }

    static final String RUN_HELP = Help.text("run");

    static void usage(PrintStream out) {
        out.println("usage: fmplab run|bench ... (see ./fmplab help)");
    }
}
