package org.fmplab.defense;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.fmplab.data.ImageDataset;
import org.fmplab.defense.api.DefenderData;
import org.fmplab.defense.api.Defense;
import org.fmplab.defense.api.Defenses;
import org.junit.jupiter.api.Test;

/**
 * The defender-knowledge boundary (method spec §1): a defense gets the model, a clean subset and a seed —
 * never the trigger, the poison indices or test data. Enforced on the bytecode: no class of the defense
 * packages, and no registered Defense implementation, refers to the attack package (triggers, poisoned
 * sets, backdoor test sets), the evaluator (test-set metrics) or the experiment package (run data).
 */
class DefenderKnowledgeBoundaryTest {
    private static final List<String> FORBIDDEN = List.of(
            "org/fmplab/attack/", "org/fmplab/metrics/Evaluator", "org/fmplab/metrics/StageResult",
            "org/fmplab/experiment/", "org/fmplab/data/Datasets", "org/fmplab/data/DataSplit");

    @Test
    void defenderDataExposesOnlyACleanSubsetAndASeed() {
        RecordComponent[] c = DefenderData.class.getRecordComponents();
        assertEquals(2, c.length);
        assertEquals(ImageDataset.class, c[0].getType());
        assertEquals("clean", c[0].getName());
        assertEquals(long.class, c[1].getType());
        assertEquals(Defense.class.getMethods().length, 2, "Defense has exactly name() and defend(...)");
    }

    @Test
    void noDefenseClassReferencesAttackTestOrRunData() throws Exception {
        List<Path> classes = new ArrayList<>();
        for (String pkg : new String[] {"org/fmplab/defense"}) {
            Path dir = classesRoot().resolve(pkg);
            try (Stream<Path> s = Files.walk(dir)) {
                s.filter(p -> p.toString().endsWith(".class")).forEach(classes::add);
            }
        }
        assertTrue(classes.size() > 20, "found the defense classes: " + classes.size());
        List<String> violations = new ArrayList<>();
        for (Path p : classes) violations.addAll(check(p.toString(), Files.readAllBytes(p)));
        assertEquals(List.of(), violations);
    }

    @Test
    void everyRegisteredDefenseImplementationKeepsTheBoundaryToo() throws Exception {
        List<String> violations = new ArrayList<>();
        int checked = 0;
        for (String name : Defenses.names()) {
            if (name.equals("none")) continue;
            Defense d = Defenses.create(name, Map.of());
            for (Class<?> c = d.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
                violations.addAll(check(c.getName(), bytes(c)));
                for (Class<?> inner : c.getDeclaredClasses()) violations.addAll(check(inner.getName(), bytes(inner)));
                checked++;
            }
        }
        assertTrue(checked >= 8, "checked " + checked + " classes");
        assertEquals(List.of(), violations);
    }

    @Test
    void theCheckDetectsAReferenceToTheAttackPackage() throws Exception {
        // Guard against a vacuous scan: a class that does touch attack types is reported.
        assertFalse(check("Poisoner", bytes(org.fmplab.attack.Poisoner.class)).isEmpty());
    }

    // Class names in the constant pool (Class entries and descriptors) are stored as modified UTF-8,
    // so a forbidden package name appears verbatim in the bytes of any class that refers to it.
    private static List<String> check(String what, byte[] bytecode) {
        String text = new String(bytecode, StandardCharsets.ISO_8859_1);
        List<String> out = new ArrayList<>();
        for (String f : FORBIDDEN) if (text.contains(f)) out.add(what + " refers to " + f);
        return out;
    }

    private static byte[] bytes(Class<?> c) throws IOException {
        String res = "/" + c.getName().replace('.', '/') + ".class";
        try (InputStream in = c.getResourceAsStream(res)) {
            if (in == null) throw new IOException("no bytecode for " + c);
            return in.readAllBytes();
        }
    }

    private static Path classesRoot() throws URISyntaxException {
        return Path.of(FineTuningDefense.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
