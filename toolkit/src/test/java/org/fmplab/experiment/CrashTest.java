package org.fmplab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrashTest {
    @TempDir
    Path tmp;

    @Test
    void anUnexpectedExceptionGivesOneLineWithItsRootCauseAndTheTraceGoesToAFile() throws Exception {
        var e = new IllegalStateException("stage 'rank' failed", new ArithmeticException("/ by zero"));
        PrintStream err = System.err;
        var captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        int rc;
        try {
            rc = Crash.report(e, new String[] {"run", "--quick"}, tmp.resolve("runs"));
        } finally {
            System.setErr(err);
        }
        assertEquals(1, rc);
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, lines.size(), lines.toString());
        String line = lines.get(0);
        assertTrue(line.startsWith("error: unexpected IllegalStateException: stage 'rank' failed (cause: ArithmeticException: / by zero)"), line);
        List<Path> files;
        try (Stream<Path> s = Files.list(tmp.resolve("runs"))) {
            files = s.toList();
        }
        assertEquals(1, files.size());
        assertTrue(line.endsWith("; full trace in " + files.get(0)), line);
        String trace = Files.readString(files.get(0));
        assertTrue(trace.contains("args: run --quick") && trace.contains("Caused by: java.lang.ArithmeticException"), trace);
    }

    @Test
    void aMultiLineMessageStaysOnOneLine() {
        String line = Crash.line(new RuntimeException("first\nsecond"), tmp.resolve("t.txt"));
        assertFalse(line.contains("\n"), line);
    }

    @Test
    void everyCommandHasAHelpTextThatStartsWithItsUsage() {
        for (String cmd : List.of("run", "compare", "bench")) {
            assertTrue(Help.text(cmd).startsWith("usage: ./fmplab " + cmd), cmd);
        }
    }
}
