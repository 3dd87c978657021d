package org.fmplab.study.exec;

import java.util.List;
import java.util.Locale;

/**
 * What a cluster's Slurm needs to know about the study's array tasks; null / 0 / empty leaves a setting to
 * the cluster's defaults.
 *
 * @param partition   {@code --partition}, e.g. "gpu"
 * @param account     {@code --account} (the allocation charged)
 * @param time        {@code --time} per task: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS
 * @param cpusPerTask {@code --cpus-per-task}; also each task's OpenMP threads
 * @param mem         {@code --mem} per task, e.g. "16G" or "8000M"; also sizes each task's JVM
 * @param gres        {@code --gres}, e.g. "gpu:1" (use the toolkit's cuda build)
 * @param extra       further {@code #SBATCH} options, one per element, e.g. "--constraint=a100"
 * @param prologue    shell lines run before each task, e.g. "module load java/17"
 * @param maxRunning  at most this many array tasks at once ({@code --array=...%N}), 0 for no limit
 * @param pollSeconds how often the executor asks squeue, in [1, 600]
 */
public record SlurmOptions(String partition, String account, String time, int cpusPerTask, String mem, String gres,
                           List<String> extra, List<String> prologue, int maxRunning, int pollSeconds) {
    private static final String WORD = "[A-Za-z0-9_.,:+=-]+";

    public SlurmOptions {
        check("partition", partition, WORD, "a partition name");
        check("account", account, WORD, "an account name");
        check("time", time, "\\d+(-\\d+)?(:\\d+){0,2}", "minutes, HH:MM:SS or D-HH:MM:SS");
        check("mem", mem, "\\d+[KMGTkmgt]?", "a size such as 16G or 8000M");
        check("gres", gres, "[A-Za-z0-9_]+(:[A-Za-z0-9_.-]+)*", "a resource such as gpu:1 or gpu:a100:2");
        if (cpusPerTask < 0 || cpusPerTask > 1024) throw new IllegalArgumentException("cpus-per-task = " + cpusPerTask + " must be in [1, 1024] (0: cluster default)");
        if (maxRunning < 0) throw new IllegalArgumentException("max-running = " + maxRunning + " must be >= 1 (0: no limit)");
        if (pollSeconds < 1 || pollSeconds > 600) throw new IllegalArgumentException("poll = " + pollSeconds + " s must be in [1, 600]");
        extra = List.copyOf(extra);
        prologue = List.copyOf(prologue);
        for (String e : extra) {
            if (!e.matches("--?[A-Za-z].*") || e.contains("\n")) {
                throw new IllegalArgumentException("sbatch option '" + e + "' must be one option such as --constraint=a100");
            }
        }
        for (String line : prologue) {
            if (line.contains("\n")) throw new IllegalArgumentException("prologue line '" + line + "' must be one line (repeat --prologue)");
        }
        if (mem != null && memoryMb(mem) < 768) throw new IllegalArgumentException("mem = " + mem + " must be >= 768M (a task is a JVM with ND4J)");
    }

    /** No settings: the cluster's defaults. */
    public static SlurmOptions defaults() {
        return new SlurmOptions(null, null, null, 0, null, null, List.of(), List.of(), 0, 5);
    }

    /** {@code --mem} in MB (Slurm's units: K, M (default), G, T). */
    public static long memoryMb(String mem) {
        String m = mem.trim().toUpperCase(Locale.ROOT);
        char last = m.charAt(m.length() - 1);
        boolean unit = Character.isLetter(last);
        long n = Long.parseLong(unit ? m.substring(0, m.length() - 1) : m);
        return switch (unit ? last : 'M') {
            case 'K' -> n / 1024;
            case 'G' -> n * 1024;
            case 'T' -> n * 1024 * 1024;
            default -> n;
        };
    }

    /** The memory a task's JVM may use of {@code mem}: all but the JVM's own overhead (an eighth, at least 256 MB). */
    long jvmBudgetMb() {
        if (mem == null) return 0;
        long mb = memoryMb(mem);
        return mb - Math.max(256, mb / 8);
    }

    private static void check(String key, String value, String regex, String what) {
        if (value != null && !value.matches(regex)) {
            throw new IllegalArgumentException(key + " = '" + value + "' must be " + what);
        }
    }
}
