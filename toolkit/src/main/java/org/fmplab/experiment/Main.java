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
                case "diagnose-ranking" -> DiagnoseRanking.main(rest, out);
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
        }
    }

    static int run(String[] argv, PrintStream out) {
        Args a = new Args(argv, Set.of("quick", "help"));
        if (a.flag("help")) {
            out.println(RUN_HELP);
            return 0;
        }
        RunConfig c = parseRun(a);
        a.rejectUnknown();
        Backend.Status st = Backend.check();
        if (!st.fast()) {
            System.err.println("warning: convolutions run on DL4J's slow Java path (backend " + st.backend()
                    + ", oneDNN built " + st.oneDnnBuilt() + ", helpers " + st.helpersEnabled() + ")");
        }
        out.printf(Locale.ROOT, "FMP Lab run '%s': %s, %s width %d, attack %s, %.0f%% poisoned, %d epochs, defense %s, seed %d%n",
                c.name(), c.dataset(), c.architecture(), c.effectiveWidth(), c.attack(), 100 * c.poisonRate(), c.epochs(), c.defense(), c.seed());
        RunResult r = new Pipeline(c, ConsoleProgress.stderr()).run();
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

    static final String RUN_HELP = """
            usage: ./fmplab run [options]      poison -> train -> defend -> report into runs/<name>/
              --dataset NAME         fashion-mnist (default, offline), mnist, cifar10, cifar100, gtsrb, tiny-imagenet, folder
              --data-dir DIR         dataset folder (default: the dataset's standard place; see datasets/README.md)
              --train-limit N        class-balanced training subset size (default 20000; 0 = all)
              --test-limit N         first N test images (default 0 = all)
              --model NAME           preactresnet18 (default) or smallcnn
              --width N              model width (default 16 for preactresnet18, 32 for smallcnn)
              --attack NAME          badnets (default); see ./fmplab bench attacks for the others
              --attack-param K=V     attack parameter override (repeatable)
              --rate R               poisoning rate (default 0.1)
              --target T             target label (default 0)
              --label-mode M         all-to-one (default) or all-to-all
              --epochs E --batch B --lr LR   backdoor training (default 3, 128, 0.01)
              --defense NAME         fmp (default) or none
              --defense-param K=V    defense parameter override (repeatable)
              --defender-fraction F  defender's clean share of the training set (default 0.05)
              --seed S               master seed (default 0)
              --out DIR --name NAME  output folder (default runs/default, runs/quick with --quick)
              --quick                small and fast (5k train / 2k test images, 2 epochs)
            """;

    static void usage(PrintStream out) {
        out.println("usage: fmplab run|bench ... (see ./fmplab help)");
    }
}
