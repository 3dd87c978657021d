package org.fmplab.attack;

import java.util.LinkedHashMap;
import java.util.Map;
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
    public BadNets {
        if (size < 1) throw new IllegalArgumentException("size = " + size + " must be >= 1");
        if (margin < 0) throw new IllegalArgumentException("margin = " + margin + " must be >= 0");
        if (!(value >= 0 && value <= 1)) throw new IllegalArgumentException("value = " + value + " must be in [0, 1]");
    }

    /** 3×3 white square in the bottom-right corner. */
    public BadNets() {
        this(3, 0, 1.0);
    }

    @Override
    public String name() {
        return "badnets";
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
