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

    @Test
    void mavenRepoAddsARepositoryToThePomThatMavenResolves() {
        var repos = new java.util.LinkedHashMap<String, String>();
        new Magics(null, repos).mavenRepo(List.of("jitpack", "https://jitpack.io"));
        String pom = Magics.pomXml(Magics.dependencyXml("g:a:1.0"), repos);
        assertTrue(pom.contains("<repository><id>jitpack</id><url>https://jitpack.io</url></repository>"), pom);
        assertTrue(pom.contains("<artifactId>a</artifactId>"), pom);
        var e = assertThrows(IllegalArgumentException.class, () -> new Magics(null, repos).mavenRepo(List.of("x", "ftp://host")));
        assertTrue(e.getMessage().contains("'ftp://host'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Magics(null, repos).mavenRepo(List.of("only-an-id")));
    }

    @Test
    void timeMagicsSplitTheTimedCodeFromTheRest() {
        assertEquals(new Timing.Cell("int x = 1;\nx + 1", ""), Timing.parse("%%time\nint x = 1;\nx + 1"));
        assertEquals(new Timing.Cell("Thread.sleep(10);", "int y = 2;"), Timing.parse("%time Thread.sleep(10);\nint y = 2;"));
        assertEquals(null, Timing.parse("int z = 3; // %time"));
        assertTrue(Timing.wall(2_500_000_000L).equals("Wall time: 2.50 s"), Timing.wall(2_500_000_000L));
    }
}
