package org.fmplab.data;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.function.Executable;

/** Writes small dataset files in the exact on-disk formats, for the loader tests. */
final class Fixtures {
    private Fixtures() {
    }

    /** An IDX file: big-endian magic, the dimensions, then the bytes; gzipped when asked. */
    static Path idx(Path file, int magic, int[] dims, byte[] data, boolean gzip) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(magic);
            for (int d : dims) out.writeInt(d);
            out.write(data);
        }
        byte[] raw = bytes.toByteArray();
        Files.createDirectories(file.getParent());
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(raw);
        }
        return file;
    }

    /** Pixel value of image i at (y, x) in the synthetic IDX/CIFAR data: a simple function of all three. */
    static byte value(int i, int c, int y, int x) {
        return (byte) (i * 31 + c * 17 + y * 7 + x * 3);
    }

    /** n synthetic images of c×h×w in CHW order. */
    static byte[] images(int n, int c, int h, int w) {
        byte[] px = new byte[n * c * h * w];
        int o = 0;
        for (int i = 0; i < n; i++)
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++) px[o++] = value(i, ch, y, x);
        return px;
    }

    /** A binary PPM (P6, maxval 255) with a comment line, from a CHW RGB image. */
    static Path ppm(Path file, int w, int h, byte[] chw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(("P6\n# written by the FMP Lab tests\n" + w + " " + h + "\n255\n").getBytes(StandardCharsets.US_ASCII));
        int plane = w * h;
        for (int p = 0; p < plane; p++)
            for (int c = 0; c < 3; c++) out.write(chw[c * plane + p]);
        Files.createDirectories(file.getParent());
        Files.write(file, out.toByteArray());
        return file;
    }

    /** A solid-colour RGB image. */
    static BufferedImage solid(int w, int h, int rgb) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) img.setRGB(x, y, rgb);
        return img;
    }

    /** A greyscale image whose pixel (x, y) is (x * 10 + y) mod 256. */
    static BufferedImage grayRamp(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) img.getRaster().setSample(x, y, 0, (x * 10 + y) % 256);
        return img;
    }

    static Path write(Path file, BufferedImage img, String format) throws IOException {
        Files.createDirectories(file.getParent());
        if (!ImageIO.write(img, format, file.toFile())) throw new IOException("no ImageIO writer for " + format);
        return file;
    }

    static Path text(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content);
    }

    /** Asserts that {@code call} throws a DatasetException whose message names {@code file} and contains {@code problem}. */
    static DatasetException assertFails(Executable call, Path file, String problem) {
        DatasetException e = assertThrows(DatasetException.class, call);
        assertTrue(e.getMessage().contains(file.getFileName().toString()),
                () -> "message should name " + file.getFileName() + ": " + e.getMessage());
        assertTrue(e.getMessage().contains(problem), () -> "message should say '" + problem + "': " + e.getMessage());
        return e;
    }
}
