package org.fmplab.data;

import java.nio.file.Path;

/**
 * A reader for binary PPM ("P6") files with maxval 255, as used by GTSRB. The header is the magic
 * {@code P6}, then width, height and maxval as decimal numbers separated by whitespace, where a
 * {@code #} starts a comment that runs to the end of the line; one whitespace byte then separates the
 * header from the interleaved RGB bytes.
 */
final class Ppm {
    private static final int MAX_SIDE = 1 << 15;

    private final Path file;
    private final byte[] data;
    private int pos;

    private Ppm(Path file, byte[] data) {
        this.file = file;
        this.data = data;
    }

    /**
     * Reads a P6 file into a 3-channel picture.
     *
     * @throws DatasetException naming the file when it is missing, has a bad header or is truncated
     */
    static Picture read(Path file) {
        return new Ppm(file, DataFiles.readAllBytes(file)).parse();
    }

    private Picture parse() {
        if (data.length < 2 || data[0] != 'P' || data[1] != '6') {
            throw bad("expected magic \"P6\" (binary RGB PPM)");
        }
        pos = 2;
        int width = number("width");
        int height = number("height");
        int maxval = number("maxval");
        if (width <= 0 || height <= 0 || width > MAX_SIDE || height > MAX_SIDE) {
            throw bad("image size " + width + "x" + height + " is outside 1.." + MAX_SIDE);
        }
        if (maxval != 255) throw bad("maxval " + maxval + " is not supported (only 255)");
        if (pos >= data.length || !whitespace(data[pos])) throw bad("no whitespace after maxval");
        pos++;
        long need = 3L * width * height;
        if (data.length - pos < need) {
            throw DatasetException.at(file, "truncated: header says " + width + "x" + height + " RGB (" + need
                    + " bytes) but only " + (data.length - pos) + " bytes follow");
        }
        return Picture.fromInterleaved(data, pos, 3, height, width);
    }

    /** Skips whitespace and comments, then reads one unsigned decimal number. */
    private int number(String what) {
        int start = pos;
        while (pos < data.length && (whitespace(data[pos]) || data[pos] == '#')) {
            if (data[pos] == '#') {
                while (pos < data.length && data[pos] != '\n' && data[pos] != '\r') pos++;
            } else {
                pos++;
            }
        }
        if (pos == start) throw bad("expected whitespace before " + what);
        long value = 0;
        int digits = 0;
        while (pos < data.length && data[pos] >= '0' && data[pos] <= '9') {
            value = value * 10 + (data[pos++] - '0');
            if (value > Integer.MAX_VALUE) throw bad(what + " is too large");
            digits++;
        }
        if (digits == 0) throw bad("expected a number for " + what);
        return (int) value;
    }

    private DatasetException bad(String problem) {
        return DatasetException.at(file, "bad PPM header: " + problem);
    }

    private static boolean whitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0b || b == 0x0c;
    }
}
