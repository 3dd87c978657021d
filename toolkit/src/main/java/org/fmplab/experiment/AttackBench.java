package org.fmplab.experiment;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.fmplab.attack.Attack;
import org.fmplab.metrics.Scores;
import org.fmplab.model.TrainResult;
import org.fmplab.model.Trainer;
import org.fmplab.progress.ProgressListener;
import org.fmplab.viz.AttackGallery;

/**
 * {@code ./fmplab bench attacks}: trains a backdoored model for each attack exactly as the main job
 * does ({@link Pipeline#prepareData} then {@link Pipeline#trainBackdoored}; default Fashion-MNIST 20k
 * images, PreActResNet-18 width 16, 10% all-to-one to class 0, 3 epochs) plus a clean model, and
 * reports attack × CA / ASR / RA with the time to prepare/poison and to train.
 */
public final class AttackBench {
    /** The attacks of the paper, in the order of the table. */
    public static final List<String> ATTACKS = List.of("badnets", "blended", "sig", "lf", "wanet", "input-aware", "ssba-lite", "lc");

    /**
     * One line of the table.
     *
     * @param attack         registry name, or "clean" for the model trained without poison
     * @param epochs         training epochs
     * @param scores         CA, ASR, RA on the full test set and its triggered non-target images
     * @param prepareSeconds attack preparation and poisoning (surrogates, generators, PGD)
     * @param trainSeconds   training of the victim model
     * @param poisoned       number of poisoned training images
     */
    public record Row(String attack, int epochs, Scores scores, double prepareSeconds, double trainSeconds, String poisoned) { }

    private AttackBench() { }

    /** Trains on the clean training set of {@code base}; its ASR is that of the attack in {@code base}. */
    public static Row clean(RunConfig base, ProgressListener listener) {
        Pipeline p = new Pipeline(base, listener);
        Pipeline.Data data = p.prepareData();
        TrainResult r = new Trainer(p.trainConfig()).withListener(listener).withStage("clean").train(p.newModel(data.train()), data.train());
        return new Row("clean", base.epochs(), data.evaluator().evaluate(r.model()), 0, r.seconds(), "0");
    }

    /** Poisons with {@code base}'s attack, trains the backdoored model and evaluates it. */
    public static Row attack(RunConfig base, ProgressListener listener, Consumer<Attack> prepared) {
        return attack(base, listener, prepared, null);
    }

    /** As {@link #attack(RunConfig, ProgressListener, Consumer)}, also caching the model for {@code ./fmplab compare}. */
    static Row attack(RunConfig base, ProgressListener listener, Consumer<Attack> prepared, ModelCache cache) {
        Pipeline p = new Pipeline(base, listener);
        long t0 = System.nanoTime();
        Pipeline.Data data = p.prepareData();
        double prep = (System.nanoTime() - t0) / 1e9;
        if (prepared != null) prepared.accept(data.poisoner().attack());
        TrainResult r = p.trainBackdoored(data);
        if (cache != null) cache.put(base, r);
        return new Row(base.attack(), base.epochs(), data.evaluator().evaluate(r.model()), prep, r.seconds(), data.poisoned().onTheFly() ? "per batch" : String.valueOf(data.poisoned().poisonCount()));
    }

    /** The rows as a Markdown table. */
    public static String markdown(List<Row> rows) {
        StringBuilder sb = new StringBuilder("| attack | epochs | CA | ASR | RA | poisoned | prepare+poison (s) | training (s) |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) sb.append(line(r)).append('\n');
        return sb.toString();
    }

    private static String line(Row r) {
        return String.format(Locale.ROOT, "| %s | %d | %.4f | %.4f | %.4f | %s | %.0f | %.0f |", r.attack(), r.epochs(),
                r.scores().ca(), r.scores().asr(), r.scores().ra(), r.poisoned(), r.prepareSeconds(), r.trainSeconds());
    }

    /**
     * Command line: {@code [--attacks a,b,...] [--no-clean] [--train N] [--test N] [--epochs E]
     * [--epochs-for attack=E]... [--param attack.key=value]... [--seed S] [--gallery FILE] [--out FILE] [--cache DIR]}.
     * Prints each row as soon as it is measured, then the whole table. Each backdoored model goes into
     * the store of {@code ./fmplab compare --out DIR} (default {@code runs/compare}), so a later
     * comparison on the same settings reuses it.
     */
    public static int main(String[] argv, PrintStream out) throws IOException {
        Args a = new Args(argv, Set.of("no-clean", "help"));
        if (a.flag("help")) {
            out.println("usage: ./fmplab bench attacks [--attacks a,b,...] [--no-clean] [--train N] [--test N] [--epochs E]\n"
                    + "         [--epochs-for attack=E]... [--param attack.key=value]... [--seed S] [--gallery FILE] [--out FILE]\n"
                    + "         [--cache DIR]   (backdoored models go to the cache of ./fmplab compare --out DIR; default runs/compare)\n"
                    + "attacks: " + String.join(",", ATTACKS));
            return 0;
        }
        RunConfig d = RunConfig.defaults();
        RunConfig base = d.withSizes(a.getInt("train", d.trainLimit()), a.getInt("test", d.testLimit()))
                .withEpochs(a.getInt("epochs", d.epochs())).withSeed(a.getInt("seed", (int) d.seed())).withDefense("none", Map.of(), d.defenderFraction());
        List<String> attacks = List.of(a.get("attacks", String.join(",", ATTACKS)).split(","));
        boolean withClean = !a.flag("no-clean");
        Map<String, String> epochsFor = a.pairs("epochs-for");
        Map<String, Map<String, String>> params = new LinkedHashMap<>();
        a.pairs("param").forEach((k, v) -> {
            int dot = k.indexOf('.');
            if (dot <= 0) throw new IllegalArgumentException("--param expects attack.key=value, got '" + k + "=" + v + "'");
            params.computeIfAbsent(k.substring(0, dot), x -> new LinkedHashMap<>()).put(k.substring(dot + 1), v);
        });
        String gallery = a.get("gallery", null);
        String outFile = a.get("out", null);
        ModelCache cache = new ModelCache(Path.of(a.get("cache", "runs/compare")).resolve("store"));
        a.rejectUnknown();

        ProgressListener progress = ConsoleProgress.stderr();
        List<Row> rows = new ArrayList<>();
        List<Attack> prepared = new ArrayList<>();
        if (withClean) rows.add(report(out, clean(base, progress)));
        for (String name : attacks) {
            int epochs = Integer.parseInt(epochsFor.getOrDefault(name, Integer.toString(base.epochs())));
            RunConfig cfg = base.withAttack(name, params.getOrDefault(name, Map.of())).withEpochs(epochs);
            rows.add(report(out, attack(cfg, progress, prepared::add, cache)));
        }
        String table = markdown(rows);
        out.println();
        out.print(table);
        if (outFile != null) Files.writeString(Path.of(outFile), table);
        if (gallery != null) {
            var test = org.fmplab.data.Datasets.load(base.dataset(), base.dataDir()).test();
            AttackGallery.of(prepared, test, new int[] {0, 1, 2, 3}).writePng(Path.of(gallery));
        }
        return 0;
    }

    /** Entry point for running the bench without the launcher. */
    public static void main(String[] args) throws IOException {
        main(args, System.out);
    }

    private static Row report(PrintStream out, Row r) {
        out.println(line(r));
        out.flush();
        return r;
    }
}
