package org.fmplab.viz;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.model.FeatureMapLayer;
import org.fmplab.model.FeatureMapLayers;
import org.fmplab.render.ImageRenderable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * What a network's feature maps look like for one clean image and the same image with a trigger: for
 * each chosen channel of a conv layer, the channel's output on the clean image, on the triggered
 * image, and their absolute difference. A backdoor shows as channels that stay quiet on clean input
 * and light up where the trigger is. Shown directly by the notebook kernel ({@link ImageRenderable}).
 *
 * <pre>{@code
 * FeatureMapView.of(model, "s1b1_conv1", new int[] {3, 7}, cleanImage, triggeredImage)
 * }</pre>
 */
public final class FeatureMapView implements ImageRenderable {
    private static final int LABEL_WIDTH = 110;
    private static final int GAP = 4;
    private static final int HEADER = 18;

    private final String layer;
    private final int[] channels;
    private final INDArray clean;       // [1, C, H, W] input
    private final INDArray triggered;   // [1, C, H, W] input
    private final INDArray cleanMaps;   // [1, K, h, w] chosen channels
    private final INDArray triggeredMaps;
    private final int scale;

    private FeatureMapView(String layer, int[] channels, INDArray clean, INDArray triggered, INDArray cleanMaps,
                           INDArray triggeredMaps, int scale) {
        this.layer = layer;
        this.channels = channels;
        this.clean = clean;
        this.triggered = triggered;
        this.cleanMaps = cleanMaps;
        this.triggeredMaps = triggeredMaps;
        this.scale = scale;
    }

    /**
     * The raw output (before BatchNorm and activation) of conv layer {@code layer} for a batch of
     * images [N, C, H, W] in [0, 1], in inference mode: [N, channels, h, w].
     *
     * @throws IllegalArgumentException if {@code layer} is not a conv (feature-map) layer of {@code net}
     */
    public static INDArray activations(ComputationGraph net, String layer, INDArray images) {
        if (FeatureMapLayers.of(net).stream().noneMatch(l -> l.name().equals(layer))) {
            throw new IllegalArgumentException("'" + layer + "' is not a conv layer of the network; conv layers: "
                    + FeatureMapLayers.of(net).stream().map(FeatureMapLayer::name).toList());
        }
        Map<String, INDArray> all = net.feedForward(images, false);
        return all.get(layer).castTo(DataType.FLOAT).dup();
    }

    /**
     * Channels {@code channels} of conv {@code layer} for the first image of {@code clean} and of
     * {@code triggered} (each [N, C, H, W] or [C, H, W], values in [0, 1]).
     */
    public static FeatureMapView of(ComputationGraph net, String layer, int[] channels, INDArray clean, INDArray triggered) {
        if (channels.length == 0) throw new IllegalArgumentException("channels must not be empty");
        INDArray c = first(clean), t = first(triggered);
        if (!Arrays.equals(c.shape(), t.shape())) {
            throw new IllegalArgumentException("clean " + Arrays.toString(c.shape()) + " and triggered "
                    + Arrays.toString(t.shape()) + " images differ in shape");
        }
        INDArray ca = activations(net, layer, c), ta = activations(net, layer, t);
        for (int ch : channels) {
            if (ch < 0 || ch >= ca.size(1)) {
                throw new IllegalArgumentException("channel " + ch + " of layer '" + layer + "' is outside [0, " + ca.size(1) + ")");
            }
        }
        long[] idx = Arrays.stream(channels).asLongStream().toArray();
        INDArray cm = ca.get(NDArrayIndex.all(), NDArrayIndex.indices(idx), NDArrayIndex.all(), NDArrayIndex.all()).dup();
        INDArray tm = ta.get(NDArrayIndex.all(), NDArrayIndex.indices(idx), NDArrayIndex.all(), NDArrayIndex.all()).dup();
        int scale = Math.max(1, 84 / (int) Math.max(c.size(2), c.size(3)));
        return new FeatureMapView(layer, channels.clone(), c, t, cm, tm, scale);
    }

    private static INDArray first(INDArray images) {
        if (images.rank() == 3) return images.reshape(1, images.size(0), images.size(1), images.size(2)).castTo(DataType.FLOAT);
        if (images.rank() != 4) throw new IllegalArgumentException("expected images [N,C,H,W] or [C,H,W], got " + Arrays.toString(images.shape()));
        return images.get(NDArrayIndex.interval(0, 1), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all()).castTo(DataType.FLOAT).dup();
    }

