package org.fmplab.attack;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * WaNet's warping: a k×k×2 flow field (uniform in [−1,1], divided by its mean absolute value),
 * bicubically upsampled (align corners) to the image, added to the identity sampling grid with
 * strength s/H, clipped to the image, and applied by bilinear sampling. Coordinates are kept in
 * pixels: a grid offset g in [−1,1] units moves (W − 1)/2 · g pixels.
 */
final class WarpField {
    private static final double CUBIC_A = -0.75;
    private final int k;
    private final float[] field; // [2,k,k]: channel 0 moves x (columns), channel 1 moves y (rows)

    private WarpField(int k, float[] field) {
        this.k = k;
        this.field = field;
    }

    /** The seeded random field. */
    static WarpField random(int k, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] f = new float[2 * k * k];
        double meanAbs = 0;
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) (rng.nextDouble() * 2 - 1);
            meanAbs += Math.abs(f[i]);
        }
        meanAbs /= f.length;
        for (int i = 0; i < f.length; i++) f[i] = (float) (f[i] / meanAbs);
        return new WarpField(k, f);
    }

    /** A field from its saved [2,k,k] array. */
    static WarpField of(INDArray a) {
        if (a.rank() != 3 || a.size(0) != 2 || a.size(1) != a.size(2)) {
            throw new IllegalArgumentException("wanet: 'field' must be [2,k,k], got " + java.util.Arrays.toString(a.shape()));
        }
        return new WarpField((int) a.size(1), ImageOps.floats(a));
    }

    int k() {
        return k;
    }

    INDArray array() {
        return ImageOps.array(field.clone(), 2, k, k);
    }

    /**
     * Source coordinates {x[h·w], y[h·w]} of every output pixel for strength s, clipped to the image.
     */
    float[][] coordinates(int h, int w, double s) {
        float[] up = upsampleBicubic(h, w);
        float[] sx = new float[h * w], sy = new float[h * w];
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < w; j++) {
                int p = i * w + j;
                sx[p] = clamp(j + (float) (s * up[p] / h * (w - 1) / 2.0), w - 1);
                sy[p] = clamp(i + (float) (s * up[h * w + p] / h * (h - 1) / 2.0), h - 1);
            }
        }
        return new float[][] {sx, sy};
    }

    /** WaNet's noise grid: the coordinates plus uniform jitter in [−1,1]/H grid units, clipped again. */
    static float[][] jitter(float[][] coords, int h, int w, SplittableRandom rng) {
        float[] sx = coords[0].clone(), sy = coords[1].clone();
        for (int p = 0; p < sx.length; p++) {
            sx[p] = clamp(sx[p] + (float) ((rng.nextDouble() * 2 - 1) / h * (w - 1) / 2.0), w - 1);
            sy[p] = clamp(sy[p] + (float) ((rng.nextDouble() * 2 - 1) / h * (h - 1) / 2.0), h - 1);
        }
        return new float[][] {sx, sy};
    }

    /** Bilinear sampling of every channel of every image of a [N,C,H,W] batch at the coordinates. */
    static float[] sample(float[] images, int n, int c, int h, int w, float[][] coords) {
        float[] out = new float[images.length];
        float[] sx = coords[0], sy = coords[1];
        int plane = h * w;
        for (int p = 0; p < plane; p++) {
            int x0 = (int) Math.floor(sx[p]), y0 = (int) Math.floor(sy[p]);
            int x1 = Math.min(w - 1, x0 + 1), y1 = Math.min(h - 1, y0 + 1);
            float fx = sx[p] - x0, fy = sy[p] - y0;
            for (int img = 0; img < n * c; img++) {
                int b = img * plane;
                float top = (1 - fx) * images[b + y0 * w + x0] + fx * images[b + y0 * w + x1];
                float bottom = (1 - fx) * images[b + y1 * w + x0] + fx * images[b + y1 * w + x1];
                out[b + p] = (1 - fy) * top + fy * bottom;
            }
        }
        return out;
    }

    // Bicubic (a = −0.75, align corners, clamped borders) upsampling of the field to [2,h,w].
    private float[] upsampleBicubic(int h, int w) {
        float[] out = new float[2 * h * w];
        for (int ch = 0; ch < 2; ch++) {
            for (int i = 0; i < h; i++) {
                double ry = h > 1 ? i * (k - 1.0) / (h - 1) : 0;
                int iy = (int) Math.floor(ry);
                double[] wy = cubicWeights(ry - iy);
                for (int j = 0; j < w; j++) {
                    double rx = w > 1 ? j * (k - 1.0) / (w - 1) : 0;
                    int ix = (int) Math.floor(rx);
                    double[] wx = cubicWeights(rx - ix);
                    double v = 0;
                    for (int a = 0; a < 4; a++) {
                        int yy = Math.min(k - 1, Math.max(0, iy - 1 + a));
                        for (int b = 0; b < 4; b++) {
                            int xx = Math.min(k - 1, Math.max(0, ix - 1 + b));
                            v += wy[a] * wx[b] * field[(ch * k + yy) * k + xx];
                        }
                    }
                    out[(ch * h + i) * w + j] = (float) v;
                }
            }
        }
        return out;
    }

    private static double[] cubicWeights(double t) {
        return new double[] {cubic2(t + 1), cubic1(t), cubic1(1 - t), cubic2(2 - t)};
    }

    private static double cubic1(double x) { // |x| <= 1
        return ((CUBIC_A + 2) * x - (CUBIC_A + 3)) * x * x + 1;
    }

    private static double cubic2(double x) { // 1 < |x| < 2
        return ((CUBIC_A * x - 5 * CUBIC_A) * x + 8 * CUBIC_A) * x - 4 * CUBIC_A;
    }

    private static float clamp(float v, int hi) {
        return Math.max(0f, Math.min(hi, v));
    }
}
