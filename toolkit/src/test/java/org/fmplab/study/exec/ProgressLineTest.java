package org.fmplab.study.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressLineTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void theEtaComesFromTheCellsFinishedSinceTheStartAndALogGetsAtMostALineAMinuteForCellsAlone() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong(1000 * SECOND);
        AtomicInteger done = new AtomicInteger(10);  // 10 of 100 cells were in the store before
        ProgressLine line = new ProgressLine(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, "study",
                new Executor.Cells(done::get, 100), now::get);
        line.update(4, 0, 2, 0);
        now.addAndGet(30 * SECOND);
        done.set(15);
        line.update(4, 0, 2, 0);          // cells moved, but under a minute since the last line: quiet
        now.addAndGet(30 * SECOND);
        done.set(20);
        line.update(4, 0, 2, 0);          // a minute: 10 fresh cells in 60 s, 80 left -> 480 s
        now.addAndGet(5 * SECOND);
        line.update(4, 1, 1, 0);          // a task finished: printed at once
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(3, lines.length, String.join("\n", lines));
        assertTrue(lines[0].endsWith("0/4 tasks done, 2 running, 2 waiting, 0 failed, cells 10/100, ETA – (0:00)"), lines[0]);
        assertTrue(lines[1].endsWith("cells 20/100, ETA 8:00 (1:00)"), lines[1]);
        assertTrue(lines[2].contains("1/4 tasks done, 1 running") && lines[2].endsWith("cells 20/100, ETA 8:40 (1:05)"), lines[2]);
    }

    @Test
    void withoutCellsTheLineShowsTasksOnly() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressLine line = new ProgressLine(new PrintStream(bytes, true, StandardCharsets.UTF_8), false, "study", Executor.Cells.NONE);
        line.update(2, 1, 1, 0);
        assertTrue(bytes.toString(StandardCharsets.UTF_8).matches("study \\[#{12}\\.{12}\\] 1/2 tasks done, 1 running, 0 waiting, 0 failed \\(0:00\\)\\n"),
                bytes.toString(StandardCharsets.UTF_8));
    }
}
