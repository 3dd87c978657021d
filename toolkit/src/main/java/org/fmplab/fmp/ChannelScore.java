package org.fmplab.fmp;

import java.util.List;

/**
 * The FMP score of one feature map.
 *
 * @param layer      conv layer (graph vertex name)
 * @param channel    output channel of that layer
 * @param accuracy   top-1 accuracy of the whole model on the channel's adversarial probe batch
 * @param loss       mean cross-entropy of the model on that batch
 * @param margin     mean logit margin on that batch: true-class logit minus the largest other logit
 * @param mse        the feature-map MSE the adversarial batch achieved at this channel (vs clean)
 * @param flipsTo    per class c, the probe images of another true class predicted c on that batch
 *                   (the map's flip histogram; empty when not measured)
 * @param targetFlip our extension: flips into the estimated target class ĉ beyond the typical map's
 *                   ({@link Ranking#targetClass()}); NaN until the whole ranking is known
 * @param tieBreak   the value that orders maps of equal score, larger first ({@link RankConfig.TieBreak})
 * @param rank       1-based rank within the layer; 1 = most sensitive (most backdoor-like)
 */
public record ChannelScore(String layer, int channel, double accuracy, double loss, double margin, double mse,
                           List<Integer> flipsTo, double targetFlip, double tieBreak, int rank) {
    public ChannelScore {
        flipsTo = List.copyOf(flipsTo);
    }

    /** A score of accuracy, loss and MSE only (no margin or flips measured). */
    public ChannelScore(String layer, int channel, double accuracy, double loss, double mse, int rank) {
        this(layer, channel, accuracy, loss, Double.NaN, mse, List.of(), Double.NaN, Double.NaN, rank);
    }

    /** Number of flipped probe images (any wrong prediction). */
    public int flips() {
        return flipsTo.stream().mapToInt(Integer::intValue).sum();
    }

    ChannelScore withDerived(double targetFlipValue, double tieValue, int r) {
        return new ChannelScore(layer, channel, accuracy, loss, margin, mse, flipsTo, targetFlipValue, tieValue, r);
    }
}
