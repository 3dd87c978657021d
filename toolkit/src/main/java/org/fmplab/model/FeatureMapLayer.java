package org.fmplab.model;

import java.util.List;

/**
 * A convolution layer seen as a set of feature maps (its output channels).
 *
 * @param name        the conv vertex name in the graph
 * @param channels    number of output channels (feature maps)
 * @param consumerBns BatchNorm layers that read this conv's output directly or, for convs feeding a residual
 *                    add, the BN right after that add
 *                    (found through the graph, never by layer order)
 * @param hasBias     whether the conv has a bias vector
 */
public record FeatureMapLayer(String name, int channels, List<String> consumerBns, boolean hasBias) {
    public FeatureMapLayer {
        consumerBns = List.copyOf(consumerBns);
    }
}
