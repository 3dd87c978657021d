package org.fmplab.data;

import static org.fmplab.data.Fixtures.assertFails;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GtsrbLoaderTest {
    private static final String HEADER = "Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2;ClassId\n";

    @TempDir
    Path root;

    /** A w×h RGB image of one colour, with the inclusive box (x1,y1)-(x2,y2) in another. */
    private static byte[] boxed(int w, int h, int[] outside, int[] inside, int x1, int y1, int x2, int y2) {
        byte[] chw = new byte[3 * w * h];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    boolean in = x >= x1 && x <= x2 && y >= y1 && y <= y2;
                    chw[(c * h + y) * w + x] = (byte) (in ? inside[c] : outside[c]);
                }
        return chw;
    }

    private static byte[] solid(int w, int h, int r, int g, int b) {
        return boxed(w, h, new int[] {r, g, b}, new int[] {r, g, b}, 0, 0, 0, 0);
    }

    private Path trainClass(String folder) {
        return root.resolve("Final_Training").resolve("Images").resolve(folder);
    }

    private Path testImages() {
        return root.resolve("Final_Test").resolve("Images");
    }

    /** Class 0: two images (40x36 red, 29x31 green); class 2: one 50x50 blue; test: two images. */
    private void officialTree() throws IOException {
        Fixtures.ppm(trainClass("00000").resolve("00000_00000.ppm"), 40, 36, solid(40, 36, 255, 0, 0));
        Fixtures.ppm(trainClass("00000").resolve("00000_00001.ppm"), 29, 31, solid(29, 31, 0, 255, 0));
        Fixtures.text(trainClass("00000").resolve("GT-00000.csv"), HEADER
                + "00000_00000.ppm;40;36;5;5;34;30;0\n00000_00001.ppm;29;31;5;5;23;25;0\n");
        Fixtures.ppm(trainClass("00002").resolve("00002_00000.ppm"), 50, 50, solid(50, 50, 0, 0, 255));
        Fixtures.text(trainClass("00002").resolve("GT-00002.csv"), HEADER + "00002_00000.ppm;50;50;5;5;44;44;2\n");
        Fixtures.ppm(testImages().resolve("00000.ppm"), 33, 35, solid(33, 35, 10, 20, 30));
        Fixtures.ppm(testImages().resolve("00001.ppm"), 64, 64, solid(64, 64, 200, 100, 0));
        Fixtures.text(root.resolve("GT-final_test.csv"), HEADER + "00000.ppm;33;35;5;6;27;29;42\n00001.ppm;64;64;5;5;58;58;14\n");
    }

    @Test
    void loadsOfficialLayoutResizedTo32() throws IOException {
        officialTree();
        DataSplit split = GtsrbLoader.load(root);
        ImageDataset train = split.train();
        assertEquals("gtsrb-train", train.name());
        assertEquals(3, train.size());
        assertEquals(3, train.channels());
        assertEquals(32, train.height());
        assertEquals(32, train.width());
        assertArrayEquals(new int[] {0, 0, 2}, train.labels());
        assertEquals(43, train.numClasses());
        assertEquals("Stop", train.classNames().get(14));
        assertEquals(255, train.pixel(0, 0, 17, 3));
        assertEquals(0, train.pixel(0, 1, 17, 3));
        assertEquals(255, train.pixel(1, 1, 31, 31));
        assertEquals(255, train.pixel(2, 2, 0, 0));

        ImageDataset test = split.test();
        assertArrayEquals(new int[] {42, 14}, test.labels());
        assertEquals(30, test.pixel(0, 2, 5, 5));
        assertEquals(100, test.pixel(1, 1, 31, 0));
    }

    @Test
    void sizeParameterAndArchiveFolderAreHonoured() throws IOException {
        Path outer = root;
        root = outer.resolve("GTSRB"); // as unzipped: OUTER/GTSRB/Final_Training/...
        officialTree();
        Files.move(root.resolve("GT-final_test.csv"), outer.resolve("GT-final_test.csv"));
        DataSplit split = GtsrbLoader.load(outer, 8, false);
        assertEquals(8, split.train().height());
        assertEquals(8, split.test().width());
        assertEquals(3, split.train().size());
    }

    @Test
    void groundTruthCsvMayLieInTheTestImagesFolder() throws IOException {
        officialTree();
        Files.move(root.resolve("GT-final_test.csv"), testImages().resolve("GT-final_test.csv"));
        assertArrayEquals(new int[] {42, 14}, GtsrbLoader.loadTest(root, 32, false).labels());
    }

    @Test
    void cropToRoiKeepsOnlyTheSign() throws IOException {
        // 12x10 blue image with a red sign at (3,2)-(8,7) inclusive
        Fixtures.ppm(trainClass("00005").resolve("a.ppm"), 12, 10, boxed(12, 10, new int[] {0, 0, 255}, new int[] {255, 0, 0}, 3, 2, 8, 7));
        Fixtures.text(trainClass("00005").resolve("GT-00005.csv"), HEADER + "a.ppm;12;10;3;2;8;7;5\n");
        ImageDataset cropped = GtsrbLoader.loadTrain(root, 6, true);
        for (int y = 0; y < 6; y++)
            for (int x = 0; x < 6; x++) {
                assertEquals(255, cropped.pixel(0, 0, y, x));
                assertEquals(0, cropped.pixel(0, 2, y, x));
            }
        ImageDataset whole = GtsrbLoader.loadTrain(root, 6, false);
        assertEquals(255, whole.pixel(0, 2, 0, 0)); // the blue border is still there
        assertEquals(5, whole.label(0));
    }

    @Test
    void missingClassCsvIsNamed() throws IOException {
        officialTree();
        Files.delete(trainClass("00002").resolve("GT-00002.csv"));
        assertFails(() -> GtsrbLoader.load(root), trainClass("00002").resolve("GT-00002.csv"), "not found");
    }

    @Test
    void missingGroundTruthCsvIsNamed() throws IOException {
        officialTree();
        Files.delete(root.resolve("GT-final_test.csv"));
        assertFails(() -> GtsrbLoader.loadTest(root, 32, false), root.resolve("GT-final_test.csv"), "not found");
    }

    @Test
    void missingImageIsNamed() throws IOException {
        officialTree();
        Fixtures.text(trainClass("00002").resolve("GT-00002.csv"), HEADER + "00002_00000.ppm;50;50;5;5;44;44;2\n00002_00009.ppm;50;50;5;5;44;44;2\n");
        assertFails(() -> GtsrbLoader.load(root), trainClass("00002").resolve("00002_00009.ppm"), "not found");
    }

    @Test
    void badPpmHeaderIsNamed() throws IOException {
        officialTree();
        Path bad = Fixtures.text(testImages().resolve("00001.ppm"), "P5\n64 64\n255\n");
        assertFails(() -> GtsrbLoader.load(root), bad, "bad PPM header");
    }

    @Test
    void classIdOutOfRangeIsNamed() throws IOException {
        officialTree();
        Path csv = Fixtures.text(trainClass("00002").resolve("GT-00002.csv"), HEADER + "00002_00000.ppm;50;50;5;5;44;44;43\n");
        assertFails(() -> GtsrbLoader.load(root), csv, "line 2: class id 43 is out of range [0, 43)");
    }

    @Test
    void csvWithoutClassIdColumnIsRejected() throws IOException {
        officialTree();
        // the test archive's own GT-final_test.test.csv has no ClassId: pointing at it must fail clearly
        Path csv = Fixtures.text(root.resolve("GT-final_test.csv"), "Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2\n00000.ppm;33;35;5;6;27;29\n");
        assertFails(() -> GtsrbLoader.loadTest(root, 32, false), csv, "no column ClassId");
    }

    @Test
    void malformedRowIsNamedWithItsLine() throws IOException {
        officialTree();
        Path csv = Fixtures.text(trainClass("00000").resolve("GT-00000.csv"), HEADER + "00000_00000.ppm;40;36;5;5;34;30;zero\n");
        assertFails(() -> GtsrbLoader.load(root), csv, "line 2: malformed row");
    }
}
