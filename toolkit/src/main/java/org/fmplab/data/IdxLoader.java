package org.fmplab.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads MNIST-style IDX files (MNIST, Fashion-MNIST, KMNIST...): big-endian, images with magic
 * {@code 0x00000803} (count, rows, columns, then unsigned bytes) and labels with magic
 * {@code 0x00000801} (count, then one unsigned byte each). Files may be gzipped or raw; gzip is detected
 * from the first two bytes, not from the name. Images come back as 1×rows×cols datasets.
 */
public final class IdxLoader {
    /** Magic number of an IDX file of unsigned-byte images (3 dimensions). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an IDX file of unsigned-byte labels (1 dimension). */
    public static final int LABELS_MAGIC = 0x00000801;

    private IdxLoader() {
    }

    /**
     * Loads the standard four files of {@code dir}: {@code train-images-idx3-ubyte}, {@code
     * train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}, each either
     * with or without a {@code .gz} suffix.
     *
     * @param name       dataset name; the parts are called {@code name-train} and {@code name-test}
     * @param classNames one name per label value
     * @throws DatasetException naming the file when one is missing, truncated or malformed
     */
    public static DataSplit load(Path dir, String name, List<String> classNames) {
        DataFiles.requireDir(dir);
        ImageDataset train = read(find(dir, "train-images-idx3-ubyte"), find(dir, "train-labels-idx1-ubyte"),
                name + "-train", classNames);
        ImageDataset test = read(find(dir, "t10k-images-idx3-ubyte"), find(dir, "t10k-labels-idx1-ubyte"),
                name + "-test", classNames);
        return new DataSplit(train, test);
    }

    /**
     * Reads one images file and its labels file into a dataset of 1×rows×cols images.
     *
     * @throws DatasetException naming the file when it is missing or truncated, has the wrong magic
     *                          number or zero-sized images, has a label outside {@code classNames}, or when
     *                          the two files hold different numbers of items
     */
    public static ImageDataset read(Path images, Path labels, String name, List<String> classNames) {
        RawImages img = readImages(images);
        int[] lab = readLabels(labels, classNames.size());
        if (lab.length != img.count) {
            throw DatasetException.at(labels, "holds " + lab.length + " labels but " + images.getFileName()
                    + " holds " + img.count + " images");
        }
        return ImageDataset.wrap(name, img.pixels, lab, 1, img.rows, img.cols, classNames);
    }

    private record RawImages(int count, int rows, int cols, byte[] pixels) {
    }

    private static RawImages readImages(Path file) {
        try (DataInputStream in = DataFiles.openData(file)) {
            int count;
            int rows;
            int cols;
            try {
                checkMagic(file, in.readInt(), IMAGES_MAGIC, "images");
                count = in.readInt();
                rows = in.readInt();
                cols = in.readInt();
            } catch (EOFException e) {
                throw DatasetException.at(file, "truncated: file ends inside the 16-byte IDX header", e);
            }
            if (count < 0 || rows <= 0 || cols <= 0) {
                throw DatasetException.at(file, "wrong dimensions " + count + " images of " + rows + "x" + cols
                        + " (count must be >= 0, rows and columns > 0)");
            }
            long total = (long) count * rows * cols;
            if (total > Integer.MAX_VALUE - 8) {
                throw DatasetException.at(file, "too large: " + count + " images of " + rows + "x" + cols);
            }
            byte[] pixels = DataFiles.readExactly(in, (int) total, file, count + " images of " + rows + "x" + cols);
            return new RawImages(count, rows, cols, pixels);
        } catch (IOException e) {
            throw DatasetException.at(file, "cannot read: " + e.getMessage(), e);
        }
    }

    private static int[] readLabels(Path file, int numClasses) {
        try (DataInputStream in = DataFiles.openData(file)) {
            int count;
            try {
                checkMagic(file, in.readInt(), LABELS_MAGIC, "labels");
                count = in.readInt();
            } catch (EOFException e) {
                throw DatasetException.at(file, "truncated: file ends inside the 8-byte IDX header", e);
            }
            if (count < 0) throw DatasetException.at(file, "wrong dimensions: negative label count " + count);
            byte[] raw = DataFiles.readExactly(in, count, file, count + " labels");
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                int l = raw[i] & 0xFF;
                if (l >= numClasses) {
                    throw DatasetException.at(file, "label " + l + " of item " + i + " is out of range [0, " + numClasses + ")");
                }
                labels[i] = l;
            }
            return labels;
        } catch (IOException e) {
            throw DatasetException.at(file, "cannot read: " + e.getMessage(), e);
        }
    }

    private static void checkMagic(Path file, int magic, int expected, String what) {
        if (magic != expected) {
            throw DatasetException.at(file, String.format("wrong magic number 0x%08x, expected 0x%08x (IDX %s)",
                    magic, expected, what));
        }
    }

    private static Path find(Path dir, String base) {
        return DataFiles.firstExisting(List.of(dir.resolve(base + ".gz"), dir.resolve(base)));
    }
}
