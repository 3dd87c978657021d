package org.fmplab.viz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.attack.Attacks;
import org.fmplab.model.ModelSpec;
import org.fmplab.model.Models;
import org.fmplab.prune.ChannelMask;
import org.fmplab.prune.Pruner;
import org.fmplab.model.FeatureMapLayers;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class FeatureMapViewTest {
    private static final ComputationGraph NET = Models.build(new ModelSpec(ModelSpec.SMALL_CNN, 4, 1, 12, 12, 3, 1));

    @Test
    void activationsAreTheRawConvOutputPerChannel() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 2, 1, 12, 12);
        INDArray a = FeatureMapView.activations(NET, "conv1", x);
        assertArrayEquals(new long[] {2, 4, 12, 12}, a.shape());
        // A pruned channel's conv output is exactly zero.
        ComputationGraph pruned = Pruner.prune(NET, ChannelMask.none(FeatureMapLayers.of(NET)).with("conv1", 2));
        INDArray p = FeatureMapView.activations(pruned, "conv1", x);
        assertEquals(0.0, p.get(NDArrayIndex.all(), NDArrayIndex.point(2)).amaxNumber().doubleValue());
        assertTrue(p.get(NDArrayIndex.all(), NDArrayIndex.point(1)).amaxNumber().doubleValue() > 0);
    }

    @Test
    void showsInputAndOneRowPerChannelAndMeasuresTheTriggersEffect() {
        INDArray clean = Nd4j.rand(DataType.FLOAT, 1, 1, 12, 12);
        INDArray triggered = Attacks.create("badnets").apply(clean.dup(), new int[] {0});
        FeatureMapView v = FeatureMapView.of(NET, "conv2", new int[] {0, 3}, clean, triggered);
        double[] change = v.meanAbsChange();
        assertEquals(2, change.length);
        assertTrue(change[0] > 0 && change[1] > 0, java.util.Arrays.toString(change));
        BufferedImage img = v.toImage();
        assertTrue(img.getHeight() > 3 * 12 && img.getWidth() > 3 * 12, img.getWidth() + "x" + img.getHeight());
        FeatureMapView same = FeatureMapView.of(NET, "conv2", new int[] {1}, clean, clean);
        assertEquals(0.0, same.meanAbsChange()[0]);
    }

    @Test
    void rejectsUnknownLayersAndChannels() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 1, 1, 12, 12);
        assertThrows(IllegalArgumentException.class, () -> FeatureMapView.activations(NET, "fc1", x));
        var e = assertThrows(IllegalArgumentException.class, () -> FeatureMapView.of(NET, "conv1", new int[] {4}, x, x));
        assertTrue(e.getMessage().contains("channel 4"), e.getMessage());
    }
}
