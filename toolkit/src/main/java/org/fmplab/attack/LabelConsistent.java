package org.fmplab.attack;

import java.util.LinkedHashMap;
import java.util.Map;
import org.fmplab.params.ParamSet;
import org.fmplab.params.ParamSpec;
import org.fmplab.params.Params;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

/**
 * LC, the label-consistent attack (Turner et al. 2019), clean-label: the poisoned target-class images
 * are first made hard to classify by a PGD adversarial perturbation (L∞ ≤ ε) against a {@link Surrogate}
 * we train on the attacker's data, moving each image away from the surrogate's prediction for it,
 * then get a size×size black-and-white checkerboard at full amplitude in the bottom-right corner.
 * Labels are unchanged. Test images get the checkerboard only ({@link #applyTest}).
 */
public final class LabelConsistent implements Attack {
    static final String NAME = "lc";
    /** LC's parameters. */
    public static final ParamSet PARAMS = ParamSet.of(NAME,
            ParamSpec.real("eps", 8, 0, 255, "L-inf budget of the adversarial perturbation in pixel units"),
            ParamSpec.realAbove("step-size", 1.5, 0, 255, "PGD step in pixel units"),
            ParamSpec.integerAtLeast("steps", 100, 0, "PGD steps"),
            ParamSpec.integerAtLeast("size", 3, 1, "checkerboard side in pixels"),
            ParamSpec.integerAtLeast("surrogate-images", 10000, 10, "images to train the surrogate on"),
            ParamSpec.integerAtLeast("surrogate-epochs", 2, 1, "surrogate training epochs"),
            ParamSpec.longInt("seed", 0, "surrogate seed"));
    private static final String SURROGATE = "surrogate_";
    private final double eps;
    private final double stepSize;
    private final int steps;
    private final int size;
    private final int surrogateImages;
    private final int surrogateEpochs;
    private final long seed;
    private Surrogate surrogate;

    /**
     * @param eps             L∞ budget of the perturbation in pixel units, in [0, 255] (default 8)
     * @param stepSize        PGD step in pixel units, > 0 (default 1.5)
     * @param steps           PGD steps, ≥ 0 (default 100)
     * @param size            checkerboard side in pixels, ≥ 1 (default 3)
     * @param surrogateImages images to train the surrogate on, ≥ 10 (default 10000)
     * @param surrogateEpochs its epochs, ≥ 1 (default 2)
     * @param seed            surrogate seed
     */
    public LabelConsistent(double eps, double stepSize, int steps, int size, int surrogateImages, int surrogateEpochs,
                           long seed) {
        this.eps = PARAMS.checked("eps", eps);
        this.stepSize = PARAMS.checked("step-size", stepSize);
        this.steps = PARAMS.checked("steps", steps);
        this.size = PARAMS.checked("size", size);
        this.surrogateImages = PARAMS.checked("surrogate-images", surrogateImages);
        this.surrogateEpochs = PARAMS.checked("surrogate-epochs", surrogateEpochs);
        this.seed = seed;
    }

    /** From registry parameters; defaults ε = 8/255, step 1.5/255, 100 steps, 3×3 checkerboard. */
    static LabelConsistent from(Params p) {
        return new LabelConsistent(p.getDouble("eps"), p.getDouble("step-size"), p.getInt("steps"), p.getInt("size"),
                p.getInt("surrogate-images"), p.getInt("surrogate-epochs"), p.getLong("seed"));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> params() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("eps", eps);
        m.put("step-size", stepSize);
        m.put("steps", steps);
        m.put("size", size);
        m.put("surrogate-images", surrogateImages);
        m.put("surrogate-epochs", surrogateEpochs);
        m.put("seed", seed);
        return m;
    }

    @Override
    public boolean cleanLabel() {
        return true;
    }

    @Override
    public synchronized void prepare(AttackContext context) {
        if (surrogate == null) {
            surrogate = Surrogate.train(context.train(), surrogateImages, surrogateEpochs, seed, context.listener());
        }
    }

    /** Adversarial perturbation (PGD on the surrogate) followed by the checkerboard. */
    @Override
    public INDArray apply(INDArray images, int[] sampleIds) {
        Surrogate s;
        synchronized (this) {
            Check.prepared(NAME, surrogate != null);
            s = surrogate;
        }
        return stamp(perturb(s, images));
    }

    /** The checkerboard only. */
    @Override
    public INDArray applyTest(INDArray images, int[] sampleIds) {
        return stamp(images.dup());
    }

    /** PGD without random start: x_{t+1} = clip01(Π_ε(x_t + step·sign(∇ CE(f(x_t), f(x))))). */
    private INDArray perturb(Surrogate s, INDArray x) {
        if (steps == 0 || eps == 0) return x.dup();
        int[] away = s.predict(x);
        INDArray lo = x.sub(eps / 255), hi = x.add(eps / 255);
        INDArray adv = x.dup();
        for (int t = 0; t < steps; t++) {
            INDArray g = s.inputGradient(adv, away);
            adv.addi(Transforms.sign(g).muli(stepSize / 255));
            adv = ImageOps.clip01(Transforms.min(Transforms.max(adv, lo, false), hi, false));
        }
        return adv;
    }

    // Black/white checkerboard in the bottom-right corner of every channel, in place.
    private INDArray stamp(INDArray x) {
        long h = x.size(2), w = x.size(3);
        if (size > Math.min(h, w)) throw new IllegalArgumentException(NAME + ": size = " + size + " does not fit a " + h + "x" + w + " image");
        for (int r = 0; r < size; r++) {
            for (int c = 0; c < size; c++) {
                x.get(all(), all(), point(h - size + r), point(w - size + c)).assign(Patterns.checker(r, c, size));
            }
        }
        return x;
    }

    @Override
    public synchronized Map<String, INDArray> state() {
        return surrogate == null ? Map.of() : surrogate.state(SURROGATE);
    }

    @Override
    public synchronized void restoreState(Map<String, INDArray> state) {
        surrogate = Surrogate.restore(state, SURROGATE);
    }
}
