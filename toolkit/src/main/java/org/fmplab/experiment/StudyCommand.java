package org.fmplab.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.fmplab.study.StudyReport;
import org.fmplab.study.exec.Executor;
import org.fmplab.study.exec.ExecutorFlags;
import org.fmplab.study.exec.TaskCommand;

/**
 * {@code ./fmplab study}: runs a {@link StudySpec} (a JSON file and/or flags with the same names) into an
 * {@link ArtifactStore}, then writes the study's tables and plots. {@code --task I} runs one task (one
 * backdoored model with its cells) and {@code --list-tasks} lists them, so executors (local jobs, a Slurm
 * job array) can run tasks in parallel processes that share the store; {@code --aggregate} only writes the
 * outputs from what the store holds.
 */
public final class StudyCommand {
    private StudyCommand() { }

    static final String HELP = Help.text("study");

    /** The default study: the main job's default, BadNets on 8 seeds, FMP vs its random control (K = 5) vs the oracle. */
    static StudySpec defaults() {
        RunConfig base = RunConfig.defaults().withDefense("none", Map.of(), RunConfig.defaults().defenderFraction());
        return new StudySpec("default", base, List.of(base.dataset()), List.of(StudySpec.Method.parse("badnets")),
                List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L), List.of(StudySpec.Method.parse("fmp")),
                List.of("C/32", "C/16", "C/8", "C/4"), List.of("C/16", "C/8"), 5, List.of(StudySpec.TAC_ORACLE));
    }

    public static int main(String[] argv, PrintStream out) {
        Set<String> flagNames = new HashSet<>(Set.of("quick", "help", "list-tasks", "aggregate"));
        flagNames.addAll(ExecutorFlags.BOOLEAN_FLAGS);
        Args a = new Args(argv, flagNames);
        if (a.flag("help")) {
            out.println(HELP);
            return 0;
        }
        StudySpec spec = a.flag("quick") ? StudySpec.quick() : defaults();
        String file = a.get("spec", null);
        if (file != null) spec = StudySpec.read(Path.of(file), spec);
        Map<String, String> flags = new LinkedHashMap<>();
        for (String k : StudySpec.KEYS) {
            String v = a.get(k, null);
            if (v != null) flags.put(k, v);
        }
        spec = StudySpec.with(spec, flags, "");
        Path dir = Path.of(a.get("out", "runs/study-" + spec.name()));
        Path storeDir = Path.of(a.get("store", dir.resolve("store").toString()));
        String task = a.get("task", null);
        boolean list = a.flag("list-tasks");
        boolean aggregateOnly = a.flag("aggregate");
        Executor executor = ExecutorFlags.given(a::all) ? ExecutorFlags.create(a::all, spec.name(), dir.resolve("exec"), out) : null;
        a.rejectUnknown();

        Study study = new Study(spec, new ArtifactStore(storeDir));
        List<Study.Task> tasks = study.tasks();
        if (list) {
            for (Study.Task t : tasks) out.println(t.index() + "\t" + t.label() + "\t" + (study.isDone(t) ? "done" : "missing"));
            return 0;
        }
        long t0 = System.nanoTime();
        if (task != null) {
            int i;
            try {
                i = Integer.parseInt(task.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--task = '" + task + "' is not an integer");
            }
            if (i < 0 || i >= tasks.size()) throw new IllegalArgumentException("--task = " + i + " must be in [0, " + (tasks.size() - 1) + "]");
            out.printf(Locale.ROOT, "task %d: %s%n", i, tasks.get(i).label());
            study.runTask(tasks.get(i), ConsoleProgress.stderr());
            out.printf(Locale.ROOT, "task %d done in %.0f s%n", i, (System.nanoTime() - t0) / 1e9);
            return 0;
        }
        PrintStream info = a.flag("dry-run") ? System.err : out;  // --dry-run: stdout is the sbatch script alone
        info.println(study.describe());
        info.printf(Locale.ROOT, "%d tasks, %d cells (%d already in the store %s)%n", tasks.size(), study.cellCount(), study.doneCells(), storeDir);
        List<Executor.Outcome> failed = List.of();
        if (!aggregateOnly && executor != null) {
            Executor.Result r = runMissing(study, executor, dir, storeDir);
            if (!r.submitted()) return 0;  // --dry-run: the script was printed
            failed = r.failed();
        } else if (!aggregateOnly) {
            study.runAll(ConsoleProgress.stderr());
        }
        Study.Collected collected = study.collect();
        write(study, collected, dir);
        out.printf(Locale.ROOT, "wrote %s (%d rows) in %.0f s%n", dir, collected.rows().size(), (System.nanoTime() - t0) / 1e9);
        if (failed.isEmpty()) return 0;
        for (Executor.Outcome o : failed) out.println("failed: " + o.describe());
        out.printf(Locale.ROOT, "%d of %d tasks failed; the tables hold the others; rerun the study to retry only the failed ones%n",
                failed.size(), tasks.size());
        return 1;
    }

    /**
     * Runs the study's missing tasks in separate processes ({@code --executor}): each is this program with
     * {@code study --spec (the study as run) --out --store --task I}, in a JVM like this one.
     */
    static Executor.Result runMissing(Study study, Executor executor, Path dir, Path storeDir) {
        Path specFile = dir.resolve("exec").resolve("spec.json").toAbsolutePath();
        try {
            Files.createDirectories(specFile.getParent());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(specFile.toFile(), study.spec().toMap());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + specFile + ": " + e.getMessage(), e);
        }
        List<Executor.Task> missing = study.tasks().stream().filter(t -> !study.isDone(t))
                .map(t -> new Executor.Task(t.index(), t.label())).toList();
        if (missing.isEmpty()) return new Executor.Result(List.of(), true);
        TaskCommand command = TaskCommand.sameJvm(Main.class.getName(), List.of("study", "--spec", specFile.toString(),
                "--out", dir.toAbsolutePath().toString(), "--store", storeDir.toAbsolutePath().toString(), "--task", TaskCommand.TASK));
        return executor.run(missing, command, new Executor.Cells(study::doneCells, study.cellCount()));
    }

    /** The study's outputs: the spec it ran (study.json), its description (description.txt) and the tables and plots of {@link StudyReport}. */
    static void write(Study study, Study.Collected collected, Path dir) {
        var threads = collected.threads();
        String description = study.describe() + (threads.isEmpty() ? "" : " ND4J threads per task: " + threads
                + (threads.size() > 1 ? " (MIXED: cells computed with different thread counts differ in the last digits; "
                + "rerun with one thread count per task)" : "") + ".");
        if (threads.size() > 1) System.err.println("warning: the store's cells were computed with " + threads + " threads per task");
        try {
            Files.createDirectories(dir);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("study.json").toFile(), study.spec().toMap());
            Files.writeString(dir.resolve("description.txt"), description + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve("study.json") + ": " + e.getMessage(), e);
        }
        new StudyReport(collected.rows(), description).writeAll(dir);
    }
}
