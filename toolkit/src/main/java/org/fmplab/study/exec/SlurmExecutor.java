package org.fmplab.study.exec;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Runs a study's missing tasks as one Slurm job array: one array task per study task, i.e. per backdoored
 * model with all of its defense cells. Training the model dominates a task's time and every defense cell of
 * that model starts from the trained model, so splitting a model's cells over array tasks would make them
 * train it again or queue on its store lock; one task per model keeps each allocation busy and the array
 * as long as the number of models.
 *
 * <p>The executor writes {@code workDir/study.sbatch}, submits it with {@code sbatch --parsable}, follows
 * the array with {@code squeue} (running/pending) and the status files its tasks write
 * ({@code workDir/status/task-I-JOB.exit}, the task's exit code), and once the array has left the queue reads
 * the final state of tasks that wrote no status (cancelled, timed out, preempted, out of memory) from
 * {@code scontrol show job}. It does not use sacct, which needs the accounting database (slurmdbd). Each
 * task logs to {@code workDir/logs/task-I-jobJ.log}. Slurm's client commands read {@code SLURM_CONF} and
 * the PATH of this process.
 */
public final class SlurmExecutor implements Executor {
    /** Stands for the task index in the argv until the script writes it as {@code "$TASK"}. */
    private static final String INDEX = "\u0000TASK";

    private final SlurmOptions options;
    private final String jobName;
    private final Path workDir;
    private final boolean dryRun;
    private final PrintStream out;
    private final boolean terminal;

    /**
     * @param jobName the array's job name (shown by squeue)
     * @param workDir where the script, logs and status files go (the study's output folder/slurm, on the
     *                shared filesystem: the tasks write there from the compute nodes)
     * @param dryRun  print the script instead of submitting it
     */
    public SlurmExecutor(SlurmOptions options, String jobName, Path workDir, boolean dryRun, PrintStream out, boolean terminal) {
        if (!jobName.matches("[A-Za-z0-9_.-]+")) throw new IllegalArgumentException("job name '" + jobName + "' must be letters, digits, _ . -");
        this.options = options;
        this.jobName = jobName;
        this.workDir = workDir.toAbsolutePath().normalize();
        this.dryRun = dryRun;
        this.out = out;
        this.terminal = terminal;
    }

    /** The job array script for {@code tasks}. */
    public String script(List<Task> tasks, TaskCommand command) {
        if (tasks.isEmpty()) throw new IllegalArgumentException("no tasks to submit");
        StringBuilder s = new StringBuilder("#!/bin/bash\n");
        s.append("#SBATCH --job-name=").append(jobName).append('\n');
        s.append("#SBATCH --array=").append(arraySpec(tasks.stream().map(Task::index).toList()))
                .append(options.maxRunning() > 0 ? "%" + options.maxRunning() : "").append('\n');
        s.append("#SBATCH --output=").append(workDir.resolve("logs")).append("/task-%a-job%A.log\n");
        if (options.partition() != null) s.append("#SBATCH --partition=").append(options.partition()).append('\n');
        if (options.account() != null) s.append("#SBATCH --account=").append(options.account()).append('\n');
        if (options.time() != null) s.append("#SBATCH --time=").append(options.time()).append('\n');
        if (options.cpusPerTask() > 0) s.append("#SBATCH --cpus-per-task=").append(options.cpusPerTask()).append('\n');
        if (options.mem() != null) s.append("#SBATCH --mem=").append(options.mem()).append('\n');
        if (options.gres() != null) s.append("#SBATCH --gres=").append(options.gres()).append('\n');
        for (String e : options.extra()) s.append("#SBATCH ").append(e).append('\n');
        s.append("# One array task = one backdoored model with all its defense cells (they reuse its training).\n");
        s.append("# Tasks are idempotent: a requeued or rerun task skips the cells already in the store.\n");
        for (String line : options.prologue()) s.append(line).append('\n');
        s.append("TASK=$SLURM_ARRAY_TASK_ID\n");
        s.append("STATUS=").append(quote(workDir.resolve("status").toString())).append('\n');
        s.append("export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1}\n");
        command.environment(options.jvmBudgetMb()).forEach((k, v) -> s.append("export ").append(k).append('=').append(quote(v)).append('\n'));
        s.append("echo \"study task $TASK: job ${SLURM_ARRAY_JOB_ID}_$TASK on $(hostname)\"\n");
        List<String> words = new ArrayList<>();
        for (String a : command.argv(INDEX, options.jvmBudgetMb())) words.add(a.equals(INDEX) ? "\"$TASK\"" : quote(a));
        s.append(String.join(" ", words)).append('\n');
        s.append("rc=$?\n");
        s.append("mkdir -p \"$STATUS\" && echo \"$rc\" > \"$STATUS/task-$TASK-$SLURM_ARRAY_JOB_ID.exit.tmp\" \\\n");
        s.append("  && mv -f \"$STATUS/task-$TASK-$SLURM_ARRAY_JOB_ID.exit.tmp\" \"$STATUS/task-$TASK-$SLURM_ARRAY_JOB_ID.exit\"\n");
        s.append("exit $rc\n");
        return s.toString();
    }

    @Override
    public Result run(List<Task> tasks, TaskCommand command, Cells cells) {
        String script = script(tasks, command);
        if (dryRun) {
            out.print(script);
            return new Result(List.of(), false);
        }
        Path file = workDir.resolve("study.sbatch");
        try {
            Files.createDirectories(workDir.resolve("logs"));
            Files.createDirectories(workDir.resolve("status"));
            Files.writeString(file, script);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        String jobId = submit(file);
        out.println("submitted job array " + jobId + " (" + tasks.size() + " tasks, script " + file + "); "
                + "stop it with: scancel " + jobId + "; after an interruption rerun the study to resume");
        follow(jobId, tasks, cells);
        return new Result(outcomes(jobId, tasks), true);
    }

    private String submit(Path script) {
        Cmd r = cmd(List.of("sbatch", "--parsable", script.toString()));
        if (r.rc != 0) throw new IllegalStateException("sbatch failed (exit code " + r.rc + "): " + r.output.strip());
        String id = r.output.strip();
        int semi = id.indexOf(';');  // "123;cluster" on multi-cluster setups
        id = semi >= 0 ? id.substring(0, semi) : id;
        if (!id.matches("\\d+")) throw new IllegalStateException("sbatch printed '" + r.output.strip() + "', not a job id");
        return id;
    }

    // Polls squeue until no task of the array is queued or running, drawing the progress line.
    private void follow(String jobId, List<Task> tasks, Cells cells) {
        ProgressLine progress = new ProgressLine(out, terminal, "study (slurm job " + jobId + ")", cells);
        int errors = 0;
        while (true) {
            Cmd q = cmd(List.of("squeue", "-h", "-r", "-j", jobId, "-o", "%i|%T"));
            Map<Integer, String> queued;
            if (q.rc != 0) {
                // After MinJobAge squeue no longer knows the job ("Invalid job id"); other errors are retried.
                if (q.output.contains("Invalid job id")) {
                    queued = Map.of();
                } else if (++errors >= 30) {
                    throw new IllegalStateException("squeue failed 30 times in a row: " + q.output.strip());
                } else {
                    sleep();
                    continue;
                }
            } else {
                errors = 0;
                queued = parseSqueue(q.output);
            }
            int running = (int) queued.values().stream().filter(s -> s.equals("RUNNING") || s.equals("COMPLETING")).count();
            int done = 0;
            int failed = 0;
            for (Task t : tasks) {
                Integer rc = statusCode(t.index(), jobId);
                if (rc != null && !queued.containsKey(t.index())) {
                    if (rc == 0) done++;
                    else failed++;
                } else if (rc == null && !queued.containsKey(t.index())) {
                    failed++;  // left the queue without writing a status: cancelled, timed out, node failure
                }
            }
            progress.update(tasks.size(), done, running, failed);
            if (queued.isEmpty()) break;
            sleep();
        }
        progress.finish();
    }

    private List<Outcome> outcomes(String jobId, List<Task> tasks) {
        Map<Integer, String[]> finalStates = null;
        List<Outcome> out = new ArrayList<>();
        for (Task t : tasks) {
            Path log = workDir.resolve("logs").resolve("task-" + t.index() + "-job" + jobId + ".log");
            Integer rc = statusCode(t.index(), jobId);
            if (rc != null && rc == 0) {
                out.add(new Outcome(t, 0, "COMPLETED", log));
                continue;
            }
            if (finalStates == null) finalStates = parseScontrol(cmd(List.of("scontrol", "-o", "show", "job", jobId)).output);
            String[] st = finalStates.get(t.index());
            String state = st != null ? st[0] : (rc != null ? "FAILED" : "UNKNOWN");
            int code = rc != null ? rc : st != null ? Integer.parseInt(st[1]) : -1;
            if (rc == null && "COMPLETED".equals(state)) state = "FAILED";  // ran, but never reached its status line
            out.add(new Outcome(t, code, state, log));
        }
        return out;
    }

    private Integer statusCode(int index, String jobId) {
        Path f = workDir.resolve("status").resolve("task-" + index + "-" + jobId + ".exit");
        try {
            return Files.isRegularFile(f) ? Integer.valueOf(Files.readString(f).strip()) : null;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    /** squeue {@code -r -o "%i|%T"} lines ("12_3|RUNNING") as task index → state; the pending rest "12_[4-7]" expanded. */
    static Map<Integer, String> parseSqueue(String text) {
        Map<Integer, String> m = new HashMap<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            int us = l.indexOf('_');
            int bar = l.indexOf('|');
            if (us < 0 || bar < us) continue;
            String idx = l.substring(us + 1, bar).replace("[", "").replace("]", "");
            int pct = idx.indexOf('%');
            if (pct >= 0) idx = idx.substring(0, pct);
            for (int i : expand(idx)) m.put(i, l.substring(bar + 1));
        }
        return m;
    }

    /** {@code scontrol -o show job} records as array task index → {JobState, exit code}. */
    static Map<Integer, String[]> parseScontrol(String text) {
        Map<Integer, String[]> m = new HashMap<>();
        for (String line : text.split("\n")) {
            String idx = field(line, "ArrayTaskId");
            String state = field(line, "JobState");
            String exit = field(line, "ExitCode");
            if (idx == null || state == null) continue;
            String code = exit == null ? "-1" : Integer.toString(exitCode(exit));
            for (int i : expand(idx)) m.put(i, new String[] {state, code});
        }
        return m;
    }

    /** Slurm's "code:signal" as a shell would report it: the code, or 128 + the signal that ended the task. */
    static int exitCode(String slurmExitCode) {
        String[] p = slurmExitCode.split(":");
        try {
            int code = Integer.parseInt(p[0]);
            int signal = p.length > 1 ? Integer.parseInt(p[1]) : 0;
            return signal != 0 ? 128 + signal : code;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String field(String line, String key) {
        for (String w : line.strip().split("\\s+")) {
            if (w.startsWith(key + "=")) return w.substring(key.length() + 1);
        }
        return null;
    }

    /** "0-3,7,9-10" from task indices (sorted, duplicates dropped). */
    static String arraySpec(List<Integer> indices) {
        List<Integer> s = new ArrayList<>(new TreeSet<>(indices));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.size(); ) {
            int j = i;
            while (j + 1 < s.size() && s.get(j + 1) == s.get(j) + 1) j++;
            if (sb.length() > 0) sb.append(',');
            sb.append(s.get(i));
            if (j > i) sb.append('-').append(s.get(j));
            i = j + 1;
        }
        return sb.toString();
    }

    private static List<Integer> expand(String spec) {
        List<Integer> out = new ArrayList<>();
        for (String part : spec.split(",")) {
            if (part.isBlank()) continue;
            try {
                int dash = part.indexOf('-');
                int lo = Integer.parseInt(dash < 0 ? part.strip() : part.substring(0, dash).strip());
                int hi = dash < 0 ? lo : Integer.parseInt(part.substring(dash + 1).strip());
                for (int i = lo; i <= hi; i++) out.add(i);
            } catch (NumberFormatException e) {
                // not an array index (a plain job's "N/A"): ignored
            }
        }
        return out;
    }

    /** Single-quotes {@code s} for bash. */
    static String quote(String s) {
        return s.matches("[A-Za-z0-9_./=:,+@%-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    private void sleep() {
        try {
            Thread.sleep(options.pollSeconds() * 1000L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while following the job array (it keeps running; rerun the study to resume)", e);
        }
    }

    private record Cmd(int rc, String output) { }

    private static Cmd cmd(List<String> argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            byte[] bytes = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Cmd(124, argv.get(0) + " timed out");
            }
            return new Cmd(p.exitValue(), new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Cmd(127, argv.get(0) + " could not be run (" + e.getMessage() + "); is Slurm's client installed and on PATH?");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + argv.get(0), e);
        }
    }
}
