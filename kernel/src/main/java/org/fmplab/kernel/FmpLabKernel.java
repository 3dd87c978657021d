package org.fmplab.kernel;

import org.dflib.jjava.jupyter.channels.ShellReplyEnvironment;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.HelpLink;
import org.dflib.jjava.jupyter.kernel.JupyterIO;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.comm.CommManager;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.Renderer;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.dflib.jjava.jupyter.kernel.magic.MagicParser;
import org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry;
import org.dflib.jjava.jupyter.kernel.util.StringStyler;
import org.dflib.jjava.jupyter.messages.Header;
import org.dflib.jjava.jupyter.messages.Message;
import org.dflib.jjava.jupyter.messages.MessageType;
import org.dflib.jjava.jupyter.messages.publish.PublishClearOutput;
import org.dflib.jjava.jupyter.messages.publish.PublishError;
import org.dflib.jjava.jupyter.messages.publish.PublishExecuteInput;
import org.dflib.jjava.jupyter.messages.reply.ErrorReply;
import org.dflib.jjava.jupyter.messages.reply.ExecuteReply;
import org.dflib.jjava.jupyter.messages.reply.KernelInfoReply;
import org.dflib.jjava.jupyter.messages.request.ExecuteRequest;
import org.dflib.jjava.jupyter.messages.request.HistoryRequest;
import org.dflib.jjava.jupyter.messages.request.KernelInfoRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The FMP Lab Jupyter kernel: Java cells evaluated by {@link JShellSession} in this JVM, with the
 * toolkit on the class path, rich rendering ({@link Renderers}), IJava-compatible magics
 * ({@link Magics}) and notebook functions ({@link Notebook}). Build it with {@link FmpLabKernelBuilder}.
 * <p>
 * JShell starts in the background ({@link #startSession()}) while the kernel already answers
 * Jupyter; the first cell waits for JShell if it is not up yet.
 */
public final class FmpLabKernel extends BaseKernel {

    private final CompletableFuture<JShellSession> session = new CompletableFuture<>();
    private final AtomicBoolean sessionStarted = new AtomicBoolean();
    private final History history;
    private volatile ShellReplyEnvironment currentEnv;
    private volatile String lastOutputText;
    private volatile boolean stopOnError;
    private volatile Instant failedAt;

    FmpLabKernel(String name, String version, History history, JupyterIO io, CommManager comms, Renderer renderer,
                  MagicParser magicParser, MagicsRegistry magics, StringStyler errorStyler) {
        super(name, version, languageInfo(), List.of(
                        new HelpLink("Java API", "https://docs.oracle.com/en/java/javase/17/docs/api/")),
                null, io, comms, renderer, magicParser, magics, false, errorStyler);
        this.history = history;
    }

    private static LanguageInfo languageInfo() {
        return new LanguageInfo.Builder("java")
                .version(Runtime.version().toString())
                .mimetype("text/x-java-source")
                .fileExtension(".jshell")
                .pygments("java")
                .codemirror("java")
                .build();
    }

    /**
     * Starts JShell on a background thread (once). The launcher calls this right after connecting,
     * so that JShell's start does not slow down the kernel's first answer to Jupyter.
     */
    public void startSession() {
        if (!sessionStarted.compareAndSet(false, true)) return;
        Thread starter = new Thread(() -> {
            try {
                session.complete(new JShellSession());
            } catch (Throwable t) {
                session.completeExceptionally(t);
            }
        }, "fmplab-jshell-start");
        starter.setDaemon(true);
        starter.start();
    }

    /** The JShell session, waiting for it to start if needed. */
    public JShellSession session() {
        startSession();
        try {
            return session.join();
        } catch (CompletionException e) {
            throw new IllegalStateException("JShell failed to start: " + e.getCause(), e.getCause());
        }
    }

    @Override
    public Object evalRaw(String code) {
        Timing.Cell timed = Timing.parse(code);
        if (timed == null) return evalCell(code);
        long t0 = System.nanoTime();
        Object result = evalCell(timed.timed());
        System.out.println(Timing.wall(System.nanoTime() - t0));
        return timed.rest().isBlank() ? result : evalCell(timed.rest());
    }

    /** The kernel's {@code %mavenRepo} repositories (id to URL), used by {@code %maven}. */
    final Map<String, String> mavenRepositories = new java.util.concurrent.ConcurrentHashMap<>();

    private Object evalCell(String code) {
        String java;
        try {
            java = magicParser.resolveMagics(Magics.expandLoads(code));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Notebook.lastDisplayId = null;
        try {
            Object result = session().eval(java);
            // display(x) returns its id (as in IJava) but, as the cell's last expression, shows nothing.
            return result != null && result == Notebook.lastDisplayId ? null : result;
        } finally {
            System.out.flush();
            System.err.flush();
        }
    }

    @Override
    public DisplayData eval(String code) {
        DisplayData out;
        try {
            out = super.eval(code);
        } catch (Throwable t) {
            // Stamped before the error is shown: requests sent after seeing it are not aborted.
            if (stopOnError) failedAt = Instant.now();
            throw t;
        }
        Object text = out == null ? null : out.getData(MIMEType.TEXT_PLAIN);
        lastOutputText = text == null ? null : text.toString();
        return out;
    }

    @Override
    protected void handleExecuteRequest(ShellReplyEnvironment env, Message<ExecuteRequest> message) {
        ExecuteRequest request = message.getContent();
        Matcher help = HELP.matcher(request.getCode().strip());
        if (help.matches()) {
            page(env, request, help.group(1) != null ? help.group(1) : help.group(2));
            return;
        }
        Instant sent = sentAt(message);
        if (request.shouldStopOnError() && failedAt != null && sent != null && sent.isBefore(failedAt)) {
            abort(env);
            return;
        }
        int count = executionCount.get();
        currentEnv = env;
        lastOutputText = null;
        stopOnError = request.shouldStopOnError();
        try {
            super.handleExecuteRequest(env, message);
        } catch (Error e) {
            // The base class handles Exceptions only; an Error (out of memory, stack overflow ...)
            // thrown by the user's code must still end the request with the user's error.
            ErrorReply reply = new ErrorReply(e.getClass().getSimpleName(), Objects.toString(e.getMessage(), ""), formatError(e));
            reply.setExecutionCount(count);
            env.publish(new PublishError(reply.getErrorName(), reply.getErrorMessage(), formatError(e)));
            env.defer().replyError(ExecuteReply.MESSAGE_TYPE.error(), reply);
        } finally {
            currentEnv = null;
            if (request.shouldStoreHistory() && !request.isSilent()) history.add(count, request.getCode(), lastOutputText);
        }
    }

    /** {@code Math.max?} or {@code ?Math.max}: IPython's help syntax, answered in the pager. */
    private static final Pattern HELP = Pattern.compile("\\?([\\w.$]+)|([\\w.$]+)\\?");

    /** Shows the signatures and documentation of {@code name} in the notebook's pager (a "page" payload). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private void page(ShellReplyEnvironment env, ExecuteRequest request, String name) {
        int count = executionCount.getAndIncrement();
        env.setBusyDeferIdle();
        env.publish(new PublishExecuteInput(request.getCode(), count));
        String text = session().inspect(name, name.length());
        if (text == null) text = "No signature or documentation found for `" + name + "`.";
        Map<String, Object> page = Map.of("source", "page", "data", Map.of("text/plain", text), "start", 0);
        env.reply(new Message(env.getContext(), MessageType.EXECUTE_REPLY, Map.of(
                "status", "ok", "execution_count", count, "payload", List.of(page), "user_expressions", Map.of())));
    }

    /**
     * Like IPython, after a cell fails the cells queued behind it ("Run All") are not run: a request
     * sent before the failure is answered "aborted".
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void abort(ShellReplyEnvironment env) {
        env.setBusyDeferIdle();
        env.reply(new Message(env.getContext(), MessageType.EXECUTE_REPLY, Map.of("status", "aborted")));
    }

    private static Instant sentAt(Message<?> message) {
        try {
            return OffsetDateTime.parse(message.getHeader().getTimestamp().getDateString()).toInstant();
        } catch (RuntimeException e) {
            return null; // no or unreadable date: never abort
        }
    }

    /** Sends Jupyter's clear_output for the running cell; with {@code wait}, when the next output comes. */
    public void clearOutput(boolean wait) {
        ShellReplyEnvironment env = currentEnv;
        if (env != null) env.publish(wait ? PublishClearOutput.BEFORE_NEXT_OUTPUT : PublishClearOutput.NOW);
    }

    @Override
    public void interrupt() {
        if (session.isDone() && !session.isCompletedExceptionally()) session.join().control().interruptCell();
    }

    @Override
    public ReplacementOptions complete(String code, int at) {
        JShellSession.Completions c = session().complete(code, at);
        return new ReplacementOptions(c.matches(), c.start(), c.end());
    }

    @Override
    public DisplayData inspect(String code, int at, boolean extraDetail) {
        String text = session().inspect(code, at);
        return text == null ? null : new DisplayData(text);
    }

    @Override
    public String isComplete(String code) {
        try {
            return session().isComplete(magicParser.resolveMagics(code));
        } catch (RuntimeException e) {
            return IS_COMPLETE_MAYBE;
        }
    }

    /**
     * The user's exception as Java prints it, cut below the notebook's own frames: no kernel or
     * JShell internals. Compile errors show the diagnostics only.
     */
    @Override
    public List<String> formatError(Throwable e) {
        List<String> lines = new ArrayList<>();
        if (e instanceof CompilationException || e.getStackTrace().length == 0) {
            lines.add(e.getClass().getSimpleName() + ":");
            lines.addAll(List.of(String.valueOf(e.getMessage()).split("\n")));
            return lines;
        }
        boolean first = true;
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            lines.add((first ? "" : "Caused by: ") + t);
            first = false;
            for (StackTraceElement f : t.getStackTrace()) {
                String cls = f.getClassName();
                if (cls.startsWith("jdk.internal.reflect.") || cls.equals("java.lang.reflect.Method")
                        || cls.startsWith("org.fmplab.kernel.CellExecutionControl")) break;
                if (cls.startsWith("REPL.")) {
                    lines.add("\tat " + (f.getMethodName().equals("do_it$") ? "cell" : f.getMethodName() + " (notebook)"));
                } else {
                    lines.add("\tat " + f);
                }
            }
        }
        return lines;
    }

    /**
     * History from {@link History}. The base library's reply lacks {@code status} and sends its
     * entries as objects rather than Jupyter's tuples, so the reply is built here.
     */
    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    protected void handleHistoryRequest(ShellReplyEnvironment env, Message<HistoryRequest> message) {
        HistoryRequest request = message.getContent();
        boolean output = request.includeOutput();
        List<List<Object>> rows = switch (request.getAccessType()) {
            case TAIL -> history.tail(((HistoryRequest.Tail) request).getMaxReturnLength(), output);
            case RANGE -> {
                HistoryRequest.Range r = (HistoryRequest.Range) request;
                yield history.range(r.getSessionIndex(), r.getStart(), r.getStop(), output);
            }
            case SEARCH -> {
                HistoryRequest.Search s = (HistoryRequest.Search) request;
                yield history.search(s.getPattern(), s.getMaxReturnLength(), s.filterUnique(), output);
            }
        };
        env.setBusyDeferIdle();
        env.reply(new Message(env.getContext(), MessageType.HISTORY_REPLY, new HistoryContent(rows)));
    }

    /** The content of a history_reply. */
    private record HistoryContent(String status, List<List<Object>> history) {
        HistoryContent(List<List<Object>> history) {
            this("ok", history);
        }
    }

    @Override
    protected void handleKernelInfoRequest(ShellReplyEnvironment env, Message<KernelInfoRequest> message) {
        env.setBusyDeferIdle();
        env.reply(new StatusKernelInfoReply(Header.PROTOCOL_VERISON, name, version, getLanguageInfo(), getBanner(), getHelpLinks()));
    }

    /** The base library's kernel_info reply lacks the required {@code status} field. */
    static final class StatusKernelInfoReply extends KernelInfoReply {
        @SuppressWarnings("unused") // serialised by Gson
        private final String status = "ok";

        StatusKernelInfoReply(String protocol, String name, String version, LanguageInfo lang, String banner,
                              List<HelpLink> links) {
            super(protocol, name, version, lang, banner, links);
        }
    }

    @Override
    public void onShutdown(boolean isRestarting) {
        super.onShutdown(isRestarting);
        if (session.isDone() && !session.isCompletedExceptionally()) session.join().close();
    }

    @Override
    public String getBanner() {
        return "FMP Lab (Java " + Runtime.version() + ")";
    }
}
