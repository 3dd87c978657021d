package org.fmplab.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the binary ("suitable for C programs") versions of CIFAR-10 and CIFAR-100. Each record is the
 * label byte(s) followed by 3072 pixel bytes: the 32×32 red plane, then green, then blue, which is
 * already CHW order, so pixels are copied as they are.
 *
 * <p>{@code dir} may be the folder holding the {@code .bin} files or the folder the archive was
 * extracted into (holding {@code cifar-10-batches-bin/} or {@code cifar-100-binary/}).
 */
public final class CifarLoader {
    /** Side of a CIFAR image. */
    public static final int SIZE = 32;
    /** Pixel bytes of one CIFAR image: 3×32×32. */
    public static final int IMAGE_BYTES = 3 * SIZE * SIZE;

    /** The two binary record formats. */
    public enum Format {
        /** 1 label byte (10 classes) + 3072 pixels. */
        CIFAR10(1, 10, "batches.meta.txt"),
        /** 2 label bytes (coarse, then fine; the fine label is used, 100 classes) + 3072 pixels. */
        CIFAR100(2, 100, "fine_label_names.txt");

        private final int labelBytes;
        private final int numClasses;
        private final String namesFile;

        Format(int labelBytes, int numClasses, String namesFile) {
            this.labelBytes = labelBytes;
            this.numClasses = numClasses;
            this.namesFile = namesFile;
        }

        /** Bytes of one record: label bytes + 3072. */
        public int recordSize() { return labelBytes + IMAGE_BYTES; }

        /** Number of classes of the label this format uses. */
        public int numClasses() { return numClasses; }
    }

    private CifarLoader() {
    }

    /**
     * Loads CIFAR-10: {@code data_batch_1.bin} … {@code data_batch_5.bin} for training and {@code
     * test_batch.bin} for testing; class names from {@code batches.meta.txt} when present, else "0".."9".
     */
    public static DataSplit cifar10(Path dir) {
        Path root = DataFiles.resolveRoot(DataFiles.requireDir(dir), "cifar-10-batches-bin", "test_batch.bin");
        List<Path> train = new ArrayList<>();
        for (int i = 1; i <= 5; i++) train.add(root.resolve("data_batch_" + i + ".bin"));
        return split(root, "cifar10", train, root.resolve("test_batch.bin"), Format.CIFAR10);
    }

    /**
     * Loads CIFAR-100 with its 100 fine labels: {@code train.bin} and {@code test.bin}; class names from
     * {@code fine_label_names.txt} when present, else "0".."99".
     */
    public static DataSplit cifar100(Path dir) {
        Path root = DataFiles.resolveRoot(DataFiles.requireDir(dir), "cifar-100-binary", "test.bin");
        return split(root, "cifar100", List.of(root.resolve("train.bin")), root.resolve("test.bin"), Format.CIFAR100);
    }

    private static DataSplit split(Path root, String name, List<Path> train, Path test, Format format) {
        List<String> classes = classNames(root.resolve(format.namesFile), format.numClasses);
        return new DataSplit(read(train, format, name + "-train", classes), read(List.of(test), format, name + "-test", classes));
    }

    /**
     * Reads and concatenates binary batch files of one format.
     *
     * @throws DatasetException naming the file when one is missing, empty, not a whole number of records,
     *                          or holds a label outside {@code classNames}
     */
    public static ImageDataset read(List<Path> files, Format format, String name, List<String> classNames) {
        int record = format.recordSize();
        long total = 0;
        for (Path f : files) {
            long size = DataFiles.size(f);
            if (size == 0 || size % record != 0) {
                throw DatasetException.at(f, "size " + size + " bytes is not a positive multiple of the record size "
                        + record + " (" + format.labelBytes + " label byte(s) + " + IMAGE_BYTES + " pixels)");
            }
            total += size / record;
        }
        if (total * IMAGE_BYTES > Integer.MAX_VALUE - 8) {
            throw DatasetException.at(files.get(0), "too many images (" + total + ") for one dataset");
        }
        int n = (int) total;
        byte[] pixels = new byte[n * IMAGE_BYTES];
        int[] labels = new int[n];
        int next = 0;
        for (Path f : files) {
            next = readFile(f, format, classNames.size(), pixels, labels, next);
        }
        return ImageDataset.wrap(name, pixels, labels, 3, SIZE, SIZE, classNames);
    }

    private static int readFile(Path file, Format format, int numClasses, byte[] pixels, int[] labels, int start) {
        int count = (int) (DataFiles.size(file) / format.recordSize());
        byte[] label = new byte[format.labelBytes];
        try (DataInputStream in = DataFiles.openRaw(file)) {
            for (int r = 0; r < count; r++) {
                in.readFully(label);
                int l = label[format.labelBytes - 1] & 0xFF;
                if (l >= numClasses) {
                    throw DatasetException.at(file, "label " + l + " of record " + r + " is out of range [0, " + numClasses + ")");
                }
                labels[start + r] = l;
                in.readFully(pixels, (start + r) * IMAGE_BYTES, IMAGE_BYTES);
            }
        } catch (EOFException e) {
            throw DatasetException.at(file, "truncated: file ended while reading " + count + " records", e);
        } catch (IOException e) {
            throw DatasetException.at(file, "cannot read: " + e.getMessage(), e);
        }
        return start + count;
    }

    /** Names from a one-name-per-line file when it exists, else "0".."k-1". */
    private static List<String> classNames(Path file, int k) {
        if (!Files.isRegularFile(file)) return ImageDataset.numberedClasses(k);
        List<String> names = DataFiles.readNonBlankLines(file);
        if (names.size() != k) {
            throw DatasetException.at(file, "lists " + names.size() + " class names, expected " + k);
        }
        return names;
    }
}
