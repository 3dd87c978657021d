package org.fmplab.kernel;

import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.UnresolvedReferenceException;
import org.fmplab.progress.InterruptedWorkException;

import java.io.File;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The Java side of the kernel: one {@link JShell} whose snippets run in this JVM through
 * {@link CellExecutionControl}. Splits cells into snippets, evaluates them, and answers completion,
 * inspection and completeness questions. Knows nothing of Jupyter messages.
 */
public final class JShellSession implements AutoCloseable {

    /** Imports every notebook starts with; packages missing from the class path are skipped. */
    static final List<String> STARTUP_IMPORTS = List.of(
            "java.io.*", "java.math.*", "java.net.*", "java.nio.file.*", "java.util.*",
            "java.util.concurrent.*", "java.util.function.*", "java.util.regex.*", "java.util.stream.*",
            "org.fmplab.data.*", "org.fmplab.attack.*", "org.fmplab.model.*", "org.fmplab.fmp.*",
            "org.fmplab.defense.*", "org.fmplab.metrics.*", "org.fmplab.viz.*", "org.fmplab.experiment.*", "org.fmplab.study.*",
            "org.fmplab.progress.*", "org.fmplab.prune.*", "org.fmplab.defense.api.*", "org.fmplab.params.*",
            "org.nd4j.linalg.api.ndarray.INDArray", "org.nd4j.linalg.api.buffer.DataType", "org.nd4j.linalg.factory.Nd4j",
            "org.knowm.xchart.*", "tech.tablesaw.api.*",
            "static org.fmplab.kernel.Notebook.*");

    private final CellExecutionControl control = new CellExecutionControl();
    private final JShell shell;
    private final SourceCodeAnalysis analysis;
    private final List<String> addedClasspath = new ArrayList<>();

    /** Starts JShell with this JVM's class path and the startup imports. */
    public JShellSession() {
        shell = JShell.builder().executionEngine(control.provider(), Map.of()).build();
        analysis = shell.sourceCodeAnalysis();
        shell.addToClasspath(System.getProperty("java.class.path"));
        for (String imp : STARTUP_IMPORTS) {
            if (packageExists(imp)) shell.eval("import " + imp + ";");
        }
        warmUp();
    }

    /**
     * Runs a throwaway statement (no declaration, nothing the user can see) and a completion, so
     * that the first cell and the first Tab do not pay for loading their code paths.
     */
    private void warmUp() {
        shell.eval("{ int warmUp = 1 + 1; }");
        analysis.completionSuggestions("Math.ma", 7, new int[1]);
    }

    /** True when an import names a JDK package or a package/class present on the class path. */
    static boolean packageExists(String imp) {
        boolean isStatic = imp.startsWith("static ");
        String name = isStatic ? imp.substring("static ".length()) : imp;
        if (name.startsWith("java.")) return true;
        boolean onDemand = name.endsWith(".*");
        String base = (onDemand ? name.substring(0, name.length() - 2) : name).replace('.', '/');
        String path = onDemand && !isStatic ? base + "/" : base + ".class";
        return ClassLoader.getSystemResource(path) != null;
    }

    /** The execution control, for interrupts. */
    public CellExecutionControl control() {
        return control;
    }

    /** Adds jars or class directories (separated by the path separator) for later snippets. */
    public void addToClasspath(String path) {
        shell.addToClasspath(path);
        addedClasspath.add(path);
    }

    /** The JVM's class path followed by everything added with {@link #addToClasspath}. */
    public List<String> classpath() {
        List<String> all = new ArrayList<>(List.of(System.getProperty("java.class.path").split(File.pathSeparator)));
        for (String p : addedClasspath) all.addAll(List.of(p.split(File.pathSeparator)));
        return all;
    }

    /** One snippet of a cell: its source as JShell wants it and where its text lies in the cell. */
    private record Piece(String source, int start, int end) { }

    private List<Piece> split(String code) {
        List<Piece> pieces = new ArrayList<>();
        int offset = 0;
        String rest = code;
        while (!rest.isBlank()) {
            CompletionInfo info = analysis.analyzeCompletion(rest);
            Completeness c = info.completeness();
            boolean whole = c == Completeness.DEFINITELY_INCOMPLETE || c == Completeness.CONSIDERED_INCOMPLETE
                    || info.source() == null;
            String source = whole ? rest : info.source();
            String remaining = whole ? "" : info.remaining();
            int consumed = rest.length() - remaining.length();
            int lead = rest.length() - rest.stripLeading().length();
            if (c != Completeness.EMPTY) pieces.add(new Piece(source, offset + Math.min(lead, consumed), offset + consumed));
            offset += consumed;
            rest = remaining;
            if (consumed == 0) break;
        }
        return pieces;
    }

