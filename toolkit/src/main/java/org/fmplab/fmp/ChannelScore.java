package org.fmplab.fmp;

/**
 * The FMP score of one feature map.
 *
 * @param layer    conv layer (graph vertex name)
 * @param channel  output channel of that layer
 * @param accuracy top-1 accuracy of the whole model on the channel's adversarial probe batch
 * @param loss     mean cross-entropy of the model on that batch
 * @param mse      the feature-map MSE the adversarial batch achieved at this channel (vs clean)
 * @param rank     1-based rank within the layer; 1 = most sensitive (most backdoor-like)
 */
public record ChannelScore(String layer, int channel, double accuracy, double loss, double mse, int rank) {
    ChannelScore withRank(int r) {
        return new ChannelScore(layer, channel, accuracy, loss, mse, r);
    }
}
