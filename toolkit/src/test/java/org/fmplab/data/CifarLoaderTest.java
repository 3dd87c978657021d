package org.fmplab.data;

import static org.fmplab.data.Fixtures.assertFails;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarLoaderTest {
    private static final List<String> CIFAR10_NAMES = List.of("airplane", "automobile", "bird", "cat", "deer", "dog",
            "frog", "horse", "ship", "truck");

    @TempDir
    Path dir;

    /** Records of image ids {@code first..first+labels.length-1}: label byte(s) then the R, G, B planes. */
    private static Path batch(Path file, int first, int[][] labels) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int r = 0; r < labels.length; r++) {
            for (int l : labels[r]) out.write(l);
            out.write(Fixtures.images(first + r + 1, 3, 32, 32), (first + r) * CifarLoader.IMAGE_BYTES, CifarLoader.IMAGE_BYTES);
        }
        Files.createDirectories(file.getParent());
        return Files.write(file, out.toByteArray());
    }

    /** A CIFAR-10 tree inside the archive's own folder: five batches of 2 records, a test batch of 3. */
    private Path cifar10Tree(boolean withMeta) throws IOException {
        Path bin = dir.resolve("cifar-10-batches-bin");
        for (int b = 1; b <= 5; b++) batch(bin.resolve("data_batch_" + b + ".bin"), 2 * (b - 1), new int[][] {{b}, {9 - b}});
        batch(bin.resolve("test_batch.bin"), 0, new int[][] {{0}, {9}, {5}});
        if (withMeta) Fixtures.text(bin.resolve("batches.meta.txt"), String.join("\n", CIFAR10_NAMES) + "\n\n");
        return bin;
    }

    @Test
    void loadsCifar10BatchesInOrderWithPlanesAsChannels() throws IOException {
        cifar10Tree(true);
        DataSplit split = CifarLoader.cifar10(dir); // the folder holding cifar-10-batches-bin/ works too
        ImageDataset train = split.train();
        assertEquals("cifar10-train", train.name());
        assertEquals(10, train.size());
        assertEquals(3, train.channels());
        assertEquals(32, train.height());
        assertEquals(32, train.width());
        assertArrayEquals(new int[] {1, 8, 2, 7, 3, 6, 4, 5, 5, 4}, train.labels());
        assertArrayEquals(Fixtures.images(10, 3, 32, 32), train.pixels());
        // record bytes 1 + 1024 + 32*5 + 7 is green, row 5, column 7 of image 7
        assertEquals(Fixtures.value(7, 1, 5, 7) & 0xFF, train.pixel(7, 1, 5, 7));
        assertEquals(CIFAR10_NAMES, train.classNames());

        ImageDataset test = split.test();
        assertEquals(3, test.size());
        assertArrayEquals(new int[] {0, 9, 5}, test.labels());
        assertArrayEquals(Fixtures.images(3, 3, 32, 32), test.pixels());
    }

    @Test
    void classNamesAreNumberedWithoutMetaFile() throws IOException {
        Path bin = cifar10Tree(false);
        assertEquals(ImageDataset.numberedClasses(10), CifarLoader.cifar10(bin).train().classNames());
    }

    @Test
    void cifar100UsesTheFineLabelAndItsNames() throws IOException {
        Path bin = dir.resolve("cifar-100-binary");
        batch(bin.resolve("train.bin"), 0, new int[][] {{19, 99}, {0, 42}, {3, 0}});
        batch(bin.resolve("test.bin"), 0, new int[][] {{7, 63}});
        List<String> fine = ImageDataset.numberedClasses(100).stream().map(s -> "fine" + s).toList();
        Fixtures.text(bin.resolve("fine_label_names.txt"), String.join("\n", fine) + "\n");

        DataSplit split = CifarLoader.cifar100(bin);
        assertEquals(100, split.train().numClasses());
        assertArrayEquals(new int[] {99, 42, 0}, split.train().labels());
        assertArrayEquals(Fixtures.images(3, 3, 32, 32), split.train().pixels());
        assertArrayEquals(new int[] {63}, split.test().labels());
        assertEquals("fine99", split.train().classNames().get(99));
    }

    @Test
    void missingBatchIsNamed() throws IOException {
        Path bin = cifar10Tree(true);
        Files.delete(bin.resolve("data_batch_3.bin"));
        assertFails(() -> CifarLoader.cifar10(bin), bin.resolve("data_batch_3.bin"), "not found");
    }

    @Test
    void sizeNotAMultipleOfTheRecordIsRejected() throws IOException {
        Path bin = cifar10Tree(true);
        Files.write(bin.resolve("data_batch_2.bin"), new byte[] {1}, StandardOpenOption.APPEND);
        assertFails(() -> CifarLoader.cifar10(bin), bin.resolve("data_batch_2.bin"), "not a positive multiple of the record size 3073");
    }

    @Test
    void cifar100RecordSizeIs3074() throws IOException {
        Path file = batch(dir.resolve("train.bin"), 0, new int[][] {{1}}); // a CIFAR-10 record: one label byte
        assertFails(() -> CifarLoader.read(List.of(file), CifarLoader.Format.CIFAR100, "c", ImageDataset.numberedClasses(100)),
                file, "record size 3074");
    }

    @Test
    void labelOutOfRangeIsRejected() throws IOException {
        Path bin = cifar10Tree(true);
        batch(bin.resolve("test_batch.bin"), 0, new int[][] {{3}, {10}});
        DatasetException e = assertFails(() -> CifarLoader.cifar10(bin), bin.resolve("test_batch.bin"), "out of range [0, 10)");
        assertEquals(true, e.getMessage().contains("record 1"), e.getMessage());
    }

    @Test
    void cifar100FineLabelOutOfRangeIsRejected() throws IOException {
        Path file = batch(dir.resolve("train.bin"), 0, new int[][] {{5, 100}});
        assertFails(() -> CifarLoader.read(List.of(file), CifarLoader.Format.CIFAR100, "c", ImageDataset.numberedClasses(100)),
                file, "label 100");
    }

    @Test
    void metaFileWithWrongNumberOfNamesIsRejected() throws IOException {
        Path bin = cifar10Tree(true);
        Fixtures.text(bin.resolve("batches.meta.txt"), "cat\ndog\n");
        assertFails(() -> CifarLoader.cifar10(bin), bin.resolve("batches.meta.txt"), "lists 2 class names, expected 10");
    }
}
