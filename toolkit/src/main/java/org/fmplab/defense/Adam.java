package org.fmplab.defense;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** A minimal Adam optimiser over one array (for trigger reverse-engineering), minimising. */
final class Adam {
    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final INDArray m;
    private final INDArray v;
    private int t;

    Adam(INDArray like, double lr, double beta1, double beta2) {
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = 1e-8;
        this.m = like.ulike().assign(0);
        this.v = like.ulike().assign(0);
    }

    /** param ← param − lr · m̂ / (√v̂ + ε), in place. */
    void step(INDArray param, INDArray grad) {
        t++;
        m.muli(beta1).addi(grad.mul(1 - beta1));
        v.muli(beta2).addi(grad.mul(grad).muli(1 - beta2));
        double c1 = 1 - Math.pow(beta1, t), c2 = 1 - Math.pow(beta2, t);
        INDArray denom = Transforms.sqrt(v.div(c2), false).addi(eps);
        param.subi(m.div(c1).divi(denom).muli(lr));
    }
}
