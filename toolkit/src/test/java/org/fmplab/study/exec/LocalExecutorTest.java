package org.fmplab.study.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalExecutorTest {
    @TempDir
    Path dir;

    @Test
    void runsEveryTaskInItsOwnProcessAndReportsTheFailedOne() throws Exception {
        // Task 2 fails with exit code 3; the others write their index, memory limits and thread count.
        TaskCommand cmd = TaskCommand.of(List.of("sh", "-c",
                "if [ \"$0\" = 2 ]; then echo boom; exit 3; fi; echo \"$0 $FMPLAB_JAVA_OPTS $OMP_NUM_THREADS\" > " + dir + "/done-$0",
                TaskCommand.TASK));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        LocalExecutor ex = new LocalExecutor(2, dir.resolve("logs"), 9 * 1024 + LocalExecutor.RESERVED_MB, 4,
                new PrintStream(buf, true, StandardCharsets.UTF_8), false);
        List<Executor.Task> tasks = List.of(new Executor.Task(0, "a"), new Executor.Task(1, "b"), new Executor.Task(2, "c"), new Executor.Task(5, "d"));
        Executor.Result r = ex.run(tasks, cmd);

        assertEquals(List.of(0, 1, 2, 5), r.outcomes().stream().map(o -> o.task().index()).toList());
        assertEquals(1, r.failed().size());
        Executor.Outcome bad = r.failed().get(0);
        assertEquals(2, bad.task().index());
        assertEquals(3, bad.exitCode());
        assertEquals(dir.resolve("logs/task-2.log"), bad.log());
        assertEquals("boom", Files.readString(bad.log()).strip());
        assertTrue(bad.describe().contains("task 2 (c) FAILED, exit code 3, log " + bad.log()), bad.describe());
        for (int i : new int[] {0, 1, 5}) {
            // 9 GB over 2 jobs: 4.5 GB each, a third of it heap; 4 cores over 2 jobs: 2 threads each
            assertEquals(i + " -Xmx1536m -Dorg.bytedeco.javacpp.maxbytes=3072m -Dorg.bytedeco.javacpp.maxphysicalbytes=4608m 2",
                    Files.readString(dir.resolve("done-" + i)).strip());
        }
        String progress = buf.toString(StandardCharsets.UTF_8);
        assertTrue(progress.strip().lines().reduce((a, b) -> b).orElse("").contains("3/4 tasks done, 0 running, 0 waiting, 1 failed"), progress);
    }

    @Test
    void ompNumThreadsCapsTheThreadsPerTask() {
        assertEquals(2, LocalExecutor.coresToShare(2, 1, null), "unset: the machine's cores");
        assertEquals(1, LocalExecutor.coresToShare(2, 1, "1"), "one thread asked, one job: one core, not two");
        assertEquals(8, LocalExecutor.coresToShare(16, 2, " 4 "));
        assertEquals(2, LocalExecutor.coresToShare(2, 2, "4"), "never more than the machine has");
        assertEquals(1, new LocalExecutor(1, dir, 3072, LocalExecutor.coresToShare(2, 1, "1"), System.err, false).threadsPerTask());
        var e = assertThrows(IllegalArgumentException.class, () -> LocalExecutor.coresToShare(2, 1, "two"));
        assertTrue(e.getMessage().contains("OMP_NUM_THREADS = 'two'"), e.getMessage());
    }

    @Test
    void refusesMoreJobsThanTheMemoryHolds() {
        var e = assertThrows(IllegalArgumentException.class, () -> new LocalExecutor(8, dir, 3072, 2, System.err, false));
        assertTrue(e.getMessage().contains("jobs = 8"), e.getMessage());
        assertTrue(e.getMessage().contains("at most 4 jobs"), e.getMessage());
    }
}
