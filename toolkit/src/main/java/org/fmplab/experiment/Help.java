package org.fmplab.experiment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * The commands' help texts and the toolkit's version. Help lives in {@code help/COMMAND.txt} next to
 * this class (src/main/resources) so that {@code ./fmplab COMMAND --help} can print the same text from
 * the source tree without starting Java or building.
 */
final class Help {
    private Help() { }

    /** The help text of a command ({@code run}, {@code compare}, {@code bench}). */
    static String text(String command) {
        try (InputStream in = Help.class.getResourceAsStream("help/" + command + ".txt")) {
            if (in == null) throw new IllegalStateException("no help text for command '" + command + "' (help/" + command + ".txt)");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The version Maven recorded in the jar, or "unknown" when running from classes. */
    static String version() {
        try (InputStream in = Help.class.getResourceAsStream("/META-INF/maven/org.fmplab/fmplab-toolkit/pom.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
