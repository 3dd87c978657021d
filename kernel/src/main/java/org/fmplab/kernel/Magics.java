package org.fmplab.kernel;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The IJava-compatible line magics:
 * <ul>
 *   <li>{@code %jars PATH...}: add jars (globs allowed; a directory adds every jar in it);</li>
 *   <li>{@code %classpath [PATH...]}: add class directories or jars, or print the class path;</li>
 *   <li>{@code %maven [-o|--offline] GROUP:ARTIFACT:VERSION...}: resolve artifacts and their
 *       dependencies with the Maven CLI and add them ({@code FMPLAB_OFFLINE=1} also means offline);</li>
 *   <li>{@code %mavenRepo ID URL}: a further repository for {@code %maven} (IJava's syntax);</li>
 *   <li>{@code %load FILE}: the file's code, evaluated as if typed in the cell at that line;</li>
 *   <li>{@code %%bash}: the cell's text run by bash in the kernel's working directory, its output
 *       streamed; a non-zero exit is an error.</li>
 * </ul>
 * {@code %time} and {@code %%time} are handled by the kernel ({@link Timing}).
 * Paths are relative to the kernel's working directory (the notebook's folder).
 */
public final class Magics {

    /** Pinned, so that offline resolution does not depend on which plugin versions are cached. */
    static final String DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.6.1";

    private static final Pattern LOAD_LINE = Pattern.compile("(?m)^[ \\t]*%load[ \\t]+(.+?)[ \\t]*$");

    private final JShellSession session;
    private final Map<String, String> repositories;

    /**
     * @param session      the JShell session whose class path the magics extend
     * @param repositories the kernel's {@code %mavenRepo} repositories (id to URL), read and extended here
     */
    public Magics(JShellSession session, Map<String, String> repositories) {
        this.session = session;
        this.repositories = repositories;
    }

    /** {@code %mavenRepo ID URL}: {@code %maven} also resolves from this repository from now on. */
    public String mavenRepo(List<String> args) {
        if (args.size() != 2) throw new IllegalArgumentException("%mavenRepo: give ID URL, got " + args);
        String id = args.get(0), url = args.get(1);
        if (!id.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("%mavenRepo: id '" + id + "' may use letters, digits, '.', '_' and '-' only");
        }
        if (!url.matches("(https?|file)://\\S+")) {
            throw new IllegalArgumentException("%mavenRepo: url '" + url + "' must start with http://, https:// or file://");
        }
        repositories.put(id, url);
        System.out.println("%mavenRepo: " + id + " -> " + url);
        return null;
    }

