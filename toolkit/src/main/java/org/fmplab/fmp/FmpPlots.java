package org.fmplab.fmp;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.fmplab.model.FeatureMapLayer;
import org.fmplab.prune.ChannelMask;
import org.fmplab.viz.Png;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** XChart plots of FMP results; {@link #png} and {@link #image} render any of them headless. */
public final class FmpPlots {
    private static final Color KEPT = new Color(90, 120, 200);
    private static final Color PRUNED = new Color(220, 40, 40);

    private FmpPlots() { }

    /**
     * The ranking's chosen score ({@link RankConfig#score()}: accuracy, loss, margin or target flip)
     * of each feature map, feature maps along x in graph order (layer by layer), pruned ones in red,
     * with each layer's mean as a line.
     */
    public static XYChart layerScores(Ranking ranking, ChannelMask pruned) {
        RankConfig.Score score = ranking.config().score();
        String name = score.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        String order = score.lowerFirst() ? "lower" : "higher";
        XYChart c = new XYChartBuilder().width(900).height(420)
                .title("FMP: " + name + " on each feature map's adversarial probe (" + pruned.total() + " pruned; "
                        + order + " = more backdoor-like)")
                .xAxisTitle("feature map (conv layers in graph order)").yAxisTitle(name).build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        c.getStyler().setMarkerSize(4);
        List<Double> kx = new ArrayList<>(), ky = new ArrayList<>(), px = new ArrayList<>(), py = new ArrayList<>();
        List<Double> mx = new ArrayList<>(), my = new ArrayList<>();
        int offset = 0;
        for (FeatureMapLayer l : ranking.layers()) {
            double sum = 0;
            for (ChannelScore s : ranking.layer(l.name())) {
                boolean p = pruned.isPruned(l.name(), s.channel());
                (p ? px : kx).add((double) offset + s.channel());
                (p ? py : ky).add(score.value(s));
                sum += score.value(s);
            }
            double mean = sum / l.channels();
            mx.add((double) offset);
            my.add(mean);
            mx.add((double) offset + l.channels() - 1);
            my.add(mean);
            offset += l.channels();
        }
        scatter(c, "kept", kx, ky, KEPT);
        scatter(c, "pruned", px, py, PRUNED);
        XYSeries means = c.addSeries("layer mean", mx, my);
        means.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        means.setMarker(SeriesMarkers.NONE);
        means.setLineColor(Color.GRAY);
        return c;
    }

    /**
     * TAC (normalised by its layer's maximum) against FMP's accuracy for every feature map, pruned
     * ones in red; a good ranking puts the high-TAC maps low (low accuracy).
     */
    public static XYChart tacVsScore(Coverage.Tac tac, Ranking ranking, ChannelMask pruned) {
        XYChart c = new XYChartBuilder().width(700).height(480).title("TAC vs FMP score")
                .xAxisTitle("TAC / layer max").yAxisTitle("FMP accuracy (lower = more backdoor-like)").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        c.getStyler().setMarkerSize(5);
        List<Double> kx = new ArrayList<>(), ky = new ArrayList<>(), px = new ArrayList<>(), py = new ArrayList<>();
        for (FeatureMapLayer l : ranking.layers()) {
            double[] v = tac.values().get(l.name());
            double max = 0;
            for (double d : v) max = Math.max(max, d);
            for (ChannelScore s : ranking.layer(l.name())) {
                boolean p = pruned.isPruned(l.name(), s.channel());
                (p ? px : kx).add(max > 0 ? v[s.channel()] / max : 0);
                (p ? py : ky).add(s.accuracy());
            }
        }
        scatter(c, "kept", kx, ky, KEPT);
        scatter(c, "pruned", px, py, PRUNED);
        return c;
    }

    private static void scatter(XYChart c, String name, List<Double> x, List<Double> y, Color color) {
        if (x.isEmpty()) {
            x = List.of(Double.NaN);
            y = List.of(Double.NaN);
        }
        XYSeries s = c.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(color);
    }

    /** The chart as PNG bytes. */
    public static byte[] png(Chart<?, ?> chart) {
        return Png.bytes(chart);
    }

    /** The chart as an image. */
    public static BufferedImage image(Chart<?, ?> chart) {
        return BitmapEncoder.getBufferedImage(chart);
    }
}
