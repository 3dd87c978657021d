package org.fmplab.data;

import static org.fmplab.data.Fixtures.assertFails;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared image plumbing: bilinear resize, crop, ImageIO conversion and the PPM reader. */
class PictureTest {
    @TempDir
    Path dir;

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) b[i] = (byte) v[i];
        return b;
    }

    @Test
    void bilinearUpscaleUsesHalfPixelCentres() {
        Picture p = new Picture(1, 1, 2, bytes(0, 100));
        Picture up = p.resize(1, 4);
        assertArrayEquals(bytes(0, 25, 75, 100), up.pixels());
    }

    @Test
    void halvingTheSizeAveragesEachTwoByTwoBlock() {
        Picture p = new Picture(1, 2, 4, bytes(0, 10, 20, 30, 40, 50, 60, 70));
        Picture down = p.resize(1, 2);
        assertArrayEquals(bytes(25, 45), down.pixels());
    }

    @Test
    void resizeKeepsSolidColoursPerChannelAndReturnsSameSizeUnchanged() {
        byte[] px = new byte[3 * 5 * 7];
        java.util.Arrays.fill(px, 0, 35, (byte) 200);
        java.util.Arrays.fill(px, 35, 70, (byte) 10);
        java.util.Arrays.fill(px, 70, 105, (byte) 255);
        Picture p = new Picture(3, 5, 7, px);
        Picture r = p.resize(32, 32);
        assertEquals(3 * 32 * 32, r.pixels().length);
        for (int i = 0; i < 1024; i++) {
            assertEquals(200, r.pixels()[i] & 0xFF);
            assertEquals(10, r.pixels()[1024 + i] & 0xFF);
            assertEquals(255, r.pixels()[2048 + i] & 0xFF);
        }
        assertSame(p, p.resize(5, 7));
    }

    @Test
    void cropTakesTheRectanglePerChannel() {
        Picture p = new Picture(2, 2, 3, bytes(1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 15, 16));
        Picture c = p.crop(1, 0, 3, 2);
        assertEquals(2, c.width());
        assertArrayEquals(bytes(2, 3, 5, 6, 12, 13, 15, 16), c.pixels());
    }

    @Test
    void greyImagesKeepTheirStoredValues() {
        // getRGB would convert linear grey to sRGB and change the values: we read the raster instead
        Picture p = Picture.fromBufferedImage(Fixtures.grayRamp(20, 3));
        assertEquals(1, p.channels());
        assertEquals(132, p.pixels()[2 * 20 + 13] & 0xFF); // 13 * 10 + 2
        assertEquals(3, p.toRgb().channels());
        assertEquals(132, p.toRgb().pixels()[2 * 60 + 2 * 20 + 13] & 0xFF);
    }

    @Test
    void colourImagesBecomeRgbPlanes() {
        Picture p = Picture.fromBufferedImage(Fixtures.solid(4, 2, 0x123456));
        assertEquals(3, p.channels());
        assertEquals(0x12, p.pixels()[0] & 0xFF);
        assertEquals(0x34, p.pixels()[8] & 0xFF);
        assertEquals(0x56, p.pixels()[16 + 7] & 0xFF);
    }

    @Test
    void ppmWithCommentsIsReadAsChw() throws IOException {
        byte[] chw = Fixtures.images(1, 3, 3, 5);
        Path file = Fixtures.ppm(dir.resolve("a.ppm"), 5, 3, chw);
        Picture p = Ppm.read(file);
        assertEquals(3, p.channels());
        assertEquals(3, p.height());
        assertEquals(5, p.width());
        assertArrayEquals(chw, p.pixels());
    }

    @Test
    void ppmHeaderCommentsMayAppearBetweenAnyFields() throws IOException {
        Path file = dir.resolve("b.ppm");
        byte[] head = "P6 # magic\n2 # width\n# a full comment line\n1\n255\n".getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[head.length + 6];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(bytes(10, 20, 30, 40, 50, 60), 0, all, head.length, 6);
        Files.write(file, all);
        assertArrayEquals(bytes(10, 40, 20, 50, 30, 60), Ppm.read(file).pixels());
    }

    @Test
    void badPpmHeadersAreRejectedNamingTheFile() throws IOException {
        Path ascii = Fixtures.text(dir.resolve("ascii.ppm"), "P3\n1 1\n255\n0 0 0\n");
        assertFails(() -> Ppm.read(ascii), ascii, "bad PPM header: expected magic \"P6\"");
        Path deep = Fixtures.text(dir.resolve("deep.ppm"), "P6\n1 1\n65535\n");
        assertFails(() -> Ppm.read(deep), deep, "maxval 65535");
        Path noHeight = Fixtures.text(dir.resolve("noheight.ppm"), "P6\n4 x\n255\n");
        assertFails(() -> Ppm.read(noHeight), noHeight, "expected a number for height");
        Path zero = Fixtures.text(dir.resolve("zero.ppm"), "P6\n0 4\n255\n");
        assertFails(() -> Ppm.read(zero), zero, "bad PPM header: image size 0x4");
    }

    @Test
    void truncatedPpmIsRejected() throws IOException {
        Path file = Fixtures.text(dir.resolve("short.ppm"), "P6\n2 2\n255\nabcdefghi");
        assertFails(() -> Ppm.read(file), file, "truncated");
    }

    @Test
    void missingPpmIsNamed() {
        Path file = dir.resolve("gone.ppm");
        assertFails(() -> Ppm.read(file), file, "not found");
    }
}
