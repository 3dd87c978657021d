package org.fmplab.viz;

import java.awt.image.BufferedImage;
import org.fmplab.data.ImageDataset;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Tiles images into one picture (rows of {@code columns} images, each scaled by an integer factor). */
public final class ImageGrid {
    private ImageGrid() { }

    /** Images [N,C,H,W] (C = 1 or 3) with values in [0,1] as a grid. */
    public static BufferedImage of(INDArray images, int columns, int scale) {
        if (images.rank() == 3) images = images.reshape(1, images.size(0), images.size(1), images.size(2));
        if (images.rank() != 4) throw new IllegalArgumentException("expected [N,C,H,W] or [C,H,W], got shape " + java.util.Arrays.toString(images.shape()));
        int n = (int) images.size(0), c = (int) images.size(1), h = (int) images.size(2), w = (int) images.size(3);
        if (c != 1 && c != 3) throw new IllegalArgumentException("expected 1 or 3 channels, got " + c);
        float[] px = images.dup('c').data().asFloat();
        int cols = Math.max(1, Math.min(columns, n));
        int rows = (n + cols - 1) / cols;
        int gap = 2;
        BufferedImage out = new BufferedImage(cols * (w * scale + gap) + gap, rows * (h * scale + gap) + gap, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < out.getHeight(); y++) for (int x = 0; x < out.getWidth(); x++) out.setRGB(x, y, 0xFFFFFF);
        for (int i = 0; i < n; i++) {
            int ox = gap + (i % cols) * (w * scale + gap), oy = gap + (i / cols) * (h * scale + gap);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int base = i * c * h * w + y * w + x;
                    int r = to8(px[base]);
                    int g = c == 3 ? to8(px[base + h * w]) : r;
                    int b = c == 3 ? to8(px[base + 2 * h * w]) : r;
                    int rgb = (r << 16) | (g << 8) | b;
                    for (int dy = 0; dy < scale; dy++) for (int dx = 0; dx < scale; dx++) out.setRGB(ox + x * scale + dx, oy + y * scale + dy, rgb);
                }
            }
        }
        return out;
    }

    /** The images at {@code indices} of a dataset as a grid. */
    public static BufferedImage of(ImageDataset data, int[] indices, int columns, int scale) {
        return of(data.features(indices), columns, scale);
    }

    private static int to8(float v) {
        return Math.max(0, Math.min(255, Math.round(v * 255f)));
    }
}
