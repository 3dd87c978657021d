package org.fmplab.attack;

import java.util.LinkedHashMap;
import java.util.Map;
import org.fmplab.model.BatchTransform;
import org.fmplab.params.ParamSet;
import org.fmplab.params.ParamSpec;
import org.fmplab.params.Params;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * WaNet (Nguyen &amp; Tran 2021): warps the image with a fixed smooth flow field ({@link WarpField}).
 * As in the paper, the poisoned images are re-drawn in every training batch (rate × batch images
 * warped and relabelled) together with "noise" samples (the warp plus per-pixel random jitter, labels
 * kept; cross ratio × rate of each batch), all through {@link #trainingTransform(PoisonedDataset)};
 * {@code redraw = false} poisons one fixed set through the {@link Poisoner} instead (measured weaker:
 * docs/attacks.md). The field is seeded and saved with the attack.
 */
public final class WaNet implements Attack {
    static final String NAME = "wanet";
    /** WaNet's parameters. */
    public static final ParamSet PARAMS = ParamSet.of(NAME,
            ParamSpec.integer("k", 4, 2, 1024, "control-grid size of the warping field"),
            ParamSpec.real("s", 0.5, 0, 1000, "warping strength (0 = identity)"),
            ParamSpec.real("cross-ratio", 2, 0, 100, "noise-mode samples per poisoned sample"),
            ParamSpec.longInt("seed", 0, "seed of the field"),
            ParamSpec.bool("redraw", true, "re-draw the poisoned images in every batch (as the paper)"));
    private final int k;
    private final double strength;
    private final double crossRatio;
    private final long seed;
    private final boolean redraw;
    private WarpField field;

    /**
     * @param k          control-grid size, ≥ 2 (default 4)
     * @param strength   warping strength s, ≥ 0 (default 0.5; 0 = identity)
     * @param crossRatio noise samples per poisoned sample, ≥ 0 (default 2)
     * @param seed       seed of the field
     * @param redraw     re-draw the poisoned images in every batch (default, as the paper) instead of
     *                   poisoning one fixed set
     */
    public WaNet(int k, double strength, double crossRatio, long seed, boolean redraw) {
        this.k = PARAMS.checked("k", k);
        this.strength = PARAMS.checked("s", strength);
        this.crossRatio = PARAMS.checked("cross-ratio", crossRatio);
        this.seed = seed;
        this.redraw = redraw;
    }

    /** From registry parameters; defaults k = 4, s = 0.5, cross ratio 2, seed 0, redraw true. */
    static WaNet from(Params p) {
        return new WaNet(p.getInt("k"), p.getDouble("s"), p.getDouble("cross-ratio"), p.getLong("seed"), p.getBool("redraw"));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> params() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("k", k);
        m.put("s", strength);
        m.put("cross-ratio", crossRatio);
        m.put("seed", seed);
        m.put("redraw", redraw);
        return m;
    }

    @Override
    public INDArray apply(INDArray images, int[] sampleIds) {
        int[] s = shape(images);
        float[][] coords = field().coordinates(s[2], s[3], strength);
        return ImageOps.array(WarpField.sample(ImageOps.floats(images), s[0], s[1], s[2], s[3], coords), images.shape());
    }

    @Override
    public boolean poisonsOnTheFly() {
        return redraw;
    }

    @Override
    public BatchTransform trainingTransform(PoisonedDataset poisoned) {
        return OnTheFlyPoisoning.of(crossRatio, poisoned, this, (batch, rows, rng) -> {
            int[] s = shape(batch);
            float[][] coords = field().coordinates(s[2], s[3], strength);
            int plane = s[1] * s[2] * s[3];
            float[] all = ImageOps.floats(batch);
            float[] out = new float[rows.length * plane];
            for (int r = 0; r < rows.length; r++) {
                float[] one = java.util.Arrays.copyOfRange(all, rows[r] * plane, (rows[r] + 1) * plane);
                float[] warped = WarpField.sample(one, 1, s[1], s[2], s[3], WarpField.jitter(coords, s[2], s[3], rng));
                System.arraycopy(warped, 0, out, r * plane, plane);
            }
            return ImageOps.array(out, rows.length, s[1], s[2], s[3]);
        });
    }

    @Override
    public synchronized Map<String, INDArray> state() {
        return Map.of("field", field().array());
    }

    @Override
    public synchronized void restoreState(Map<String, INDArray> state) {
        WarpField f = WarpField.of(Surrogate.require(state, "field"));
        if (f.k() != k) throw new IllegalArgumentException(NAME + ": saved field is " + f.k() + "x" + f.k() + " but k = " + k);
        field = f;
    }

    private synchronized WarpField field() {
        if (field == null) field = WarpField.random(k, seed);
        return field;
    }

    private static int[] shape(INDArray x) {
        return new int[] {(int) x.size(0), (int) x.size(1), (int) x.size(2), (int) x.size(3)};
    }
}
