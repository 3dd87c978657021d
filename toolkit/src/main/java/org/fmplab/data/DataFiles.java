package org.fmplab.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * File helpers shared by the loaders: every failure becomes a {@link DatasetException} that names the
 * file, so no loader repeats the "open it or explain why not" code.
 */
final class DataFiles {
    private static final int BUFFER = 1 << 16;

    private DataFiles() {
    }

    /** Returns {@code file} if it is a regular file, else throws naming it. */
    static Path requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw DatasetException.at(file, Files.exists(file) ? "not a regular file" : "file not found");
        }
        return file;
    }

    /** Returns {@code dir} if it is a directory, else throws naming it. */
    static Path requireDir(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw DatasetException.at(dir, Files.exists(dir) ? "not a directory" : "directory not found");
        }
        return dir;
    }

    /** The first of {@code candidates} that is a regular file, or an exception naming them all. */
    static Path firstExisting(List<Path> candidates) {
        for (Path p : candidates) {
            if (Files.isRegularFile(p)) return p;
        }
        throw DatasetException.at(candidates.get(0), "file not found (also looked for " + candidates.subList(1, candidates.size()) + ")");
    }

    /**
     * Opens a file for buffered binary reading, transparently gunzipping it when it starts with the gzip
     * magic bytes 1f 8b (whatever its name).
     */
    static DataInputStream openData(Path file) {
        return open(file, true);
    }

    /** Opens a file for buffered binary reading as it is on disk (no gzip detection). */
    static DataInputStream openRaw(Path file) {
        return open(file, false);
    }

    private static DataInputStream open(Path file, boolean detectGzip) {
        requireFile(file);
        try {
            InputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER);
            if (!detectGzip) return new DataInputStream(in);
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            if (b0 == 0x1f && b1 == 0x8b) {
                in = new BufferedInputStream(new GZIPInputStream(in, BUFFER), BUFFER);
            }
            return new DataInputStream(in);
        } catch (IOException e) {
            throw DatasetException.at(file, "cannot open: " + e.getMessage(), e);
        }
    }

    /** All bytes of a file. */
    static byte[] readAllBytes(Path file) {
        requireFile(file);
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw DatasetException.at(file, "cannot read: " + e.getMessage(), e);
        }
    }

    /** The size of a file in bytes. */
    static long size(Path file) {
        requireFile(file);
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw DatasetException.at(file, "cannot read size: " + e.getMessage(), e);
        }
    }

    /** The lines of a text file, decoded as UTF-8 (an invalid byte becomes U+FFFD rather than an error). */
    static List<String> readLines(Path file) {
        return new String(readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
    }

    /**
     * Reads exactly {@code n} bytes, or throws naming the file as truncated. Memory grows with the bytes
     * actually read, so a corrupt header that claims a huge size fails cleanly instead of exhausting memory.
     */
    static byte[] readExactly(DataInputStream in, int n, Path file, String expected) throws IOException {
        byte[] data = in.readNBytes(n);
        if (data.length < n) {
            throw DatasetException.at(file, "truncated: header says " + expected + " but the file ends after "
                    + data.length + " of " + n + " bytes");
        }
        return data;
    }

    /** The non-blank, trimmed lines of a text file. */
    static List<String> readNonBlankLines(Path file) {
        List<String> out = new ArrayList<>();
        for (String line : readLines(file)) {
            if (!line.isBlank()) out.add(line.strip());
        }
        return out;
    }

    /** The entries of {@code dir} that match {@code filter}, sorted by name. */
    static List<Path> list(Path dir, Predicate<Path> filter) {
        requireDir(dir);
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(filter).sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            throw DatasetException.at(dir, "cannot list: " + e.getMessage(), e);
        }
    }

    /** Whether a file name ends with one of the given extensions (case-insensitive, without dots). */
    static boolean hasExtension(Path file, String... extensions) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        for (String ext : extensions) {
            if (name.endsWith("." + ext)) return true;
        }
        return false;
    }

    /**
     * {@code dir} if it contains {@code marker}, else {@code dir/sub} if that does: lets users point at
     * either the folder they extracted into or the archive's own top folder.
     */
    static Path resolveRoot(Path dir, String sub, String marker) {
        if (!Files.exists(dir.resolve(marker)) && Files.exists(dir.resolve(sub).resolve(marker))) {
            return dir.resolve(sub);
        }
        return dir;
    }
}
