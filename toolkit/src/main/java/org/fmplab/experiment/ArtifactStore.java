package org.fmplab.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.fmplab.model.ModelIO;

/**
 * The one on-disk artifact store of the toolkit's runs and studies: every artifact (a backdoored model, a
 * study cell) sits under {@code root/kind/key}, where the key is a hash of everything that determines the
 * artifact (dataset, attack and its parameters, model, training, seed, and the code revision of the stage
 * that makes it). Writes are atomic (written under a temporary name, fsynced, renamed) and guarded by a
 * file lock per key, so processes sharing one store — local jobs, Slurm array tasks on a shared filesystem,
 * a study killed with {@code kill -9} and restarted — never see a half-written artifact and never compute
 * one twice at the same time: whoever holds the lock computes, the others wait and then read.
 */
public final class ArtifactStore {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    private final Path root;

    public ArtifactStore(Path root) {
        if (root == null) throw new IllegalArgumentException("store root must not be null");
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** A stable hash of a map of plain values (sorted keys, JSON): the key of an artifact. */
    public static String key(Map<String, ?> fields) {
        try {
            return ModelIO.sha256(JSON.writeValueAsBytes(new TreeMap<>(fields))).substring(0, 20);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where artifact {@code kind/key} lives (present or not). */
    public Path path(String kind, String key) {
        if (!kind.matches("[a-z-]+") || !key.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("bad artifact name " + kind + "/" + key);
        }
        return root.resolve(kind).resolve(key);
    }

    /** True when artifact {@code kind/key} is complete (a partial one never has its final name). */
    public boolean exists(String kind, String key) {
        return Files.exists(path(kind, key));
    }

    /** Reads a JSON artifact, or null when it does not exist. */
    public <T> T readJson(String kind, String key, Class<T> type) {
        Path p = path(kind, key);
        if (!Files.isRegularFile(p)) return null;
        try {
            return JSON.readValue(p.toFile(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("store artifact " + p + " is unreadable (" + e.getMessage()
                    + "); delete it to recompute it", e);
        }
    }

    /**
     * The JSON artifact {@code kind/key}: read when present, else computed under the key's lock and written
     * atomically. Returns the stored value.
     */
    public <T> T json(String kind, String key, Class<T> type, Supplier<? extends T> compute) {
        T v = readJson(kind, key, type);
        if (v != null) return v;
        return locked(kind, key, () -> {
            T again = readJson(kind, key, type);  // another process may have finished it while we waited
            if (again != null) return again;
            T made = compute.get();
            writeAtomically(kind, key, tmp -> {
                try {
                    Files.write(tmp, JSON.writeValueAsBytes(made));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            return made;
        });
    }

    /**
     * The directory artifact {@code kind/key}: when absent, {@code make} fills a temporary directory under
     * the key's lock, which is then fsynced and renamed into place. Returns the artifact's path.
     */
    public Path directory(String kind, String key, Consumer<Path> make) {
        Path p = path(kind, key);
        if (Files.isDirectory(p)) return p;
        return locked(kind, key, () -> {
            if (!Files.isDirectory(p)) writeAtomically(kind, key, make);
            return p;
        });
    }

    /** Runs {@code body} holding the exclusive file lock of {@code kind/key} (blocking until it is free). */
    public <T> T locked(String kind, String key, Supplier<T> body) {
        Path lockFile = root.resolve("locks").resolve(kind + "-" + key + ".lock");
        try {
            Files.createDirectories(lockFile.getParent());
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                return body.get();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + lockFile + ": " + e.getMessage(), e);
        }
    }

    // Write under a temporary name in the same folder, fsync every file, then rename: a reader sees the whole
    // artifact or nothing, also after a crash. Leftover temporaries of killed writers are removed here.
    private void writeAtomically(String kind, String key, Consumer<Path> write) {
        Path target = path(kind, key);
        Path tmp = target.resolveSibling(".tmp-" + key + "-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(target.getParent());
            deleteTree(tmp);
            write.accept(tmp);
            fsyncTree(tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target);
            }
            fsync(target.getParent(), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write store artifact " + target + ": " + e.getMessage(), e);
        } finally {
            try {
                deleteTree(tmp);
            } catch (IOException ignored) {
                // best effort: a stale temporary is never read (it has no final name)
            }
        }
    }

    /** Removes temporaries left by killed writers of {@code kind} (safe: only holders of a key's lock write it). */
    public void sweepTemporaries(String kind) {
        Path dir = root.resolve(kind);
        if (!Files.isDirectory(dir)) return;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.filter(q -> q.getFileName().toString().startsWith(".tmp-")).toList()) {
                String key = p.getFileName().toString().substring(5).replaceAll("-\\d+$", "");
                locked(kind, key, () -> {
                    try {
                        deleteTree(p);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return null;
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void fsyncTree(Path p) throws IOException {
        if (Files.isDirectory(p)) {
            try (Stream<Path> s = Files.walk(p)) {
                for (Path q : s.toList()) fsync(q, Files.isDirectory(q));
            }
        } else {
            fsync(p, false);
        }
    }

    private static void fsync(Path p, boolean dir) throws IOException {
        try (FileChannel ch = FileChannel.open(p, dir ? StandardOpenOption.READ : StandardOpenOption.WRITE)) {
            ch.force(true);
        } catch (IOException e) {
            if (!dir) throw e;  // some filesystems refuse to open directories for fsync; files are what matter
        }
    }

    /** Deletes {@code p} and everything below it (nothing when it does not exist). */
    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(q);
        }
    }
}
