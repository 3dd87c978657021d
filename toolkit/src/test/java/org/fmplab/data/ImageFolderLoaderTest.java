package org.fmplab.data;

import static org.fmplab.data.Fixtures.assertFails;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderLoaderTest {
    @TempDir
    Path root;

    /** Tiny-ImageNet layout with 8x8 JPEGs: n01 red (2 train), n02 blue (1 train); 2 val images. */
    private Path tinyTree() throws IOException {
        Path base = root.resolve("tiny-imagenet-200");
        Fixtures.text(base.resolve("wnids.txt"), "n01\nn02\n");
        Fixtures.text(base.resolve("words.txt"), "n00\tentity\nn01\tgoldfish, Carassius auratus\nn02\tEuropean fire salamander, Salamandra salamandra\n");
        Fixtures.write(base.resolve("train/n01/images/n01_0.JPEG"), Fixtures.solid(8, 8, 0xFF0000), "jpeg");
        Fixtures.write(base.resolve("train/n01/images/n01_1.JPEG"), Fixtures.solid(8, 8, 0xFF0000), "jpeg");
        Fixtures.text(base.resolve("train/n01/n01_boxes.txt"), "n01_0.JPEG\t0\t0\t7\t7\n");
        Fixtures.write(base.resolve("train/n02/images/n02_0.JPEG"), Fixtures.solid(8, 8, 0x0000FF), "jpeg");
        Fixtures.write(base.resolve("val/images/val_0.JPEG"), Fixtures.solid(8, 8, 0x0000FF), "jpeg");
        Fixtures.write(base.resolve("val/images/val_1.JPEG"), Fixtures.solid(8, 8, 0xFF0000), "jpeg");
        Fixtures.text(base.resolve("val/val_annotations.txt"), "val_0.JPEG\tn02\t0\t0\t7\t7\nval_1.JPEG\tn01\t1\t1\t6\t6\n");
        return base;
    }

    private static void assertNear(int expected, int actual) {
        assertTrue(Math.abs(expected - actual) <= 4, () -> "expected about " + expected + ", got " + actual);
    }

    @Test
    void loadsTinyImageNetWithWordsAsClassNamesAndValAsTest() throws IOException {
        tinyTree();
        DataSplit split = ImageFolderLoader.tinyImageNet(root); // the folder holding tiny-imagenet-200/
        ImageDataset train = split.train();
        assertEquals("tiny-imagenet-train", train.name());
        assertEquals(3, train.size());
        assertEquals(3, train.channels());
        assertEquals(8, train.height());
        assertEquals(8, train.width());
        assertArrayEquals(new int[] {0, 0, 1}, train.labels());
        assertEquals(List.of("goldfish", "European fire salamander"), train.classNames());
        assertNear(255, train.pixel(1, 0, 4, 4));
        assertNear(0, train.pixel(1, 2, 4, 4));
        assertNear(255, train.pixel(2, 2, 7, 0));

        ImageDataset test = split.test();
        assertArrayEquals(new int[] {1, 0}, test.labels());
        assertNear(255, test.pixel(0, 2, 3, 3));
        assertNear(255, test.pixel(1, 0, 3, 3));
    }

    @Test
    void tinyImageNetResizesAndFallsBackToWnidsWithoutWords() throws IOException {
        Path base = tinyTree();
        Files.delete(base.resolve("words.txt"));
        DataSplit split = ImageFolderLoader.tinyImageNet(base, 4);
        assertEquals(4, split.train().height());
        assertEquals(4, split.test().width());
        assertEquals(List.of("n01", "n02"), split.test().classNames());
    }

    @Test
    void unknownClassInAnnotationsIsNamed() throws IOException {
        Path base = tinyTree();
        Path ann = Fixtures.text(base.resolve("val/val_annotations.txt"), "val_0.JPEG\tn02\t0\t0\t7\t7\nval_1.JPEG\tn77\t1\t1\t6\t6\n");
        assertFails(() -> ImageFolderLoader.tinyImageNet(base), ann, "line 2: unknown class 'n77'");
    }

    @Test
    void unreadableImageIsNamed() throws IOException {
        Path base = tinyTree();
        Path broken = Fixtures.text(base.resolve("train/n02/images/n02_1.JPEG"), "this is not a JPEG");
        assertFails(() -> ImageFolderLoader.tinyImageNet(base), broken, "unreadable image");
    }

    @Test
    void missingValImageIsNamed() throws IOException {
        Path base = tinyTree();
        Files.delete(base.resolve("val/images/val_1.JPEG"));
        assertFails(() -> ImageFolderLoader.tinyImageNet(base), base.resolve("val/images/val_1.JPEG"), "not found");
    }

    @Test
    void emptyClassFolderIsNamed() throws IOException {
        Path base = tinyTree();
        Files.delete(base.resolve("train/n02/images/n02_0.JPEG"));
        DatasetException e = assertFails(() -> ImageFolderLoader.tinyImageNet(base), base.resolve("train/n02/images"), "empty folder");
        assertTrue(e.getMessage().contains("n02"), e.getMessage());
    }

    @Test
    void missingWnidsIsNamed() throws IOException {
        Path base = tinyTree();
        Files.delete(base.resolve("wnids.txt"));
        assertFails(() -> ImageFolderLoader.tinyImageNet(base), base.resolve("wnids.txt"), "not found");
    }

    /** Generic layout with exact (PNG) greyscale images: cat (2), dog (1); test: cat (1). */
    private void grayFolders() throws IOException {
        Fixtures.write(root.resolve("train/cat/a.png"), Fixtures.grayRamp(6, 5), "png");
        Fixtures.write(root.resolve("train/cat/b.PNG"), Fixtures.grayRamp(6, 5), "png");
        Fixtures.text(root.resolve("train/cat/notes.txt"), "not an image, ignored");
        Fixtures.write(root.resolve("train/dog/c.png"), Fixtures.grayRamp(6, 5), "png");
        Fixtures.write(root.resolve("test/cat/d.png"), Fixtures.grayRamp(6, 5), "png");
    }

    @Test
    void allGreyFoldersKeepOneChannelAndExactValues() throws IOException {
        grayFolders();
        DataSplit split = ImageFolderLoader.folders(root);
        ImageDataset train = split.train();
        assertEquals(List.of("cat", "dog"), train.classNames());
        assertArrayEquals(new int[] {0, 0, 1}, train.labels());
        assertEquals(1, train.channels());
        assertEquals(5, train.height());
        assertEquals(6, train.width());
        assertEquals((5 * 10 + 3) % 256, train.pixel(2, 0, 3, 5));
        assertArrayEquals(new int[] {0}, split.test().labels());
        assertEquals(1, split.test().channels());
    }

    @Test
    void oneColourImageMakesBothSplitsRgb() throws IOException {
        grayFolders();
        Fixtures.write(root.resolve("test/dog/e.jpg"), Fixtures.solid(6, 5, 0x00FF00), "jpeg");
        DataSplit split = ImageFolderLoader.folders(root);
        assertEquals(3, split.train().channels());
        assertEquals(3, split.test().channels());
        for (int c = 0; c < 3; c++) assertEquals(23, split.train().pixel(0, c, 3, 2)); // grey repeated: 2*10+3
        assertArrayEquals(new int[] {0, 1}, split.test().labels());
        assertNear(255, split.test().pixel(1, 1, 2, 2));
    }

    @Test
    void differentSizesNeedAResize() throws IOException {
        grayFolders();
        Path big = Fixtures.write(root.resolve("train/dog/z.png"), Fixtures.grayRamp(9, 9), "png");
        assertFails(() -> ImageFolderLoader.folders(root), big, "pass a size");
        DataSplit resized = ImageFolderLoader.folders(root, 3);
        assertEquals(3, resized.train().height());
        assertEquals(4, resized.train().size());
    }

    @Test
    void unknownTestClassFolderIsNamed() throws IOException {
        grayFolders();
        Fixtures.write(root.resolve("test/bird/f.png"), Fixtures.grayRamp(6, 5), "png");
        assertFails(() -> ImageFolderLoader.folders(root), root.resolve("test/bird"), "unknown class 'bird'");
    }

    @Test
    void emptyFoldersAreNamed() throws IOException {
        grayFolders();
        Files.createDirectories(root.resolve("train/emu"));
        assertFails(() -> ImageFolderLoader.folders(root), root.resolve("train/emu"), "empty folder");
    }

    @Test
    void missingTestFolderIsNamed() throws IOException {
        grayFolders();
        Files.delete(root.resolve("test/cat/d.png"));
        Files.delete(root.resolve("test/cat"));
        Files.delete(root.resolve("test"));
        assertFails(() -> ImageFolderLoader.folders(root), root.resolve("test"), "not found");
    }
}