    /** {@code %%bash}: runs the cell's text with bash, streaming its output; fails on a non-zero exit. */
    public Object bash(String body) throws IOException, InterruptedException {
        Path log = Files.createTempFile("fmplab-bash", ".log");
        try {
            int rc = runStreaming(new ProcessBuilder("bash", "-c", body), log, "%%bash needs bash on the PATH");
            if (rc != 0) throw new IllegalStateException("%%bash: exit code " + rc);
            return null;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /**
     * Runs a process with its output (stdout and stderr) copied to this cell's output as it comes;
     * an interrupt stops the process. Returns the exit code.
     */
    private static int runStreaming(ProcessBuilder pb, Path log, String missing) throws IOException, InterruptedException {
        Process p;
        try {
            p = pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IOException(missing + ": " + e.getMessage(), e);
        }
        // Poll rather than block on the output, so that an interrupt stops the process promptly.
        try (RandomAccessFile out = new RandomAccessFile(log.toFile(), "r")) {
            while (!p.waitFor(200, TimeUnit.MILLISECONDS)) copyNew(out);
            copyNew(out);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            throw e;
        }
        return p.exitValue();
    }

    /** {@code %jars}: adds every jar that the arguments name. */
    public List<String> jars(List<String> args) throws IOException {
        if (args.isEmpty()) throw new IllegalArgumentException("%jars: give one or more jar files, directories or globs");
        List<String> added = new ArrayList<>();
        for (String arg : args) {
            List<Path> matches = resolve(arg);
            if (matches.isEmpty()) {
                throw new IllegalArgumentException("%jars: no file matches '" + arg + "' (looked in "
                        + Path.of("").toAbsolutePath() + ")");
            }
            for (Path p : matches) {
                if (Files.isDirectory(p)) {
                    try (Stream<Path> files = Files.list(p)) {
                        files.filter(f -> f.toString().endsWith(".jar")).sorted().forEach(f -> added.add(f.toString()));
                    }
                } else {
                    added.add(p.toString());
                }
            }
        }
        if (added.isEmpty()) throw new IllegalArgumentException("%jars: no jar files in " + args);
        session.addToClasspath(String.join(File.pathSeparator, added));
        return added;
    }

    /** {@code %classpath}: adds class directories or jars; without arguments prints the class path. */
    public List<String> classpath(List<String> args) throws IOException {
        if (args.isEmpty()) {
            session.classpath().forEach(System.out::println);
            return null;
        }
        List<String> added = new ArrayList<>();
        for (String arg : args) {
            List<Path> matches = resolve(arg);
            if (matches.isEmpty()) {
                throw new IllegalArgumentException("%classpath: no file or directory matches '" + arg
                        + "' (looked in " + Path.of("").toAbsolutePath() + ")");
            }
            matches.forEach(p -> added.add(p.toString()));
        }
        session.addToClasspath(String.join(File.pathSeparator, added));
        return added;
    }

    /** {@code %maven}: resolves artifacts with {@code mvn dependency:build-classpath} and adds them. */
    public List<String> maven(List<String> args) throws IOException, InterruptedException {
        boolean offline = "1".equals(System.getenv("FMPLAB_OFFLINE")) || "true".equals(System.getenv("FMPLAB_OFFLINE"));
        StringBuilder deps = new StringBuilder();
        for (String arg : args) {
            if (arg.equals("-o") || arg.equals("--offline")) {
                offline = true;
            } else {
                deps.append(dependencyXml(arg));
            }
        }
        if (deps.length() == 0) throw new IllegalArgumentException("%maven: give one or more GROUP:ARTIFACT:VERSION");

        Path dir = Files.createTempDirectory("fmplab-maven");
        Path cpFile = dir.resolve("classpath.txt");
        Path log = dir.resolve("mvn.log");
        Files.writeString(dir.resolve("pom.xml"), pomXml(deps.toString(), repositories));
        List<String> cmd = new ArrayList<>(List.of("mvn", "-B", "-q", "-Dstyle.color=never"));
        if (offline) cmd.add("-o");
        cmd.addAll(List.of(DEPENDENCY_PLUGIN + ":build-classpath", "-Dmdep.includeScope=runtime",
                "-Dmdep.outputFile=" + cpFile));
        int rc = runStreaming(new ProcessBuilder(cmd).directory(dir.toFile()), log,
                "%maven needs the Maven command line (mvn) on the PATH");
        if (rc != 0 || !Files.exists(cpFile)) {
            throw new IOException("%maven: Maven failed (exit " + rc + ")" + (offline ? " in offline mode" : ""));
        }
        Set<String> known = new HashSet<>();
        for (String p : session.classpath()) known.add(Path.of(p).getFileName().toString());
        List<String> added = new ArrayList<>();
        for (String jar : Files.readString(cpFile).trim().split(File.pathSeparator)) {
            if (!jar.isBlank() && !known.contains(Path.of(jar).getFileName().toString())) added.add(jar);
        }
        if (!added.isEmpty()) session.addToClasspath(String.join(File.pathSeparator, added));
        System.out.println("%maven: added " + added.size() + " jar(s)");
        return added;
    }

    private static void copyNew(RandomAccessFile out) throws IOException {
        long len = out.length();
        if (len <= out.getFilePointer()) return;
        byte[] buf = new byte[(int) (len - out.getFilePointer())];
        out.readFully(buf);
        System.out.print(new String(buf, StandardCharsets.UTF_8));
        System.out.flush();
    }

    /** The throw-away pom {@code %maven} resolves: the dependencies and the {@code %mavenRepo} repositories. */
    static String pomXml(String dependencies, Map<String, String> repositories) {
        StringBuilder repos = new StringBuilder();
        repositories.forEach((id, url) -> repos.append("    <repository><id>").append(id).append("</id><url>")
                .append(url.replace("&", "&amp;").replace("<", "&lt;")).append("</url></repository>\n"));
        return """
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <groupId>notebook</groupId><artifactId>notebook</artifactId><version>1</version>
                  <repositories>
                %s  </repositories>
                  <dependencies>
                %s  </dependencies>
                </project>
                """.formatted(repos, dependencies);
    }

    /** {@code G:A:V}, {@code G:A:PACKAGING:V} or {@code G:A:PACKAGING:CLASSIFIER:V} as a pom dependency. */
    static String dependencyXml(String coords) {
        String[] p = coords.split(":");
        if (p.length < 3 || p.length > 5) {
            throw new IllegalArgumentException("%maven: '" + coords + "' is not GROUP:ARTIFACT[:PACKAGING[:CLASSIFIER]]:VERSION");
        }
        StringBuilder sb = new StringBuilder("    <dependency><groupId>").append(p[0]).append("</groupId><artifactId>")
                .append(p[1]).append("</artifactId><version>").append(p[p.length - 1]).append("</version>");
        if (p.length >= 4) sb.append("<type>").append(p[2]).append("</type>");
        if (p.length == 5) sb.append("<classifier>").append(p[3]).append("</classifier>");
        return sb.append("</dependency>\n").toString();
    }

    /**
     * Replaces every {@code %load FILE} line by the file's contents, so the code runs as if typed
     * there.
     */
    public static String expandLoads(String cell) throws IOException {
        Matcher m = LOAD_LINE.matcher(cell);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1).replaceAll("^[\"']|[\"']$", "");
            Path file = Path.of(expandHome(name)).toAbsolutePath();
            if (!Files.isRegularFile(file)) throw new IllegalArgumentException("%load: no such file: " + file);
            m.appendReplacement(out, Matcher.quoteReplacement(Files.readString(file)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String expandHome(String path) {
        return path.startsWith("~/") ? System.getProperty("user.home") + path.substring(1) : path;
    }

    /** The existing files a path or glob ({@code *}, {@code ?}, {@code **}) names, sorted. */
    static List<Path> resolve(String spec) throws IOException {
        String s = expandHome(spec);
        Path cwd = Path.of("").toAbsolutePath();
        int wild = indexOfWildcard(s);
        if (wild < 0) {
            Path p = cwd.resolve(s).normalize();
            return Files.exists(p) ? List.of(p) : List.of();
        }
        int slash = s.lastIndexOf('/', wild);
        Path base = cwd.resolve(slash < 0 ? "." : slash == 0 ? "/" : s.substring(0, slash)).normalize();
        String rest = s.substring(slash + 1);
        if (!Files.isDirectory(base)) return List.of();
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + rest);
        int depth = rest.contains("**") ? Integer.MAX_VALUE : rest.split("/").length;
        try (Stream<Path> walk = Files.walk(base, depth)) {
            return walk.filter(p -> !p.equals(base) && matcher.matches(base.relativize(p))).sorted().toList();
        }
    }

    private static int indexOfWildcard(String s) {
        int a = s.indexOf('*'), b = s.indexOf('?');
        return a < 0 ? b : b < 0 ? a : Math.min(a, b);
    }
}
