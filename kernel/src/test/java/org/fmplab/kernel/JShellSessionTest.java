package org.fmplab.kernel;

import org.fmplab.progress.InterruptedWorkException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JShellSessionTest {

    static JShellSession session;

    @BeforeAll
    static void start() {
        session = new JShellSession();
    }

    @AfterAll
    static void stop() {
        session.close();
    }

    @Test
    void lastExpressionIsTheLiveObject() {
        Object value = session.eval("var list = new java.util.ArrayList<String>();\nlist.add(\"a\");\nlist");
        assertInstanceOf(java.util.ArrayList.class, value);
        assertEquals(1, ((java.util.List<?>) value).size());
    }

    @Test
    void statementsAndDeclarationsHaveNoValue() {
        assertNull(session.eval("int declared = 5;"));
        assertNull(session.eval("System.out.print(\"\");"));
        assertEquals(6, session.eval("declared + 1"));
    }

    @Test
    void startupImportsTheToolkit() {
        assertEquals("ProgressTracker", session.eval("ProgressTracker.class.getSimpleName()"));
    }

    @Test
    void usersExceptionComesBackUnchanged() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> session.eval("throw new IllegalStateException(\"budget\");"));
        assertEquals("budget", e.getMessage());
    }

    @Test
    void compileErrorNamesTheLineAndTheProblem() {
        CompilationException e = assertThrows(CompilationException.class,
                () -> session.eval("int fine = 1;\n\nString s = 42;"));
        assertTrue(e.getMessage().startsWith("line 3: incompatible types"), e.getMessage());
        assertTrue(e.getMessage().contains("String s = 42;"), e.getMessage());
    }

    @Test
    void undeclaredTypeInAVariableIsAnError() {
        assertThrows(CompilationException.class, () -> session.eval("Tabel t = null;"));
    }

    @Test
    void interruptStopsALoopThatChecksForIt() throws Exception {
        CompletableFuture<Throwable> result = CompletableFuture.supplyAsync(() -> {
            try {
                session.eval("while (true) { ProgressTracker.checkInterrupted(); Thread.onSpinWait(); }");
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        Thread.sleep(500);
        long start = System.nanoTime();
        session.control().interruptCell();
        Throwable t = result.get(5, TimeUnit.SECONDS);
        assertInstanceOf(InterruptedWorkException.class, t);
        assertTrue(System.nanoTime() - start < 2_000_000_000L, "the issue's bound: the cell stops within 2 s");
        assertEquals(2, session.eval("1 + 1"), "the next cell runs");
    }

    @Test
    void aLoopThatIgnoresInterruptsIsStoppedAndReportedAsTheInterrupt() throws Exception {
        // Like DL4J: the stop arrives inside library code that wraps every Throwable.
        // Java 20+ has no Thread.stop: there the loop must check for interruption itself.
        String check = Runtime.version().feature() < 20 ? "" : "if (Thread.interrupted()) throw new InterruptedException(); ";
        CompletableFuture<Throwable> result = CompletableFuture.supplyAsync(() -> {
            try {
                session.eval("while (true) { " + check + "try { Thread.onSpinWait(); } catch (Throwable t) { throw new RuntimeException(\"wrapped\", t); } }");
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        Thread.sleep(500);
        session.control().interruptCell();
        Throwable t = result.get(10, TimeUnit.SECONDS);
        assertInstanceOf(InterruptedException.class, t);
        assertEquals(3, session.eval("1 + 2"), "the next cell runs");
    }

    @Test
    void completesMembers() {
        JShellSession.Completions c = session.complete("int a = 1;\nMath.ma", 18);
        assertEquals(java.util.List.of("max("), c.matches());
        assertEquals(16, c.start());
    }

    @Test
    void inspectShowsSignatures() {
        assertTrue(session.inspect("Math.max", 8).contains("Math.max(int a, int b)"));
    }

    @Test
    void isCompleteSeesOpenBlocksAndBadCode() {
        assertEquals("complete", session.isComplete("int x = 1;\nx + 1"));
        assertEquals("    ", session.isComplete("for (int i = 0; i < 3; i++) {"));
        assertEquals("invalid", session.isComplete("int x = ;"));
    }

    @Test
    void importOfMissingPackageIsSkipped() {
        assertTrue(JShellSession.packageExists("org.fmplab.progress.*"));
        assertTrue(JShellSession.packageExists("static org.fmplab.kernel.Notebook.*"));
        assertTrue(!JShellSession.packageExists("org.fmplab.nosuchpackage.*"));
    }
}
