package org.fmplab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package arrows the design relies on, checked on the bytecode (a class's constant pool names every
 * class it refers to): FMP and the baselines never import each other, the defense registry sits beside
 * {@code Defense} without importing either, the shared floors (params, prune, render) import nothing
 * above them, and metrics does not depend on viz (which draws metrics).
 */
class PackageArrowsTest {
    private static final Pattern REF = Pattern.compile("org/fmplab/([a-z]+(?:/api)?)/");

    @Test
    void packagesReferOnlyToTheirAllowedNeighbours() throws Exception {
        List<String> violations = new ArrayList<>();
        forbid(violations, "fmp", "defense");
        forbid(violations, "defense", "fmp");
        forbid(violations, "defense/api", "fmp", "defense", "experiment");
        forbid(violations, "params", "attack", "data", "defense", "defense/api", "experiment", "fmp", "metrics", "model", "progress", "prune", "viz");
        forbid(violations, "prune", "attack", "defense", "defense/api", "experiment", "fmp", "metrics", "viz");
        forbid(violations, "render", "attack", "data", "defense", "defense/api", "experiment", "fmp", "metrics", "model", "prune", "viz");
        forbid(violations, "metrics", "viz", "experiment");
        assertEquals(List.of(), violations);
    }

    @Test
    void theScanSeesReferences() throws Exception {
        // Guard against a vacuous scan: known arrows are found.
        assertTrue(refs("fmp").contains("defense/api"));
        assertTrue(refs("defense").contains("prune"));
        assertFalse(refs("defense").isEmpty());
    }

    private static void forbid(List<String> violations, String pkg, String... forbidden) throws IOException {
        List<String> r = refs(pkg);
        for (String f : forbidden) if (r.contains(f)) violations.add(pkg + " refers to " + f);
    }

    /** Packages (as "fmp", "defense/api") referred to by the classes directly in {@code pkg}. */
    private static List<String> refs(String pkg) throws IOException {
        Path dir = classesRoot().resolve("org/fmplab").resolve(pkg);
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(x -> x.toString().endsWith(".class")).toList()) {
                Matcher m = REF.matcher(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
                while (m.find()) if (!m.group(1).equals(pkg) && !out.contains(m.group(1))) out.add(m.group(1));
            }
        }
        return out;
    }

    private static Path classesRoot() {
        try {
            return Path.of(org.fmplab.params.ParamSet.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
