package org.fmplab.study.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlurmExecutorTest {
    @TempDir
    Path dir;

    private static final TaskCommand LAUNCHER = TaskCommand.of(List.of("/shared/fmplab/fmplab", "study", "--spec", "/shared/my study.json",
            "--out", "/shared/out", "--task", TaskCommand.TASK));

    private static List<Executor.Task> tasks(int... idx) {
        return java.util.Arrays.stream(idx).mapToObj(i -> new Executor.Task(i, "t" + i)).toList();
    }

    private static List<String> sbatchLines(String script) {
        return script.lines().filter(l -> l.startsWith("#SBATCH")).toList();
    }

    @Test
    void gpuScriptHasExactlyTheRequestedSbatchLines() {
        SlurmOptions o = new SlurmOptions("gpu", "lab42", "04:00:00", 8, "32G", "gpu:1",
                List.of("--constraint=a100", "--qos=normal"), List.of("module load java/17", "module load cuda/11.6"), 4, 5);
        String s = new SlurmExecutor(o, "fmplab-paper", dir, true, System.out, false).script(tasks(0, 1, 2, 5, 7, 8), LAUNCHER);
        assertEquals(List.of(
                "#SBATCH --job-name=fmplab-paper",
                "#SBATCH --array=0-2,5,7-8%4",
                "#SBATCH --output=" + dir.toAbsolutePath() + "/logs/task-%a-job%A.log",
                "#SBATCH --partition=gpu",
                "#SBATCH --account=lab42",
                "#SBATCH --time=04:00:00",
                "#SBATCH --cpus-per-task=8",
                "#SBATCH --mem=32G",
                "#SBATCH --gres=gpu:1",
                "#SBATCH --constraint=a100",
                "#SBATCH --qos=normal"), sbatchLines(s));
        assertTrue(s.startsWith("#!/bin/bash\n"), s);
        // the prologue runs before the task, in order; the launcher gets 32G minus the JVM's overhead (4G)
        assertTrue(s.indexOf("module load java/17\nmodule load cuda/11.6\n") < s.indexOf("/shared/fmplab/fmplab study"), s);
        assertTrue(s.contains("export FMPLAB_JAVA_OPTS='-Xmx9557m -Dorg.bytedeco.javacpp.maxbytes=19115m -Dorg.bytedeco.javacpp.maxphysicalbytes=28672m'\n"), s);
        assertTrue(s.contains("/shared/fmplab/fmplab study --spec '/shared/my study.json' --out /shared/out --task \"$TASK\"\n"), s);
        assertTrue(s.contains("export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1}\n"), s);
    }

    @Test
    void defaultsLeaveEverythingToTheCluster() {
        String s = new SlurmExecutor(SlurmOptions.defaults(), "x", dir, true, System.out, false).script(tasks(3), LAUNCHER);
        assertEquals(List.of("#SBATCH --job-name=x", "#SBATCH --array=3",
                "#SBATCH --output=" + dir.toAbsolutePath() + "/logs/task-%a-job%A.log"), sbatchLines(s));
        assertFalse(s.contains("FMPLAB_JAVA_OPTS"), s);
    }

    @Test
    void aJavaCommandGetsItsMemoryLimitsAfterTheJavaBinary() {
        TaskCommand java = new TaskCommand(List.of("/usr/bin/java", "-cp", "a.jar", "Main", "--task", TaskCommand.TASK), true);
        SlurmOptions o = new SlurmOptions(null, null, null, 0, "2048M", null, List.of(), List.of(), 0, 5);
        String s = new SlurmExecutor(o, "x", dir, true, System.out, false).script(tasks(0), java);
        assertTrue(s.contains("/usr/bin/java -Xmx597m -Dorg.bytedeco.javacpp.maxbytes=1195m -Dorg.bytedeco.javacpp.maxphysicalbytes=1792m -cp a.jar Main --task \"$TASK\"\n"), s);
    }

    @Test
    void dryRunPrintsTheScriptAndSubmitsNothing() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        SlurmExecutor ex = new SlurmExecutor(SlurmOptions.defaults(), "x", dir, true, new PrintStream(buf, true, StandardCharsets.UTF_8), false);
        Executor.Result r = ex.run(tasks(0, 1), LAUNCHER);
        assertFalse(r.submitted());
        assertEquals(ex.script(tasks(0, 1), LAUNCHER), buf.toString(StandardCharsets.UTF_8));
        assertFalse(dir.resolve("study.sbatch").toFile().exists());
    }

    @Test
    void classPathIsAbsoluteWithWholeFoldersAsWildcards() throws Exception {
        Path lib = java.nio.file.Files.createDirectories(dir.resolve("lib"));
        java.nio.file.Files.createFile(lib.resolve("a.jar"));
        java.nio.file.Files.createFile(lib.resolve("b.jar"));
        Path other = java.nio.file.Files.createDirectories(dir.resolve("other"));
        java.nio.file.Files.createFile(other.resolve("c.jar"));
        java.nio.file.Files.createFile(other.resolve("d.jar"));
        String sep = java.io.File.pathSeparator;
        String cp = dir.resolve("main.jar") + sep + lib.resolve("b.jar") + sep + other.resolve("c.jar") + sep + lib.resolve("a.jar");
        // lib's jars are all listed: lib/*; other/d.jar is not, so other/c.jar stays as it is
        assertEquals(dir.resolve("main.jar") + sep + lib + "/*" + sep + other.resolve("c.jar"), TaskCommand.classPath(cp));
    }

    @Test
    void arraySpecCompressesRuns() {
        assertEquals("0-3", SlurmExecutor.arraySpec(List.of(3, 1, 0, 2)));
        assertEquals("1,3,5-6,9", SlurmExecutor.arraySpec(List.of(9, 1, 3, 5, 6, 6)));
    }

    @Test
    void parsesSqueueIncludingThePendingRange() {
        Map<Integer, String> m = SlurmExecutor.parseSqueue("12_[4-6,9%2]|PENDING\n12_0|RUNNING\n12_1|COMPLETING\n");
        assertEquals(Map.of(0, "RUNNING", 1, "COMPLETING", 4, "PENDING", 5, "PENDING", 6, "PENDING", 9, "PENDING"), m);
    }

    @Test
    void parsesFinalStatesFromScontrol() {
        String text = "JobId=15 ArrayJobId=12 ArrayTaskId=2 JobName=x JobState=CANCELLED Reason=None ExitCode=0:15\n"
                + "JobId=12 ArrayJobId=12 ArrayTaskId=0 JobName=x JobState=FAILED Reason=NonZeroExitCode ExitCode=1:0\n";
        Map<Integer, String[]> m = SlurmExecutor.parseScontrol(text);
        assertEquals(List.of("CANCELLED", "143"), List.of(m.get(2)));  // 128 + SIGTERM
        assertEquals(List.of("FAILED", "1"), List.of(m.get(0)));
    }

    @Test
    void rejectsBadOptionsNamingKeyAndValue() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new SlurmOptions(null, null, "4 hours", 0, null, null, List.of(), List.of(), 0, 5));
        assertTrue(e.getMessage().contains("time = '4 hours'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new SlurmOptions(null, null, null, 0, "lots", null, List.of(), List.of(), 0, 5));
        assertTrue(e.getMessage().contains("mem = 'lots'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new SlurmOptions("gpu", null, null, 0, null, null, List.of("constraint=a100"), List.of(), 0, 5));
        assertTrue(e.getMessage().contains("'constraint=a100'"), e.getMessage());
        assertEquals(16384, SlurmOptions.memoryMb("16G"));
        assertEquals(8000, SlurmOptions.memoryMb("8000"));
    }
}
