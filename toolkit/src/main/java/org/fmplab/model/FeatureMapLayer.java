package org.fmplab.model;

import java.util.List;

/**
 * A convolution layer seen as a set of feature maps (its output channels).
 *
 * @param name        the conv vertex name in the graph
 * @param channels    number of output channels (feature maps)
 * @param consumerBns BatchNorm layers that read this conv's output directly or, for convs feeding a residual
 *                    add, the BN right after that add (found through the graph, never by layer order);
 *                    the BatchNorms whose γ pruning zeroes
 * @param hasBias     whether the conv has a bias vector
 * @param feedsSum    whether the conv's output reaches its BatchNorm only through a residual add (so
 *                    {@code consumerBns} normalise the summed stream, not this conv's own channel)
 */
public record FeatureMapLayer(String name, int channels, List<String> consumerBns, boolean hasBias, boolean feedsSum) {
    public FeatureMapLayer {
        consumerBns = List.copyOf(consumerBns);
    }

    /** A layer whose BatchNorms read it directly (or that has none). */
    public FeatureMapLayer(String name, int channels, List<String> consumerBns, boolean hasBias) {
        this(name, channels, consumerBns, hasBias, false);
    }

    /** This layer with other consumer BatchNorms (pruning then zeroes their γ instead). */
    public FeatureMapLayer withConsumerBns(List<String> bns) {
        return new FeatureMapLayer(name, channels, bns, hasBias, feedsSum);
    }
}
