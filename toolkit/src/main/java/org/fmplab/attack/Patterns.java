package org.fmplab.attack;

import java.util.SplittableRandom;

/** Procedural trigger patterns (no third-party artwork): seeded textures and checkerboards. */
final class Patterns {
    private Patterns() { }

    /**
     * A seeded multi-octave value-noise texture [C,H,W] with values in [0,1]: random grids of 2, 4 and 8
     * cells per side, bilinearly upsampled and summed with halving weights, then stretched to [0,1]
     * per channel. Different seeds give unrelated textures; the same seed the same texture.
     */
    static float[] texture(int c, int h, int w, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] out = new float[c * h * w];
        double weight = 1;
        for (int cells = 2; cells <= 8; cells *= 2, weight /= 2) {
            float[] grid = new float[c * (cells + 1) * (cells + 1)];
            for (int i = 0; i < grid.length; i++) grid[i] = (float) rng.nextDouble();
            float[] up = ImageOps.resizeBilinear(grid, c, cells + 1, cells + 1, h, w);
            for (int i = 0; i < out.length; i++) out[i] += (float) (weight * up[i]);
        }
        int plane = h * w;
        for (int ch = 0; ch < c; ch++) {
            float lo = Float.MAX_VALUE, hi = -Float.MAX_VALUE;
            for (int i = ch * plane; i < (ch + 1) * plane; i++) {
                lo = Math.min(lo, out[i]);
                hi = Math.max(hi, out[i]);
            }
            float span = hi > lo ? hi - lo : 1;
            for (int i = ch * plane; i < (ch + 1) * plane; i++) out[i] = (out[i] - lo) / span;
        }
        return out;
    }

    /**
     * Value of a {@code size}×{@code size} checkerboard whose bottom-right cell is white (1) at
     * cell (row, col) counted from the patch's top-left corner.
     */
    static float checker(int row, int col, int size) {
        return ((size - 1 - row) + (size - 1 - col)) % 2 == 0 ? 1f : 0f;
    }
}
