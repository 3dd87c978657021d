package org.fmplab.kernel;

import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs JShell snippets inside the kernel's own JVM, on one long-lived worker thread, so that:
 * <ul>
 *   <li>the kernel gets the live result object of the last snippet (JShell itself only hands back a
 *       string), to render charts, tables and images;</li>
 *   <li>the user's original exception object is kept, so errors show the user's class and message;</li>
 *   <li>a cell can be interrupted: the worker thread is interrupted (toolkit loops check
 *       {@code Thread.currentThread().isInterrupted()} once per batch and stop), and if it is still
 *       running after a grace period it is stopped with {@code Thread.stop} where the JDK still
 *       supports that (before Java 20).</li>
 * </ul>
 * ND4J keeps workspaces per thread, so one persistent worker (rather than one thread per cell) keeps
 * off-heap memory from piling up.
 */
public final class CellExecutionControl extends DirectExecutionControl {

    /** How long an interrupted cell may keep running before it is stopped forcibly. */
    static final long STOP_GRACE_MILLIS = 1200;

    private static final AtomicInteger WORKER_IDS = new AtomicInteger();

    private final ExecutorService worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "fmplab-cell-" + WORKER_IDS.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
    private final ScheduledExecutorService watchdog = newWatchdog();

    private final Object lock = new Object();
    private Thread running;          // the worker thread while it runs a snippet, else null
    private long runId;              // increases with every snippet run
    private volatile boolean interrupted;

    private Object lastResult;
    private Throwable lastThrown;

    /**
     * A provider for {@code JShell.builder().executionEngine(...)} that hands out this control.
     */
    public ExecutionControlProvider provider() {
        return new ExecutionControlProvider() {
            @Override
            public String name() {
                return "fmplab";
            }

            @Override
            public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
                return CellExecutionControl.this;
            }
        };
    }

    /** Forgets the result, exception and interrupt state of the previous cell. */
    public void startCell() {
        interrupted = false;
        lastResult = null;
        lastThrown = null;
    }

    /** The object the last executed snippet evaluated to ({@code null} for statements). */
    public Object takeResult() {
        Object r = lastResult;
        lastResult = null;
        return r;
    }

    /** The exception the user's code threw in the last snippet, or {@code null}. */
    public Throwable takeThrown() {
        Throwable t = lastThrown;
        lastThrown = null;
        return t;
    }

    /** True when {@link #interruptCell()} was called since the last {@link #startCell()}. */
    public boolean wasInterrupted() {
        return interrupted;
    }

    /**
     * Interrupts the snippet that is running now, if any. Called from the control channel. If the
     * snippet has not ended after {@link #STOP_GRACE_MILLIS}, its thread is stopped forcibly on JDKs
     * that allow it.
     */
    public void interruptCell() {
        synchronized (lock) {
            interrupted = true;
            if (running != null) signalRunning();
        }
    }

    // Holds lock; running != null.
    private void signalRunning() {
        running.interrupt();
        long id = runId;
        watchdog.schedule(() -> forceStop(id), STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Stops the snippet's thread, and again every 250 ms while some library swallows the stop. */
    @SuppressWarnings({"deprecation", "removal"})
    private void forceStop(long id) {
        synchronized (lock) {
            if (running == null || runId != id) return;
            try {
                running.stop();
            } catch (UnsupportedOperationException e) {
                running.interrupt(); // Java 20+: no Thread.stop; keep asking politely
            }
            watchdog.schedule(() -> forceStop(id), 250, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void stop() {
        interruptCell();
    }

    @Override
    protected String invoke(Method doitMethod) throws Exception {
        if (Thread.currentThread() == running) {
            // A snippet evaluating code itself (nested eval): already on the worker.
            lastResult = doitMethod.invoke(null);
            return "";
        }
        CompletableFuture<Object> done = new CompletableFuture<>();
        worker.execute(() -> {
            try {
                done.complete(runOnWorker(doitMethod));
            } catch (Throwable t) {
                done.completeExceptionally(t);
                // Stopped by force: retire this thread, a fresh one (fresh ND4J thread state) runs the next cell.
                if (isStop(t)) throw new ThreadDeath();
            }
        });
        try {
            lastResult = done.get();
            return "";
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (isStop(cause)) throw new StoppedException();
            if (cause instanceof InvocationTargetException ite) {
                lastThrown = ite.getCause();
                throw ite;
            }
            if (cause instanceof Exception ex) throw ex;
            throw new InvocationTargetException(cause);
        }
    }

    /** True when {@code Thread.stop} ended the snippet; libraries may have wrapped the ThreadDeath. */
    @SuppressWarnings("removal")
    static boolean isStop(Throwable t) {
        for (int depth = 0; t != null && depth < 20; t = t.getCause(), depth++) {
            if (t instanceof ThreadDeath) return true;
        }
        return false;
    }

    private Object runOnWorker(Method doitMethod) throws Exception {
        synchronized (lock) {
            Thread.interrupted(); // a stale interrupt from an earlier cell must not hit this one
            running = Thread.currentThread();
            runId++;
            if (interrupted) signalRunning(); // interrupted while the snippet was being compiled
        }
        try {
            return doitMethod.invoke(null);
        } finally {
            synchronized (lock) {
                running = null;
            }
        }
    }

    @Override
    public void close() {
        worker.shutdownNow();
        watchdog.shutdownNow();
    }

    private static ScheduledExecutorService newWatchdog() {
        ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "fmplab-interrupt-watchdog");
            t.setDaemon(true);
            return t;
        });
        s.setRemoveOnCancelPolicy(true);
        return s;
    }
}
