package org.fmplab.study.exec;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks on this machine, {@code jobs} at a time, each in its own JVM so that one task's crash or
 * out-of-memory leaves the others running. The machine's memory is split evenly: each JVM may use
 * (total − 1 GB) / jobs (a third heap, the rest ND4J off-heap), and gets cores / jobs OpenMP threads so
 * that the jobs do not fight over the cores (at most the caller's {@code OMP_NUM_THREADS}: {@link #coresToShare}).
 * Each task writes its output to {@code logDir/task-I.log}.
 */
public final class LocalExecutor implements Executor {
    /** Memory left to the operating system and the coordinating JVM. */
    static final long RESERVED_MB = 1024;

    private final int jobs;
    private final Path logDir;
    private final long memoryPerTaskMb;
    private final int threadsPerTask;
    private final PrintStream out;
    private final boolean terminal;

    /**
     * @param jobs            tasks at once, in [1, 64]
     * @param logDir          where the per-task logs go
     * @param totalMemoryMb   the memory to share between the jobs (see {@link #machineMemoryMb()})
     * @param cores           the cores to share between the jobs
     * @param out             where the progress line and report go
     */
    public LocalExecutor(int jobs, Path logDir, long totalMemoryMb, int cores, PrintStream out, boolean terminal) {
        if (jobs < 1 || jobs > 64) throw new IllegalArgumentException("jobs = " + jobs + " must be in [1, 64]");
        this.jobs = jobs;
        this.logDir = logDir;
        this.memoryPerTaskMb = memoryPerTask(totalMemoryMb, jobs);
        this.threadsPerTask = Math.max(1, cores / jobs);
        this.out = out;
        this.terminal = terminal;
    }

    /** A local executor sized for this machine's memory and cores ({@link #coresToShare}), reporting on {@code out}. */
    public static LocalExecutor forThisMachine(int jobs, Path logDir, PrintStream out, boolean terminal) {
        int cores = coresToShare(Runtime.getRuntime().availableProcessors(), jobs, System.getenv("OMP_NUM_THREADS"));
        return new LocalExecutor(jobs, logDir, machineMemoryMb(), cores, out, terminal);
    }

    /**
     * The cores the jobs share: the machine's, or jobs × {@code OMP_NUM_THREADS} when the caller set fewer threads
     * per process, so that a study started with {@code OMP_NUM_THREADS=1} beside other work gives each task one
     * thread rather than cores / jobs (more threads than free cores make OpenMP's barriers spin: a task beside
     * another study ran 16× slower, and its cells recorded another thread count).
     */
    static int coresToShare(int available, int jobs, String ompNumThreads) {
        if (ompNumThreads == null || ompNumThreads.isBlank()) return available;
        int perTask;
        try {
            perTask = Integer.parseInt(ompNumThreads.strip());
        } catch (NumberFormatException e) {
            perTask = 0;
        }
        if (perTask < 1) throw new IllegalArgumentException("OMP_NUM_THREADS = '" + ompNumThreads + "' must be a positive integer");
        return (int) Math.min(available, (long) jobs * perTask);
    }

    /** Physical memory of this machine, in MB. */
    static long machineMemoryMb() {
        var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return os.getTotalMemorySize() / (1024 * 1024);
    }

    /** The memory each of {@code jobs} JVMs may use: (total − reserve) / jobs. */
    static long memoryPerTask(long totalMemoryMb, int jobs) {
        long each = (totalMemoryMb - RESERVED_MB) / jobs;
        if (each < 512) {
            throw new IllegalArgumentException("jobs = " + jobs + " leaves " + each + " MB per task on a machine with "
                    + totalMemoryMb + " MB; use at most " + Math.max(1, (totalMemoryMb - RESERVED_MB) / 512) + " jobs");
        }
        return each;
    }

    public long memoryPerTaskMb() {
        return memoryPerTaskMb;
    }

    public int threadsPerTask() {
        return threadsPerTask;
    }

    @Override
    public Result run(List<Task> tasks, TaskCommand command, Cells cells) {
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create log folder " + logDir + ": " + e.getMessage(), e);
        }
        ProgressLine progress = new ProgressLine(out, terminal, "study (local, " + jobs + " jobs)", cells);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        Map<Process, Boolean> live = new ConcurrentHashMap<>();
        // Ctrl-C on the study stops its tasks too (children of ProcessBuilder outlive the JVM otherwise).
        Thread stopChildren = new Thread(() -> live.keySet().forEach(p -> {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
        }));
        Runtime.getRuntime().addShutdownHook(stopChildren);
        ExecutorService pool = Executors.newFixedThreadPool(jobs);
        // Cells finish inside the tasks: redraw the line (cells, ETA) between task events too.
        java.util.concurrent.ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "study-progress");
            t.setDaemon(true);
            return t;
        });
        try {
            progress.update(tasks.size(), 0, 0, 0);
            ticker.scheduleAtFixedRate(() -> progress.update(tasks.size(), done.get(), running.get(), failed.get()),
                    5, 5, java.util.concurrent.TimeUnit.SECONDS);
            List<Future<Outcome>> futures = new ArrayList<>();
            for (Task t : tasks) {
                futures.add(pool.submit(() -> {
                    running.incrementAndGet();
                    progress.update(tasks.size(), done.get(), running.get(), failed.get());
                    Outcome o = runOne(t, command, live);
                    running.decrementAndGet();
                    (o.ok() ? done : failed).incrementAndGet();
                    progress.update(tasks.size(), done.get(), running.get(), failed.get());
                    return o;
                }));
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> f : futures) outcomes.add(f.get());
            progress.finish();
            return new Result(outcomes, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the study's tasks", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("a task could not be started: " + e.getCause().getMessage(), e.getCause());
        } finally {
            ticker.shutdownNow();
            pool.shutdownNow();
            Runtime.getRuntime().removeShutdownHook(stopChildren);
        }
    }

    private Outcome runOne(Task t, TaskCommand command, Map<Process, Boolean> live) throws IOException, InterruptedException {
        Path log = logDir.resolve("task-" + t.index() + ".log");
        ProcessBuilder pb = new ProcessBuilder(command.argv(Integer.toString(t.index()), memoryPerTaskMb))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(command.environment(memoryPerTaskMb));
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(threadsPerTask));
        Process p = pb.start();
        live.put(p, true);
        try {
            int rc = p.waitFor();
            return new Outcome(t, rc, rc == 0 ? "COMPLETED" : "FAILED", log);
        } finally {
            live.remove(p);
        }
    }
}