    /**
     * Evaluates a cell (magics already turned into Java) snippet by snippet, stopping at the first
     * failure.
     *
     * @return the value of the last snippet when it is an expression, else {@code null}
     * @throws CompilationException when a snippet does not compile
     * @throws InterruptedException (unchecked here) when the cell was interrupted
     * Any exception of the user's code is rethrown as is.
     */
    public Object eval(String code) {
        control.startCell();
        Object result = null;
        for (Piece piece : split(code)) {
            if (control.wasInterrupted()) throw interrupted();
            result = null;
            for (SnippetEvent event : shell.eval(piece.source())) {
                if (event.causeSnippet() != null) continue;
                Snippet snippet = event.snippet();
                if (event.status() == Snippet.Status.REJECTED) throw compileError(code, piece, snippet);
                if (event.exception() != null) throw userError(event.exception());
                if (control.wasInterrupted()) throw interrupted();
                checkResolved(snippet, event.status());
                Object value = control.takeResult();
                if (isExpression(snippet)) result = value;
            }
        }
        return result;
    }

    private static boolean isExpression(Snippet s) {
        return switch (s.subKind()) {
            case TEMP_VAR_EXPRESSION_SUBKIND, VAR_VALUE_SUBKIND, OTHER_EXPRESSION_SUBKIND -> true;
            default -> false;
        };
    }

    private static RuntimeException interrupted() {
        InterruptedException e = new InterruptedException("the cell was interrupted");
        e.setStackTrace(new StackTraceElement[0]);
        return sneaky(e);
    }

    private RuntimeException userError(JShellException e) {
        if (e instanceof UnresolvedReferenceException u) {
            return new CompilationException(describe(u.getSnippet()) + " cannot be used until "
                    + String.join(", ", shell.unresolvedDependencies(u.getSnippet()).toList()) + " is declared");
        }
        Throwable original = control.takeThrown();
        if (original != null && control.wasInterrupted()) {
            // Libraries wrap what stopped them (DL4J: "Error during ... backpropagation"): show the interrupt.
            if (CellExecutionControl.isStop(original)) throw interrupted();
            for (Throwable t = original; t != null; t = t.getCause()) {
                if (t instanceof InterruptedWorkException) return sneaky(t);
            }
        }
        if (original != null) return sneaky(original);
        EvalException ev = (EvalException) e;
        return new RuntimeException(ev.getExceptionClassName() + ": " + ev.getMessage());
    }

    /**
     * A declaration that refers to something not declared yet: a method or class body may (it works
     * once the missing piece is declared, so only warn), a variable may not (its initializer did not
     * run: usually a typo in a type name).
     */
    private void checkResolved(Snippet snippet, Snippet.Status status) {
        if (!(snippet instanceof DeclarationSnippet decl)) return;
        if (status != Snippet.Status.RECOVERABLE_DEFINED && status != Snippet.Status.RECOVERABLE_NOT_DEFINED) return;
        String message = describe(snippet) + " cannot be used until "
                + String.join(", ", shell.unresolvedDependencies(decl).toList()) + " is declared";
        if (status == Snippet.Status.RECOVERABLE_NOT_DEFINED) throw new CompilationException(message);
        System.err.println("warning: " + message);
    }

    private static String describe(Snippet s) {
        return s instanceof DeclarationSnippet d ? d.name() : s.source().strip();
    }

