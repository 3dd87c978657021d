package org.fmplab.data;

import static org.fmplab.data.Fixtures.assertFails;
import static org.fmplab.data.Fixtures.idx;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxLoaderTest {
    private static final List<String> CLASSES = ImageDataset.numberedClasses(10);

    @TempDir
    Path dir;

    private Path writeImages(String name, int n, int rows, int cols, boolean gzip) throws IOException {
        return idx(dir.resolve(name), IdxLoader.IMAGES_MAGIC, new int[] {n, rows, cols}, Fixtures.images(n, 1, rows, cols), gzip);
    }

    private Path writeLabels(String name, byte[] labels, boolean gzip) throws IOException {
        return idx(dir.resolve(name), IdxLoader.LABELS_MAGIC, new int[] {labels.length}, labels, gzip);
    }

    private void writeStandardFour() throws IOException {
        writeImages("train-images-idx3-ubyte.gz", 5, 3, 4, true);
        writeLabels("train-labels-idx1-ubyte.gz", new byte[] {0, 9, 3, 3, 7}, true);
        writeImages("t10k-images-idx3-ubyte", 2, 3, 4, false);
        writeLabels("t10k-labels-idx1-ubyte", new byte[] {1, 2}, false);
    }

    @Test
    void loadsGzippedTrainAndRawTestWithShapesLabelsPixelsAndNames() throws IOException {
        writeStandardFour();
        DataSplit split = IdxLoader.load(dir, "toy", CLASSES);

        ImageDataset train = split.train();
        assertEquals("toy-train", train.name());
        assertEquals(5, train.size());
        assertEquals(1, train.channels());
        assertEquals(3, train.height());
        assertEquals(4, train.width());
        assertArrayEquals(new int[] {0, 9, 3, 3, 7}, train.labels());
        assertArrayEquals(Fixtures.images(5, 1, 3, 4), train.pixels());
        assertEquals(Fixtures.value(4, 0, 2, 3) & 0xFF, train.pixel(4, 0, 2, 3));
        assertEquals(CLASSES, train.classNames());

        ImageDataset test = split.test();
        assertEquals("toy-test", test.name());
        assertEquals(2, test.size());
        assertArrayEquals(new int[] {1, 2}, test.labels());
        assertArrayEquals(Fixtures.images(2, 1, 3, 4), test.pixels());
    }

    @Test
    void detectsGzipByMagicBytesNotByFileName() throws IOException {
        Path img = writeImages("raw-named.gz", 3, 2, 2, false);
        Path lab = writeLabels("gzipped-named.bin", new byte[] {4, 5, 6}, true);
        ImageDataset ds = IdxLoader.read(img, lab, "mixed", CLASSES);
        assertArrayEquals(new int[] {4, 5, 6}, ds.labels());
        assertArrayEquals(Fixtures.images(3, 1, 2, 2), ds.pixels());
    }

    @Test
    void missingFileIsNamed() throws IOException {
        writeStandardFour();
        Files.delete(dir.resolve("train-labels-idx1-ubyte.gz"));
        assertFails(() -> IdxLoader.load(dir, "toy", CLASSES), dir.resolve("train-labels-idx1-ubyte.gz"), "not found");
    }

    @Test
    void missingDirectoryIsNamed() {
        Path missing = dir.resolve("nowhere");
        assertFails(() -> IdxLoader.load(missing, "toy", CLASSES), missing, "not found");
    }

    @Test
    void truncatedImagesFileIsRejected() throws IOException {
        Path img = idx(dir.resolve("short-images"), IdxLoader.IMAGES_MAGIC, new int[] {5, 3, 4}, Fixtures.images(4, 1, 3, 4), true);
        Path lab = writeLabels("labels", new byte[5], false);
        assertFails(() -> IdxLoader.read(img, lab, "t", CLASSES), img, "truncated");
    }

    @Test
    void headerClaimingHugeImagesFailsAsTruncatedWithoutAllocatingThem() throws IOException {
        // 2000 images of 1000x1000 would be 2 GB: the loader must not allocate that for a 10-byte body
        Path img = idx(dir.resolve("liar"), IdxLoader.IMAGES_MAGIC, new int[] {2000, 1000, 1000}, new byte[10], false);
        Path lab = writeLabels("labels", new byte[1], false);
        assertFails(() -> IdxLoader.read(img, lab, "t", CLASSES), img, "ends after 10 of 2000000000 bytes");
    }

    @Test
    void fileEndingInsideTheHeaderIsTruncated() throws IOException {
        Path img = dir.resolve("header-only");
        Files.write(img, new byte[] {0, 0, 8, 3, 0, 0});
        Path lab = writeLabels("labels", new byte[1], false);
        assertFails(() -> IdxLoader.read(img, lab, "t", CLASSES), img, "truncated");
    }

    @Test
    void truncatedLabelsFileIsRejected() throws IOException {
        Path img = writeImages("images", 3, 2, 2, false);
        Path lab = idx(dir.resolve("short-labels"), IdxLoader.LABELS_MAGIC, new int[] {3}, new byte[] {1, 2}, false);
        assertFails(() -> IdxLoader.read(img, lab, "t", CLASSES), lab, "truncated");
    }

    @Test
    void wrongMagicNumberIsRejected() throws IOException {
        Path img = writeImages("images", 2, 2, 2, false);
        Path lab = writeLabels("labels", new byte[] {0, 1}, false);
        // labels passed where images are expected, and the other way round
        assertFails(() -> IdxLoader.read(lab, img, "t", CLASSES), lab, "wrong magic number 0x00000801");
        Path bad = idx(dir.resolve("bad-labels"), 0x00000803, new int[] {2}, new byte[] {0, 1}, false);
        assertFails(() -> IdxLoader.read(img, bad, "t", CLASSES), bad, "wrong magic number");
    }

    @Test
    void labelOutOfRangeIsRejected() throws IOException {
        Path img = writeImages("images", 3, 2, 2, false);
        Path lab = writeLabels("labels", new byte[] {0, 10, 1}, false);
        DatasetException e = assertFails(() -> IdxLoader.read(img, lab, "t", CLASSES), lab, "out of range");
        assertEquals(true, e.getMessage().contains("label 10 of item 1"), e.getMessage());
    }

    @Test
    void imageAndLabelCountMismatchIsRejected() throws IOException {
        Path img = writeImages("images", 5, 2, 2, false);
        Path lab = writeLabels("labels", new byte[4], false);
        DatasetException e = assertFails(() -> IdxLoader.read(img, lab, "t", CLASSES), lab, "holds 4 labels");
        assertEquals(true, e.getMessage().contains("5 images"), e.getMessage());
    }

    @Test
    void zeroRowsAreWrongDimensions() throws IOException {
        Path img = idx(dir.resolve("flat"), IdxLoader.IMAGES_MAGIC, new int[] {2, 0, 28}, new byte[0], false);
        Path lab = writeLabels("labels", new byte[2], false);
        assertFails(() -> IdxLoader.read(img, lab, "t", CLASSES), img, "wrong dimensions");
    }

    @Test
    void emptyFilesLoadAsEmptyDatasets() throws IOException {
        Path img = writeImages("images", 0, 2, 2, false);
        Path lab = writeLabels("labels", new byte[0], false);
        ImageDataset ds = IdxLoader.read(img, lab, "empty", CLASSES);
        assertEquals(0, ds.size());
        assertEquals(Arrays.asList(2, 2), Arrays.asList(ds.height(), ds.width()));
    }
}
