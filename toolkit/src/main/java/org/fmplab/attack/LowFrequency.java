package org.fmplab.attack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fmplab.data.ImageDataset;
import org.fmplab.data.Subsets;
import org.fmplab.params.ParamSet;
import org.fmplab.params.ParamSpec;
import org.fmplab.params.Params;
import org.fmplab.progress.ProgressTracker;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * LF, the low-frequency trigger (Zeng et al. 2021): a smooth additive pattern. {@link #prepare} trains
 * a clean {@link Surrogate} on the attacker's data and optimises a targeted universal perturbation
 * towards the target class on it (signed gradient steps on batches of non-target images), with a
 * Gaussian low-pass filter after every update and the perturbation kept within ±max; the result is
 * rescaled to [0, max] pixel units and added to images (then clipped).
 */
public final class LowFrequency extends PatternAttack {
    static final String NAME = "lf";
    /** LF's parameters. */
    public static final ParamSet PARAMS = ParamSet.of(NAME,
            ParamSpec.real("sigma", 6, 0, 1000, "Gaussian low-pass width in pixels"),
            ParamSpec.realAbove("max", 51, 0, 255, "largest pattern value in pixel units"),
            ParamSpec.integerAtLeast("steps", 300, 1, "optimisation steps of the universal pattern"),
            ParamSpec.realAbove("step-size", 4, 0, 255, "optimisation step in pixel units"),
            ParamSpec.integerAtLeast("batch", 64, 1, "images per optimisation step"),
            ParamSpec.integerAtLeast("surrogate-images", 10000, 10, "images to train the surrogate on"),
            ParamSpec.integerAtLeast("surrogate-epochs", 2, 1, "surrogate training epochs"),
            ParamSpec.longInt("seed", 0, "seed of the surrogate and the batches"));
    private final double sigma;
    private final double max;
    private final int steps;
    private final double stepSize;
    private final int batch;
    private final int surrogateImages;
    private final int surrogateEpochs;
    private final long seed;
    private INDArray pattern; // [C,H,W] in [0, max/255] once prepared

    /**
     * @param sigma           Gaussian low-pass σ in pixels, ≥ 0 (default 6)
     * @param max             pattern range [0, max] in pixel units, in (0, 255] (default 51)
     * @param steps           universal-perturbation updates, ≥ 1 (default 300)
     * @param stepSize        signed step per update in pixel units, > 0 (default 4)
     * @param batch           images per update, ≥ 1 (default 64)
     * @param surrogateImages images to train the clean model on, ≥ 10 (default 10000)
     * @param surrogateEpochs its epochs, ≥ 1 (default 2)
     * @param seed            seed of the clean model and of the batches
     */
    public LowFrequency(double sigma, double max, int steps, double stepSize, int batch, int surrogateImages,
                        int surrogateEpochs, long seed) {
        this.sigma = PARAMS.checked("sigma", sigma);
        this.max = PARAMS.checked("max", max);
        this.steps = PARAMS.checked("steps", steps);
        this.stepSize = PARAMS.checked("step-size", stepSize);
        this.batch = PARAMS.checked("batch", batch);
        this.surrogateImages = PARAMS.checked("surrogate-images", surrogateImages);
        this.surrogateEpochs = PARAMS.checked("surrogate-epochs", surrogateEpochs);
        this.seed = seed;
    }

    /** From registry parameters; defaults as documented on the constructor (σ = 6, range [0, 51]). */
    static LowFrequency from(Params p) {
        return new LowFrequency(p.getDouble("sigma"), p.getDouble("max"), p.getInt("steps"), p.getDouble("step-size"),
                p.getInt("batch"), p.getInt("surrogate-images"), p.getInt("surrogate-epochs"), p.getLong("seed"));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> params() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sigma", sigma);
        m.put("max", max);
        m.put("steps", steps);
        m.put("step-size", stepSize);
        m.put("batch", batch);
        m.put("surrogate-images", surrogateImages);
        m.put("surrogate-epochs", surrogateEpochs);
        m.put("seed", seed);
        return m;
    }

    @Override
    public synchronized void prepare(AttackContext context) {
        if (pattern != null) return;
        ImageDataset train = context.train();
        Surrogate clean = Surrogate.train(train, surrogateImages, surrogateEpochs, seed, context.listener());
        int[] pool = nonTarget(train, context.config());
        int c = train.channels(), h = train.height(), w = train.width();
        float eps = (float) (max / 255);
        float[] delta = new float[c * h * w];
        ProgressTracker tracker = new ProgressTracker(context.listener(), "lf pattern", "step", steps);
        int[] order = Subsets.shuffled(pool.length, seed);
        for (int s = 0, pos = 0; s < steps; s++) {
            int[] idx = new int[Math.min(batch, pool.length)];
            int[] targets = new int[idx.length];
            for (int k = 0; k < idx.length; k++, pos++) {
                idx[k] = pool[order[pos % pool.length]];
                targets[k] = context.config().mode().targetFor(train.label(idx[k]), context.config().target(), train.numClasses());
            }
            INDArray x0 = train.features(idx);
            INDArray x = ImageOps.clip01(x0.add(ImageOps.broadcast(ImageOps.array(delta, c, h, w), x0)));
            float[] g = ImageOps.floats(clean.inputGradient(x, targets).sum(0));
            for (int i = 0; i < delta.length; i++) delta[i] -= (float) (stepSize / 255 * Math.signum(g[i]));
            ImageOps.gaussianBlur(delta, c, h, w, sigma);
            for (int i = 0; i < delta.length; i++) delta[i] = Math.max(-eps, Math.min(eps, delta[i]));
            tracker.step(1, Map.of());
        }
        pattern = ImageOps.array(rescale(delta, eps), c, h, w);
    }

    /** The additive pattern [C,H,W] in [0, max/255] (the shape it was prepared for). */
    @Override
    public synchronized INDArray pattern(int c, int h, int w) {
        Check.prepared(NAME, pattern != null);
        if (pattern.size(0) != c || pattern.size(1) != h || pattern.size(2) != w) {
            throw new IllegalArgumentException(NAME + ": pattern was prepared for " + pattern.size(0) + "x" + pattern.size(1) + "x"
                    + pattern.size(2) + " images, got " + c + "x" + h + "x" + w);
        }
        return pattern;
    }

    @Override
    INDArray combine(INDArray images, INDArray p) {
        return additive(images, p);
    }

    @Override
    public synchronized Map<String, INDArray> state() {
        return pattern == null ? Map.of() : Map.of("pattern", pattern.dup());
    }

    @Override
    public synchronized void restoreState(Map<String, INDArray> state) {
        INDArray p = Surrogate.require(state, "pattern");
        if (p.rank() != 3) throw new IllegalArgumentException(NAME + ": 'pattern' must be [C,H,W], got rank " + p.rank());
        pattern = p.castTo(DataType.FLOAT).dup();
    }

    // Min-max rescale to [0, eps]; a constant perturbation gives the zero pattern.
    private static float[] rescale(float[] d, float eps) {
        float lo = Float.MAX_VALUE, hi = -Float.MAX_VALUE;
        for (float v : d) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        float[] out = new float[d.length];
        if (hi > lo) for (int i = 0; i < d.length; i++) out[i] = (d[i] - lo) / (hi - lo) * eps;
        return out;
    }

    // Images whose label differs from their attack target: the ones the pattern must move.
    static int[] nonTarget(ImageDataset train, PoisonConfig config) {
        List<Integer> pool = new ArrayList<>();
        for (int i = 0; i < train.size(); i++) {
            int l = train.label(i);
            if (config.mode().targetFor(l, config.target(), train.numClasses()) != l) pool.add(i);
        }
        return pool.stream().mapToInt(Integer::intValue).toArray();
    }
}
