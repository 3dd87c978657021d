package org.fmplab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
    @TempDir
    Path dir;

    @Test
    void registryListsEveryDataset() {
        assertEquals(List.of("fashion-mnist", "mnist", "cifar10", "cifar100", "gtsrb", "tiny-imagenet", "folder"), Datasets.names());
    }

    @Test
    void unknownNameListsTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Datasets.load("imagenet", dir));
        assertTrue(e.getMessage().contains("'imagenet'"), e.getMessage());
        for (String name : Datasets.names()) assertTrue(e.getMessage().contains(name), e.getMessage());
    }

    @Test
    void defaultDirsAreDebiansForFashionMnistAndTheCacheOrDataRootOtherwise() {
        assertEquals(Path.of("/usr/share/datasets/fashion-mnist"), Datasets.defaultDir("fashion-mnist"));
        assertEquals(Path.of("datasets/cache/cifar10"), Datasets.defaultDir("cifar10", null));
        assertEquals(Path.of("/data/sets/gtsrb"), Datasets.defaultDir("gtsrb", "/data/sets"));
        assertEquals(Path.of("/usr/share/datasets/fashion-mnist"), Datasets.defaultDir("fashion-mnist", "/data/sets"));
    }

    @Test
    void missingDirectorySaysWhichFetchScriptToRun() {
        Path missing = dir.resolve("cifar10");
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.load("cifar10", missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("datasets/fetch-cifar10.sh"), e.getMessage());
        for (String name : List.of("mnist", "cifar100", "gtsrb", "tiny-imagenet")) {
            DatasetException m = assertThrows(DatasetException.class, () -> Datasets.load(name, missing));
            assertTrue(m.getMessage().contains("datasets/fetch-" + name + ".sh"), m.getMessage());
        }
    }

    @Test
    void missingFashionMnistSaysWhichPackageToInstall() {
        DatasetException e = assertThrows(DatasetException.class, () -> Datasets.load("fashion-mnist", dir.resolve("none")));
        assertTrue(e.getMessage().contains("apt-get install dataset-fashion-mnist"), e.getMessage());
    }

    @Test
    void loadsThroughTheRegistry() throws IOException {
        Fixtures.idx(dir.resolve("train-images-idx3-ubyte.gz"), IdxLoader.IMAGES_MAGIC, new int[] {2, 2, 2}, new byte[8], true);
        Fixtures.idx(dir.resolve("train-labels-idx1-ubyte.gz"), IdxLoader.LABELS_MAGIC, new int[] {2}, new byte[] {3, 9}, true);
        Fixtures.idx(dir.resolve("t10k-images-idx3-ubyte.gz"), IdxLoader.IMAGES_MAGIC, new int[] {1, 2, 2}, new byte[4], true);
        Fixtures.idx(dir.resolve("t10k-labels-idx1-ubyte.gz"), IdxLoader.LABELS_MAGIC, new int[] {1}, new byte[] {1}, true);
        DataSplit split = Datasets.load("MNIST", dir);
        assertEquals("mnist-train", split.train().name());
        assertArrayEquals(new int[] {3, 9}, split.train().labels());
        assertEquals(ImageDataset.numberedClasses(10), split.test().classNames());
    }

    /** The real Fashion-MNIST of Debian's dataset-fashion-mnist package (installed by ./fmplab setup). */
    @Test
    void loadsTheRealFashionMnist() {
        DataSplit split = Datasets.load("fashion-mnist");
        ImageDataset train = split.train();
        ImageDataset test = split.test();
        assertEquals(60000, train.size());
        assertEquals(10000, test.size());
        for (ImageDataset ds : List.of(train, test)) {
            assertEquals(1, ds.channels());
            assertEquals(28, ds.height());
            assertEquals(28, ds.width());
            assertEquals(10, ds.numClasses());
        }
        assertEquals(Datasets.FASHION_MNIST_CLASSES, train.classNames());
        assertEquals("Ankle boot", train.classNames().get(9));
        // Fashion-MNIST is balanced: 6000 training and 1000 test images per class
        for (int c = 0; c < 10; c++) {
            assertEquals(6000, train.classCounts()[c]);
            assertEquals(1000, test.classCounts()[c]);
        }
        // the first training image is an ankle boot, the first test image too (as in the upstream README)
        assertEquals(9, train.label(0));
        assertEquals(9, test.label(0));
    }
}
