package org.fmplab.prune;

import java.util.List;
import org.fmplab.model.FeatureMapLayer;

/**
 * What pruning a feature map zeroes for a conv that feeds a residual sum (convs whose BatchNorm reads
 * them directly are pruned the same way by both).
 */
public enum PruneTarget {
    /**
     * The released code's pairing: the conv's filter and the γ of the BatchNorm after the add, which
     * silences channel j of the summed stream wherever that BatchNorm feeds.
     */
    PAPER,
    /** The conv's filter (and bias) only: the scored map goes, the other addend's channel stays. */
    FILTER;

    /** {@code layers} as this target prunes them (FILTER: no consumer BatchNorm for convs that feed a sum). */
    public List<FeatureMapLayer> apply(List<FeatureMapLayer> layers) {
        if (this == PAPER) return List.copyOf(layers);
        return layers.stream().map(l -> l.feedsSum() ? l.withConsumerBns(List.of()) : l).toList();
    }
}