    /** Mean |triggered − clean| of each shown channel, in the order given. */
    public double[] meanAbsChange() {
        double[] out = new double[channels.length];
        for (int k = 0; k < channels.length; k++) {
            out[k] = map(triggeredMaps, k).sub(map(cleanMaps, k)).norm1Number().doubleValue() / map(cleanMaps, k).length();
        }
        return out;
    }

    private static INDArray map(INDArray maps, int k) {
        return maps.get(NDArrayIndex.point(0), NDArrayIndex.point(k), NDArrayIndex.all(), NDArrayIndex.all());
    }

    @Override
    public BufferedImage toImage() {
        int h = (int) clean.size(2) * scale, w = (int) clean.size(3) * scale;
        int rows = 1 + channels.length;
        int width = LABEL_WIDTH + 3 * (w + GAP) + GAP;
        int height = HEADER + rows * (h + GAP) + GAP;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            g.setColor(Color.DARK_GRAY);
            g.drawString("clean", LABEL_WIDTH, HEADER - 5);
            g.drawString("triggered", LABEL_WIDTH + w + GAP, HEADER - 5);
            g.drawString("|difference|", LABEL_WIDTH + 2 * (w + GAP), HEADER - 5);
            int y = HEADER;
            g.drawString("input", 4, y + 14);
            INDArray inDiff = org.nd4j.linalg.ops.transforms.Transforms.abs(triggered.sub(clean), false);
            g.drawImage(tile(plane(clean), 0, 1, w, h), LABEL_WIDTH, y, null);
            g.drawImage(tile(plane(triggered), 0, 1, w, h), LABEL_WIDTH + w + GAP, y, null);
            g.drawImage(tile(plane(inDiff), 0, Math.max(1e-6, inDiff.maxNumber().doubleValue()), w, h), LABEL_WIDTH + 2 * (w + GAP), y, null);
            double[] change = meanAbsChange();
            for (int k = 0; k < channels.length; k++) {
                y += h + GAP;
                INDArray cm = map(cleanMaps, k), tm = map(triggeredMaps, k);
                double lo = Math.min(cm.minNumber().doubleValue(), tm.minNumber().doubleValue());
                double hi = Math.max(cm.maxNumber().doubleValue(), tm.maxNumber().doubleValue());
                double range = Math.max(1e-6, hi - lo);
                INDArray diff = org.nd4j.linalg.ops.transforms.Transforms.abs(tm.sub(cm), false);
                g.setColor(Color.BLACK);
                g.drawString(layer, 4, y + 14);
                g.drawString("channel " + channels[k], 4, y + 28);
                g.setColor(Color.GRAY);
                g.drawString(String.format(Locale.ROOT, "mean |Δ| %.3g", change[k]), 4, y + 42);
                g.drawImage(tile(cm, lo, range, w, h), LABEL_WIDTH, y, null);
                g.drawImage(tile(tm, lo, range, w, h), LABEL_WIDTH + w + GAP, y, null);
                g.drawImage(tile(diff, 0, range, w, h), LABEL_WIDTH + 2 * (w + GAP), y, null);
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    // The input image as one grey plane (mean over colour channels) [H, W].
    private static INDArray plane(INDArray image) {
        return image.get(NDArrayIndex.point(0)).mean(0);
    }

    // A [h0, w0] map as a grey tile of size w × h (nearest-neighbour), values (v − lo) / range clipped to [0, 1].
    private static BufferedImage tile(INDArray map2d, double lo, double range, int w, int h) {
        int mh = (int) map2d.size(0), mw = (int) map2d.size(1);
        float[] v = map2d.dup('c').data().asFloat();
        BufferedImage t = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int sy = Math.min(mh - 1, y * mh / h), sx = Math.min(mw - 1, x * mw / w);
                double f = (v[sy * mw + sx] - lo) / range;
                int g = (int) Math.round(Math.max(0, Math.min(1, f)) * 255);
                t.setRGB(x, y, (g << 16) | (g << 8) | g);
            }
        }
        return t;
    }
}
