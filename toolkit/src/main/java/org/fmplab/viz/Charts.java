package org.fmplab.viz;

import java.util.List;
import org.fmplab.metrics.StageResult;
import org.fmplab.model.EpochStats;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/** XChart charts of results; render them with {@link Png}. */
public final class Charts {
    private Charts() { }

    /** Mean training loss per epoch. */
    public static XYChart trainingCurve(String title, List<EpochStats> history) {
        XYChart c = new XYChartBuilder().width(640).height(400).title(title).xAxisTitle("epoch").yAxisTitle("loss").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        double[] x = history.stream().mapToDouble(EpochStats::epoch).toArray();
        double[] y = history.stream().mapToDouble(EpochStats::loss).toArray();
        if (x.length == 0) { x = new double[] {0}; y = new double[] {Double.NaN}; }
        c.addSeries("train loss", x, y);
        return c;
    }

    /** CA, ASR and RA (in %) of each stage as grouped bars. */
    public static CategoryChart stages(String title, List<StageResult> stages) {
        CategoryChart c = new CategoryChartBuilder().width(640).height(400).title(title).xAxisTitle("stage").yAxisTitle("%").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(100.0);
        List<String> names = stages.stream().map(StageResult::name).toList();
        c.addSeries("CA", names, stages.stream().map(s -> 100 * s.ca()).toList());
        c.addSeries("ASR", names, stages.stream().map(s -> 100 * s.asr()).toList());
        c.addSeries("RA", names, stages.stream().map(s -> 100 * s.ra()).toList());
        return c;
    }
}
