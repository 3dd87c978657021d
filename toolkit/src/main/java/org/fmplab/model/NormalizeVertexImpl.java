package org.fmplab.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.BaseGraphVertex;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;

/** Runtime side of {@link NormalizeVertex}: y = x · (1/std) + (−mean/std) per channel; dx = dy / std. */
final class NormalizeVertexImpl extends BaseGraphVertex {
    private final double[] scale;
    private final double[] shift;

    NormalizeVertexImpl(ComputationGraph graph, String name, int idx, NormalizeVertex conf, DataType type) {
        super(graph, name, idx, null, null, type);
        scale = conf.scale();
        shift = conf.shift();
    }

    @Override
    public boolean hasLayer() {
        return false;
    }

    @Override
    public Layer getLayer() {
        return null;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr mgr) {
        INDArray x = inputs[0];
        if (x.rank() != 4 || x.size(1) != scale.length) {
            throw new IllegalArgumentException("vertex '" + vertexName + "' normalises " + scale.length
                    + " channels of an NCHW batch, got shape " + java.util.Arrays.toString(x.shape()));
        }
        try (MemoryWorkspace ws = mgr.notifyScopeBorrowed(ArrayType.ACTIVATIONS)) {
            INDArray out = x.ulike();
            Nd4j.getExecutioner().exec(new BroadcastMulOp(x, vector(scale, x.dataType()), out, 1));
            Nd4j.getExecutioner().exec(new BroadcastAddOp(out, vector(shift, x.dataType()), out, 1));
            return out;
        }
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr mgr) {
        try (MemoryWorkspace ws = mgr.notifyScopeBorrowed(ArrayType.ACTIVATION_GRAD)) {
            INDArray out = epsilon.ulike();
            Nd4j.getExecutioner().exec(new BroadcastMulOp(epsilon, vector(scale, epsilon.dataType()), out, 1));
            return new Pair<>(null, new INDArray[] {out});
        }
    }

    private static INDArray vector(double[] v, DataType type) {
        return Nd4j.createFromArray(v).castTo(type);
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray view) {
        if (view != null) throw new IllegalStateException("vertex '" + vertexName + "' has no parameters");
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArrays(INDArray[] masks, MaskState state, int minibatchSize) {
        return masks == null || masks.length == 0 ? null : new Pair<>(masks[0], state);
    }

    @Override
    public String toString() {
        return "NormalizeVertex(name=" + vertexName + ")";
    }
}
