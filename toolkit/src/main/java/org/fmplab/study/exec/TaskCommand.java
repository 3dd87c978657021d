package org.fmplab.study.exec;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The command that runs one task: an argv in which the element {@link #TASK} stands for the task index.
 * When it starts a JVM directly ({@link #java}), executors size its memory by inserting heap and off-heap
 * limits after the java binary; any other command (e.g. the {@code ./fmplab} launcher) gets them through
 * {@code FMPLAB_JAVA_OPTS}, which the launcher passes to java.
 *
 * @param argv the command, with {@link #TASK} where the task index goes
 * @param java true when {@code argv[0]} is a java binary (memory options go right after it)
 */
public record TaskCommand(List<String> argv, boolean java) {
    /** Placeholder for the task index in {@link #argv}. */
    public static final String TASK = "{task}";

    public TaskCommand {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) throw new IllegalArgumentException("task command must not be empty");
        if (!argv.contains(TASK)) throw new IllegalArgumentException("task command " + argv + " has no " + TASK + " argument");
    }

    /** Any command (a launcher script, a test stand-in). */
    public static TaskCommand of(List<String> argv) {
        return new TaskCommand(argv, false);
    }

    /**
     * {@code mainClass args} in a new JVM like this one: the same java binary and class path, and this JVM's
     * options except its memory limits (which the executor sets per task) and debugger agents.
     */
    public static TaskCommand sameJvm(String mainClass, List<String> args) {
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String opt : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!isMemoryOption(opt) && !opt.startsWith("-agentlib") && !opt.startsWith("-javaagent")) argv.add(opt);
        }
        argv.add("-cp");
        argv.add(classPath(System.getProperty("java.class.path")));
        argv.add(mainClass);
        argv.addAll(args);
        return new TaskCommand(argv, true);
    }

    /**
     * {@code cp} with absolute entries (a task may start in another folder) and each folder whose jars are
     * all on it written {@code dir/*}, as the launcher wrote it (java expands the wildcard on start).
     */
    static String classPath(String cp) {
        List<String> entries = new ArrayList<>();
        for (String e : cp.split(File.pathSeparator)) {
            if (!e.isEmpty()) entries.add(Path.of(e).toAbsolutePath().normalize().toString());
        }
        Map<Path, List<String>> jarsByDir = new LinkedHashMap<>();
        for (String e : entries) {
            if (e.endsWith(".jar")) jarsByDir.computeIfAbsent(Path.of(e).getParent(), d -> new ArrayList<>()).add(e);
        }
        List<String> out = new ArrayList<>();
        Set<Path> collapsed = new HashSet<>();
        for (String e : entries) {
            Path dir = e.endsWith(".jar") ? Path.of(e).getParent() : null;
            if (dir != null && jarsByDir.get(dir).size() > 1 && allJarsListed(dir, jarsByDir.get(dir))) {
                if (collapsed.add(dir)) out.add(dir + File.separator + "*");
            } else {
                out.add(e);
            }
        }
        return String.join(File.pathSeparator, out);
    }

    private static boolean allJarsListed(Path dir, List<String> listed) {
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".jar")).allMatch(p -> listed.contains(p.toString()));
        } catch (IOException e) {
            return false;
        }
    }

    static boolean isMemoryOption(String opt) {
        return opt.startsWith("-Xmx") || opt.startsWith("-Xms") || opt.startsWith("-XX:MaxRAM")
                || opt.startsWith("-Dorg.bytedeco.javacpp.maxbytes") || opt.startsWith("-Dorg.bytedeco.javacpp.maxphysicalbytes");
    }

    /**
     * The JVM memory options for a task that may use {@code megabytes} in all: a third for the Java heap
     * (datasets, models' Java objects) and the rest for ND4J's off-heap arrays, where the tensors live.
     */
    public static List<String> memoryOptions(long megabytes) {
        if (megabytes < 512) throw new IllegalArgumentException("memory per task = " + megabytes + " MB must be >= 512 MB");
        long heap = megabytes / 3;
        return List.of("-Xmx" + heap + "m",
                String.format(Locale.ROOT, "-Dorg.bytedeco.javacpp.maxbytes=%dm", megabytes - heap),
                String.format(Locale.ROOT, "-Dorg.bytedeco.javacpp.maxphysicalbytes=%dm", megabytes));
    }

    /**
     * The argv of task {@code index} (a string, so a script can pass {@code "$TASK"}), limited to
     * {@code megabytes} when that is > 0.
     */
    public List<String> argv(String index, long megabytes) {
        List<String> out = new ArrayList<>();
        for (String a : argv) out.add(a.equals(TASK) ? index : a);
        if (java && megabytes > 0) out.addAll(1, memoryOptions(megabytes));
        return out;
    }

    /** Environment for the task: FMPLAB_JAVA_OPTS carries the memory limits to a launcher script. */
    public Map<String, String> environment(long megabytes) {
        if (java || megabytes <= 0) return Map.of();
        return Map.of("FMPLAB_JAVA_OPTS", String.join(" ", memoryOptions(megabytes)));
    }
}
