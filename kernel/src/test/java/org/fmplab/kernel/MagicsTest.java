package org.fmplab.kernel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MagicsTest {

    @Test
    void globsFindFilesInSubfolders(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("a"));
        Files.writeString(dir.resolve("a/one.jar"), "");
        Files.writeString(dir.resolve("a/two.jar"), "");
        Files.writeString(dir.resolve("a/notes.txt"), "");
        assertEquals(List.of(dir.resolve("a/one.jar"), dir.resolve("a/two.jar")), Magics.resolve(dir + "/a/*.jar"));
        assertEquals(2, Magics.resolve(dir + "/**.jar").size());
        assertEquals(List.of(), Magics.resolve(dir + "/missing/*.jar"));
        assertEquals(List.of(dir.resolve("a/notes.txt")), Magics.resolve(dir + "/a/notes.txt"));
    }

    @Test
    void mavenCoordinatesBecomeDependencies() {
        assertTrue(Magics.dependencyXml("g:a:1.0").contains("<groupId>g</groupId><artifactId>a</artifactId><version>1.0</version>"));
        assertTrue(Magics.dependencyXml("g:a:jar:linux:1.0").contains("<type>jar</type><classifier>linux</classifier>"));
        assertThrows(IllegalArgumentException.class, () -> Magics.dependencyXml("just-a-name"));
    }

    @Test
    void loadInsertsTheFileWhereTheLineWas(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("lib.jsh"), "int helper() { return 1; }");
        assertEquals("int a = 0;\nint helper() { return 1; }\nhelper()",
                Magics.expandLoads("int a = 0;\n%load " + file + "\nhelper()"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Magics.expandLoads("%load " + dir.resolve("nope.jsh")));
        assertTrue(e.getMessage().contains("nope.jsh"));
    }
}
