package org.fmplab.data;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;

/**
 * One decoded image as CHW unsigned bytes: the common currency of the file-per-image loaders (GTSRB
 * PPMs, PNG/JPEG folders) before images are packed into an {@link ImageDataset}.
 */
record Picture(int channels, int height, int width, byte[] pixels) {

    Picture {
        if ((long) channels * height * width != pixels.length) {
            throw new IllegalArgumentException("pixel count " + pixels.length + " does not match " + channels + "x" + height + "x" + width);
        }
    }

    /** Converts interleaved HWC bytes (as in PPM files) to a CHW picture. */
    static Picture fromInterleaved(byte[] hwc, int offset, int channels, int height, int width) {
        int plane = height * width;
        byte[] chw = new byte[channels * plane];
        for (int p = 0, i = offset; p < plane; p++) {
            for (int c = 0; c < channels; c++) chw[c * plane + p] = hwc[i++];
        }
        return new Picture(channels, height, width, chw);
    }

    /**
     * Converts a decoded image: single-colour-component images (grey, grey+alpha) keep one channel read
     * from the raster as stored (no colour-space conversion, which would change grey values); all others
     * become sRGB with three channels. Alpha is dropped.
     */
    static Picture fromBufferedImage(BufferedImage img) {
        int h = img.getHeight();
        int w = img.getWidth();
        int plane = h * w;
        if (img.getColorModel().getNumColorComponents() == 1) {
            Raster r = img.getRaster();
            int[] samples = r.getSamples(0, 0, w, h, 0, (int[]) null);
            int bits = r.getSampleModel().getSampleSize(0);
            byte[] out = new byte[plane];
            for (int p = 0; p < plane; p++) {
                // 8-bit as stored; 16-bit keeps the high byte; 1/2/4-bit are stretched to 0..255
                int v = bits >= 8 ? samples[p] >>> (bits - 8) : samples[p] * 255 / ((1 << bits) - 1);
                out[p] = (byte) v;
            }
            return new Picture(1, h, w, out);
        }
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        byte[] out = new byte[3 * plane];
        for (int p = 0; p < plane; p++) {
            int v = argb[p];
            out[p] = (byte) (v >>> 16);
            out[plane + p] = (byte) (v >>> 8);
            out[2 * plane + p] = (byte) v;
        }
        return new Picture(3, h, w, out);
    }

    /** This picture with three channels: grey is repeated, colour is returned as it is. */
    Picture toRgb() {
        if (channels == 3) return this;
        if (channels != 1) throw new IllegalArgumentException("cannot convert " + channels + " channels to RGB");
        byte[] out = new byte[3 * pixels.length];
        for (int c = 0; c < 3; c++) System.arraycopy(pixels, 0, out, c * pixels.length, pixels.length);
        return new Picture(3, height, width, out);
    }

    /** The rectangle [x0, x1) × [y0, y1) of this picture. */
    Picture crop(int x0, int y0, int x1, int y1) {
        if (x0 < 0 || y0 < 0 || x1 > width || y1 > height || x0 >= x1 || y0 >= y1) {
            throw new IllegalArgumentException("crop [" + x0 + "," + x1 + ")x[" + y0 + "," + y1 + ") outside " + width + "x" + height);
        }
        int cw = x1 - x0;
        int ch = y1 - y0;
        byte[] out = new byte[channels * ch * cw];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < ch; y++) {
                System.arraycopy(pixels, (c * height + y0 + y) * width + x0, out, (c * ch + y) * cw, cw);
            }
        }
        return new Picture(channels, ch, cw, out);
    }

    /**
     * Bilinear resize with pixel centres aligned (the "half-pixel" convention of PIL and OpenCV, without
     * antialiasing), rounding to the nearest byte. Returns this picture when the size already matches.
     */
    Picture resize(int outH, int outW) {
        if (outH <= 0 || outW <= 0) throw new IllegalArgumentException("resize target must be positive, got " + outH + "x" + outW);
        if (outH == height && outW == width) return this;
        int[] x0 = new int[outW];
        int[] x1 = new int[outW];
        float[] fx = new float[outW];
        axis(width, outW, x0, x1, fx);
        int[] y0 = new int[outH];
        int[] y1 = new int[outH];
        float[] fy = new float[outH];
        axis(height, outH, y0, y1, fy);
        byte[] out = new byte[channels * outH * outW];
        for (int c = 0; c < channels; c++) {
            int base = c * height * width;
            for (int y = 0; y < outH; y++) {
                int r0 = base + y0[y] * width;
                int r1 = base + y1[y] * width;
                float wy = fy[y];
                int o = (c * outH + y) * outW;
                for (int x = 0; x < outW; x++) {
                    float top = (pixels[r0 + x0[x]] & 0xFF) * (1 - fx[x]) + (pixels[r0 + x1[x]] & 0xFF) * fx[x];
                    float bottom = (pixels[r1 + x0[x]] & 0xFF) * (1 - fx[x]) + (pixels[r1 + x1[x]] & 0xFF) * fx[x];
                    out[o + x] = (byte) Math.min(255, (int) (top * (1 - wy) + bottom * wy + 0.5f));
                }
            }
        }
        return new Picture(channels, outH, outW, out);
    }

    /** For each output coordinate: the two source neighbours and the weight of the second. */
    private static void axis(int in, int out, int[] lo, int[] hi, float[] frac) {
        double scale = (double) in / out;
        for (int i = 0; i < out; i++) {
            double s = Math.max(0, (i + 0.5) * scale - 0.5);
            int a = Math.min((int) s, in - 1);
            lo[i] = a;
            hi[i] = Math.min(a + 1, in - 1);
            frac[i] = (float) (s - a);
        }
    }
}