    private CompilationException compileError(String code, Piece piece, Snippet snippet) {
        List<Diag> diags = shell.diagnostics(snippet).filter(Diag::isError).toList();
        if (diags.isEmpty()) diags = shell.diagnostics(snippet).toList();
        String src = snippet.source();
        // line of the snippet's first non-blank character in the cell, minus the blank lines it starts with
        int firstLine = lineOf(code, piece.start()) - lineOf(src, src.length() - src.stripLeading().length()) + 1;
        StringBuilder sb = new StringBuilder();
        for (Diag d : diags) {
            int pos = (int) Math.max(0, Math.min(src.length(), d.getPosition()));
            int lineStart = src.lastIndexOf('\n', pos - 1) + 1;
            int lineEnd = src.indexOf('\n', pos);
            if (lineEnd < 0) lineEnd = src.length();
            int from = (int) Math.max(lineStart, Math.min(pos, d.getStartPosition()));
            int to = (int) Math.min(lineEnd, Math.max(pos + 1, d.getEndPosition()));
            if (sb.length() > 0) sb.append('\n');
            sb.append("line ").append(firstLine + lineOf(src, pos) - 1).append(": ")
                    .append(d.getMessage(Locale.ROOT)).append('\n')
                    .append(src, lineStart, lineEnd).append('\n')
                    .append(" ".repeat(Math.max(0, from - lineStart)))
                    .append("^".repeat(Math.max(1, to - from)));
        }
        if (diags.isEmpty()) sb.append("cannot compile: ").append(src.strip());
        return new CompilationException(sb.toString());
    }

    private static int lineOf(String text, int pos) {
        int line = 1;
        for (int i = 0; i < Math.min(pos, text.length()); i++) if (text.charAt(i) == '\n') line++;
        return line;
    }

    /** Completion matches for the snippet under the cursor. */
    public record Completions(List<String> matches, int start, int end) { }

    /** Completes the identifier before {@code cursor}. */
    public Completions complete(String code, int cursor) {
        Piece piece = pieceAt(code, cursor);
        int base = piece == null ? cursor : piece.start();
        String text = piece == null ? "" : code.substring(piece.start(), Math.max(piece.start(), Math.min(cursor, piece.end())));
        int[] anchor = new int[1];
        Set<String> matches = new LinkedHashSet<>();
        analysis.completionSuggestions(text, text.length(), anchor).stream()
                .sorted((a, b) -> Boolean.compare(b.matchesType(), a.matchesType()))
                .forEach(s -> matches.add(s.continuation()));
        return new Completions(new ArrayList<>(matches), base + anchor[0], cursor);
    }

    private Piece pieceAt(String code, int cursor) {
        Piece last = null;
        for (Piece p : split(code.substring(0, Math.min(cursor, code.length())))) last = p;
        return last;
    }

    /** The toolkit's Javadoc, read on first help request. */
    private Javadoc javadoc;

    /**
     * Signatures (and the type of an expression) at the cursor, followed by the Javadoc of the first
     * toolkit symbol among them, or {@code null} when unknown.
     */
    public String inspect(String code, int cursor) {
        String signatures = signatures(code, cursor);
        if (signatures == null) return null;
        if (javadoc == null) javadoc = Javadoc.shipped();
        for (String sig : signatures.split("\n")) {
            String doc = javadoc.forSignature(sig);
            if (doc != null) return signatures + "\n\n" + doc;
        }
        return signatures;
    }

    private String signatures(String code, int cursor) {
        int end = cursor;
        while (end < code.length() && Character.isJavaIdentifierPart(code.charAt(end))) end++;
        Piece piece = pieceAt(code, end);
        if (piece == null) return null;
        String text = code.substring(piece.start(), end);
        var docs = analysis.documentation(text, text.length(), false);
        if (docs.isEmpty()) docs = analysis.documentation(text + "(", text.length() + 1, false);
        if (!docs.isEmpty()) {
            return docs.stream().map(SourceCodeAnalysis.Documentation::signature).distinct()
                    .collect(Collectors.joining("\n"));
        }
        String type = analysis.analyzeType(text, text.length());
        return type == null || type.isBlank() ? null : text.strip() + " : " + type;
    }

    /**
     * Jupyter's is_complete answer: {@code "complete"}, {@code "invalid"} or, for code that needs
     * more lines, the indent to continue with.
     */
    public String isComplete(String code) {
        String rest = code;
        while (!rest.isBlank()) {
            CompletionInfo info = analysis.analyzeCompletion(rest);
            switch (info.completeness()) {
                case EMPTY:
                    return "complete";
                case DEFINITELY_INCOMPLETE:
                case CONSIDERED_INCOMPLETE:
                    return "    ";
                case UNKNOWN:
                    return "invalid";
                default:
                    if (info.remaining().length() >= rest.length()) return "complete";
                    rest = info.remaining();
            }
        }
        return "complete";
    }

    @Override
    public void close() {
        shell.close();
    }

    @SuppressWarnings("unchecked")
    static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
