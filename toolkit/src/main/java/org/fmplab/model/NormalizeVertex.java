package org.fmplab.model;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * A fixed per-channel input normalisation (x − mean) / std on NCHW images, as PyTorch's
 * {@code transforms.Normalize}: imported models keep it inside the graph so the toolkit's [0, 1] images
 * feed them as in PyTorch. No parameters, so training, pruning and the defenses leave it alone; it is
 * stored in {@code config.json} like any DL4J vertex.
 */
public class NormalizeVertex extends GraphVertex {
    private final double[] mean;
    private final double[] std;

    /**
     * @param mean per-channel mean, one value per input channel
     * @param std  per-channel standard deviation, each &gt; 0, as many as {@code mean}
     */
    public NormalizeVertex(@JsonProperty("mean") double[] mean, @JsonProperty("std") double[] std) {
        if (mean == null || std == null || mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("normalisation mean " + Arrays.toString(mean) + " and std "
                    + Arrays.toString(std) + " must have one value per channel each");
        }
        for (int c = 0; c < std.length; c++) {
            if (!(std[c] > 0) || !Double.isFinite(std[c]) || !Double.isFinite(mean[c])) {
                throw new IllegalArgumentException("normalisation channel " + c + ": mean = " + mean[c] + ", std = " + std[c]
                        + "; std must be finite and > 0, mean finite");
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    public double[] getMean() {
        return mean.clone();
    }

    public double[] getStd() {
        return std.clone();
    }

    /** The equivalent per-channel affine map's scale, 1 / std. */
    public double[] scale() {
        double[] s = new double[std.length];
        for (int c = 0; c < s.length; c++) s[c] = 1 / std[c];
        return s;
    }

    /** The equivalent per-channel affine map's shift, −mean / std. */
    public double[] shift() {
        double[] s = new double[std.length];
        for (int c = 0; c < s.length; c++) s[c] = -mean[c] / std[c];
        return s;
    }

    @Override
    public NormalizeVertex clone() {
        return new NormalizeVertex(mean, std);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NormalizeVertex n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public long numParams(boolean backprop) {
        return 0;
    }

    @Override
    public int minVertexInputs() {
        return 1;
    }

    @Override
    public int maxVertexInputs() {
        return 1;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                      INDArray paramsView, boolean initializeParams,
                                                                      DataType networkDatatype) {
        return new NormalizeVertexImpl(graph, name, idx, this, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        InputType in = vertexInputs[0];
        if (!(in instanceof InputType.InputTypeConvolutional c) || c.getChannels() != mean.length) {
            throw new InvalidInputTypeException("normalisation over " + mean.length + " channels needs a convolutional input with "
                    + mean.length + " channels, got " + in);
        }
        return in;
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        return new LayerMemoryReport.Builder(null, NormalizeVertex.class, inputTypes[0], inputTypes[0])
                .standardMemory(0, 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    @Override
    public String toString() {
        return "NormalizeVertex(mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ")";
    }
}
