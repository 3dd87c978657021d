package org.fmplab.attack;

import java.util.LinkedHashMap;
import java.util.Map;
import org.fmplab.params.ParamSet;
import org.fmplab.params.ParamSpec;
import org.fmplab.params.Params;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * BadNets (Gu et al.): a square patch of constant value stamped onto every channel.
 *
 * @param size   patch side in pixels (default 3)
 * @param margin distance of the patch from the bottom-right corner in pixels (default 0)
 * @param value  patch value in [0,1] (default 1 = white)
 */
public record BadNets(int size, int margin, double value) implements Attack {
    static final String NAME = "badnets";

    /** BadNets' parameters. */
    public static final ParamSet PARAMS = ParamSet.of(NAME,
            ParamSpec.integerAtLeast("size", 3, 1, "patch side in pixels"),
            ParamSpec.integerAtLeast("margin", 0, 0, "distance from the bottom-right corner in pixels"),
            ParamSpec.real("value", 1, 0, 1, "patch value (1 = white)"));

    public BadNets {
        PARAMS.checked("size", size);
        PARAMS.checked("margin", margin);
        PARAMS.checked("value", value);
    }

    static BadNets from(Params p) {
        return new BadNets(p.getInt("size"), p.getInt("margin"), p.getDouble("value"));
    }

    /** 3×3 white square in the bottom-right corner. */
    public BadNets() {
        this(3, 0, 1.0);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> params() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("size", size);
        m.put("margin", margin);
        m.put("value", value);
        return m;
    }

    @Override
    public INDArray apply(INDArray images, int[] sampleIds) {
        long h = images.size(2), w = images.size(3);
        if (size + margin > Math.min(h, w)) {
            throw new IllegalArgumentException("patch size " + size + " + margin " + margin + " does not fit a " + h + "x" + w + " image");
        }
        INDArray out = images.dup();
        out.get(NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.interval(h - margin - size, h - margin),
                NDArrayIndex.interval(w - margin - size, w - margin)).assign(value);
        return out;
    }
}
