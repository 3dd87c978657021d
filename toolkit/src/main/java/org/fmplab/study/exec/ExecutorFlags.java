package org.fmplab.study.exec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The {@code ./fmplab study} flags that choose and configure the executor, so the study command only hands
 * over its parsed flags: {@code --executor local|slurm}, {@code --jobs N} (local), and the Slurm settings.
 */
public final class ExecutorFlags {
    private ExecutorFlags() { }

    /** Flags that take a value ({@code sbatch} and {@code prologue} may repeat). */
    public static final List<String> VALUE_FLAGS = List.of("executor", "jobs", "partition", "account", "time",
            "cpus-per-task", "mem", "gres", "sbatch", "prologue", "max-running", "poll");
    /** Flags without a value. */
    public static final List<String> BOOLEAN_FLAGS = List.of("dry-run");
    private static final List<String> SLURM_ONLY = List.of("partition", "account", "time", "cpus-per-task", "mem", "gres",
            "sbatch", "prologue", "max-running", "poll", "dry-run");

    /** True when any executor flag is set (without one, the study runs its tasks in its own process). */
    public static boolean given(Function<String, List<String>> values) {
        return VALUE_FLAGS.stream().anyMatch(f -> !values.apply(f).isEmpty())
                || BOOLEAN_FLAGS.stream().anyMatch(f -> !values.apply(f).isEmpty());
    }

    /**
     * The executor the flags ask for.
     *
     * @param values  flag name → its values in order (empty when absent); boolean flags: non-empty when set
     * @param jobName the Slurm job name (the study's name)
     * @param workDir where logs (and Slurm's script and status files) go: the study's output folder/exec
     */
    public static Executor create(Function<String, List<String>> values, String jobName, Path workDir, PrintStream out) {
        String kind = last(values, "executor", "local");
        boolean terminal = System.console() != null;
        switch (kind) {
            case "local" -> {
                List<String> misplaced = new ArrayList<>();
                for (String f : SLURM_ONLY) if (!values.apply(f).isEmpty()) misplaced.add("--" + f);
                if (!misplaced.isEmpty()) throw new IllegalArgumentException(misplaced + " only apply to --executor slurm");
                int jobs = integer(values, "jobs", 1);
                return LocalExecutor.forThisMachine(jobs, workDir.resolve("logs"), out, terminal);
            }
            case "slurm" -> {
                if (!values.apply("jobs").isEmpty()) throw new IllegalArgumentException("--jobs applies to --executor local; Slurm runs as many tasks as the cluster allows (see --max-running)");
                SlurmOptions o = new SlurmOptions(last(values, "partition", null), last(values, "account", null),
                        last(values, "time", null), integer(values, "cpus-per-task", 0), last(values, "mem", null),
                        last(values, "gres", null), values.apply("sbatch"), values.apply("prologue"),
                        integer(values, "max-running", 0), integer(values, "poll", 5));
                String name = ("fmplab-" + jobName).replaceAll("[^A-Za-z0-9_.-]", "_");
                return new SlurmExecutor(o, name, workDir, !values.apply("dry-run").isEmpty(), out, terminal);
            }
            default -> throw new IllegalArgumentException("executor = '" + kind + "' must be local or slurm");
        }
    }

    private static String last(Function<String, List<String>> values, String key, String def) {
        List<String> v = values.apply(key);
        return v.isEmpty() ? def : v.get(v.size() - 1);
    }

    private static int integer(Function<String, List<String>> values, String key, int def) {
        String v = last(values, key, null);
        try {
            return v == null ? def : Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " = '" + v + "' is not an integer");
        }
    }
}
