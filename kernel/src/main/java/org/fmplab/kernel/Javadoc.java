package org.fmplab.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Javadoc of the toolkit's classes and members for the notebook's help (Shift-Tab, {@code Name?}),
 * read from the toolkit's sources that the build copies to {@code lib/sources} next to the kernel jar.
 * JShell itself only finds documentation in the JDK's src.zip.
 */
final class Javadoc {
    private static final Pattern COMMENT = Pattern.compile("/\\*\\*((?:(?!\\*/).)*)\\*/", Pattern.DOTALL);
    /** After the comment: annotations, modifiers, type parameters and types, no statement or body. */
    private static final String DECLARATION_GAP = "\\s*(?:@[\\w.]+(?:\\([^)]*\\))?\\s*)*[^;{}=/]*?";

    private final Map<String, Path> bySimpleName = new HashMap<>();

    /** @param root the folder of the sources ({@code org/fmplab/...}); missing means no Javadoc */
    Javadoc(Path root) {
        if (!Files.isDirectory(root)) return;
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(p -> p.toString().endsWith(".java"))
                    .forEach(p -> bySimpleName.putIfAbsent(p.getFileName().toString().replace(".java", ""), p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sources shipped with this kernel: {@code sources/} next to the kernel's jar. */
    static Javadoc shipped() {
        try {
            Path jar = Path.of(Javadoc.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return new Javadoc(jar.getParent().resolve("sources"));
        } catch (URISyntaxException | RuntimeException e) {
            return new Javadoc(Path.of("/nonexistent"));
        }
    }

    /**
     * The Javadoc for a JShell signature: a class ({@code org.fmplab.model.Trainer}), a constructor
     * ({@code org.fmplab.model.Trainer(TrainConfig c)}) or a method ({@code TrainResult Trainer.train(...)}),
     * as plain text; {@code null} when it is not a toolkit symbol or has none.
     */
    String forSignature(String signature) {
        String head = signature.contains("(") ? signature.substring(0, signature.indexOf('(')) : signature;
        String[] parts = head.trim().replaceAll(".*\\s", "").split("\\.");
        if (parts.length == 0) return null;
        String last = parts[parts.length - 1];
        // A class, or its constructor: the last part names a toolkit class.
        if (bySimpleName.containsKey(last)) return of(last, null);
        if (parts.length >= 2 && bySimpleName.containsKey(parts[parts.length - 2])) return of(parts[parts.length - 2], last);
        return null;
    }

    /** The Javadoc of a class (member null) or of its first member of that name. */
    String of(String simpleClassName, String member) {
        Path file = bySimpleName.get(simpleClassName);
        if (file == null) return null;
        String src;
        try {
            src = Files.readString(file);
        } catch (IOException e) {
            return null;
        }
        String target = member == null
                ? "(?:class|record|interface|enum)\\s+" + Pattern.quote(simpleClassName) + "\\b"
                : "\\b" + Pattern.quote(member) + "\\s*\\(";
        Matcher m = Pattern.compile(COMMENT.pattern() + DECLARATION_GAP + target, Pattern.DOTALL).matcher(src);
        return m.find() ? clean(m.group(1)) : null;
    }

    /** Comment body to plain text: no leading stars, {@code {@code x}} and {@code {@link X}} as their text, no HTML. */
    static String clean(String body) {
        String text = body.replaceAll("(?m)^\\s*\\*\\s?", "")
                .replaceAll("\\{@(?:code|link|linkplain|literal)\\s+([^}]*)}", "$1")
                .replaceAll("(?i)<p>", "\n")
                .replaceAll("<[^>]+>", "")
                .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        return text.strip().replaceAll("\n{3,}", "\n\n");
    }
}
