package org.fmplab.attack;

import java.util.LinkedHashMap;
import java.util.Map;
import org.fmplab.params.ParamSet;
import org.fmplab.params.ParamSpec;
import org.fmplab.params.Params;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * SIG (Barni et al. 2019): adds a horizontal sinusoid v(i, j) = Δ·sin(2π·j·f / W) (in 0-255 pixel
 * units) to every row and channel, then clips. Clean-label by default (victims from the target class,
 * labels unchanged); {@code dirty = true} poisons non-target images and relabels them.
 */
public final class Sig extends PatternAttack {
    static final String NAME = "sig";
    /** SIG's parameters. */
    public static final ParamSet PARAMS = ParamSet.of(NAME,
            ParamSpec.realAbove("delta", 40, 0, 255, "signal amplitude in pixel units"),
            ParamSpec.realAbove("frequency", 6, 0, 1e6, "signal frequency (periods across the image)"),
            ParamSpec.bool("dirty", false, "poison any class and relabel (false: clean-label, target-class images only)"));
    private final double delta;
    private final double frequency;
    private final boolean dirty;

    /**
     * @param delta     amplitude Δ in pixel units, in (0, 255], default 40
     * @param frequency number of periods f across the width, > 0, default 6
     * @param dirty     false (default): clean-label; true: dirty-label
     */
    public Sig(double delta, double frequency, boolean dirty) {
        this.delta = PARAMS.checked("delta", delta);
        this.frequency = PARAMS.checked("frequency", frequency);
        this.dirty = dirty;
    }

    /** From registry parameters; defaults Δ = 40, f = 6, clean-label. */
    static Sig from(Params p) {
        return new Sig(p.getDouble("delta"), p.getDouble("frequency"), p.getBool("dirty"));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> params() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("delta", delta);
        m.put("frequency", frequency);
        m.put("dirty", dirty);
        return m;
    }

    @Override
    public boolean cleanLabel() {
        return !dirty;
    }

    /** The signal v/255 as a [C,H,W] array. */
    @Override
    public INDArray pattern(int c, int h, int w) {
        float[] p = new float[c * h * w];
        for (int j = 0; j < w; j++) {
            float v = (float) (delta / 255.0 * Math.sin(2 * Math.PI * j * frequency / w));
            for (int ch = 0; ch < c; ch++) for (int i = 0; i < h; i++) p[(ch * h + i) * w + j] = v;
        }
        return ImageOps.array(p, c, h, w);
    }

    @Override
    INDArray combine(INDArray images, INDArray pattern) {
        return additive(images, pattern);
    }
}
