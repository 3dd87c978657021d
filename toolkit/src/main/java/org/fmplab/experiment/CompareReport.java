package org.fmplab.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.fmplab.viz.Png;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Writes the comparison grid — the shape of the paper's Table 1 — as {@code compare.csv} (columns
 * exactly {@code attack,defense,ca,asr,ra,der}, fractions in [0,1], DER empty for "none", then one
 * "mean" row per defense), {@code compare.md}, {@code compare.html}, and grouped bar charts
 * {@code compare.png} (mean CA/ASR/RA per defense) and {@code compare-asr.png} (ASR per attack and defense).
 */
final class CompareReport {
    static final String CSV_HEADER = "attack,defense,ca,asr,ra,der";
    private final List<CompareRow> rows;
    private final List<String> attacks;
    private final List<String> defenses;

    CompareReport(List<CompareRow> cells) {
        this.rows = List.copyOf(cells);
        LinkedHashSet<String> a = new LinkedHashSet<>(), d = new LinkedHashSet<>();
        for (CompareRow r : cells) {
            a.add(r.attack());
            d.add(r.defense());
        }
        this.attacks = List.copyOf(a);
        this.defenses = List.copyOf(d);
    }

    /** The mean over attacks of each defense (attacks where the defense is missing are skipped). */
    List<CompareRow> means() {
        List<CompareRow> out = new ArrayList<>();
        for (String d : defenses) {
            List<CompareRow> of = rows.stream().filter(r -> r.defense().equals(d)).toList();
            out.add(new CompareRow(CompareRow.MEAN, d, mean(of, CompareRow::ca), mean(of, CompareRow::asr), mean(of, CompareRow::ra),
                    mean(of, CompareRow::der), Double.NaN));
        }
        return out;
    }

    void writeAll(Path dir, String title, String notes) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("compare.csv"), csv(), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("compare.md"), markdown(title, notes), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("compare.html"), html(title, notes), StandardCharsets.UTF_8);
            Png.write(meansChart(title), dir.resolve("compare.png"));
            Png.write(asrChart(title), dir.resolve("compare-asr.png"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the comparison into " + dir + ": " + e.getMessage(), e);
        }
    }

    String csv() {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        List<CompareRow> all = new ArrayList<>(rows);
        all.addAll(means());
        for (CompareRow r : all) {
            sb.append(r.attack()).append(',').append(r.defense()).append(',').append(num(r.ca())).append(',').append(num(r.asr()))
                    .append(',').append(num(r.ra())).append(',').append(Double.isNaN(r.der()) ? "" : num(r.der())).append('\n');
        }
        return sb.toString();
    }

    String markdown(String title, String notes) {
        StringBuilder sb = new StringBuilder("# ").append(title).append("\n\n").append(notes).append("\n\n");
        for (String[] m : new String[][] {{"ASR", "asr"}, {"CA", "ca"}, {"RA", "ra"}, {"DER", "der"}}) {
            sb.append("## ").append(m[0]).append(m[0].equals("DER") ? "" : " (%)").append("\n\n| attack |");
            for (String d : defenses) sb.append(' ').append(d).append(" |");
            sb.append("\n|---|");
            sb.append("---:|".repeat(defenses.size())).append('\n');
            for (String a : withMean(attacks)) {
                sb.append("| ").append(a.equals(CompareRow.MEAN) ? "**mean**" : a).append(" |");
                for (String d : defenses) sb.append(' ').append(cell(a, d, m[1])).append(" |");
                sb.append('\n');
            }
            sb.append('\n');
        }
        sb.append("## All cells\n\n| attack | defense | CA | ASR | RA | DER | seconds |\n|---|---|---:|---:|---:|---:|---:|\n");
        for (CompareRow r : rows) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.2f | %s | %.0f |%n", r.attack(), r.defense(),
                    100 * r.ca(), 100 * r.asr(), 100 * r.ra(), Double.isNaN(r.der()) ? "–" : String.format(Locale.ROOT, "%.3f", r.der()), r.seconds()));
        }
        sb.append("\n![mean CA/ASR/RA per defense](compare.png)\n\n![ASR per attack and defense](compare-asr.png)\n");
        return sb.toString();
    }

    String html(String title, String notes) {
        StringBuilder sb = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").append(Reports.escape(title))
                .append("</title><style>table{border-collapse:collapse;margin-bottom:1em}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
                        + "th:first-child,td:first-child{text-align:left}</style></head><body><h1>").append(Reports.escape(title))
                .append("</h1><p>").append(Reports.escape(notes)).append("</p>");
        sb.append("<table><thead><tr><th rowspan=\"2\">attack</th>");
        for (String d : defenses) sb.append("<th colspan=\"").append(d.equals("none") ? 3 : 4).append("\">").append(Reports.escape(d)).append("</th>");
        sb.append("</tr><tr>");
        for (String d : defenses) sb.append("<th>CA</th><th>ASR</th><th>RA</th>").append(d.equals("none") ? "" : "<th>DER</th>");
        sb.append("</tr></thead><tbody>");
        for (String a : withMean(attacks)) {
            sb.append("<tr><td>").append(a.equals(CompareRow.MEAN) ? "<b>mean</b>" : Reports.escape(a)).append("</td>");
            for (String d : defenses) {
                sb.append("<td>").append(cell(a, d, "ca")).append("</td><td>").append(cell(a, d, "asr")).append("</td><td>")
                        .append(cell(a, d, "ra")).append("</td>");
                if (!d.equals("none")) sb.append("<td>").append(cell(a, d, "der")).append("</td>");
            }
            sb.append("</tr>");
        }
        sb.append("</tbody></table><p>CA, ASR, RA in %; DER in [0,1] against the undefended model.</p>")
                .append("<img src=\"compare.png\" alt=\"mean CA/ASR/RA per defense\"><img src=\"compare-asr.png\" alt=\"ASR per attack and defense\">")
                .append("</body></html>\n");
        return sb.toString();
    }

    CategoryChart meansChart(String title) {
        CategoryChart c = chart(title + ": mean over attacks", "defense");
        List<CompareRow> m = means();
        List<String> names = m.stream().map(CompareRow::defense).toList();
        c.addSeries("CA", names, m.stream().map(r -> 100 * r.ca()).toList());
        c.addSeries("ASR", names, m.stream().map(r -> 100 * r.asr()).toList());
        c.addSeries("RA", names, m.stream().map(r -> 100 * r.ra()).toList());
        return c;
    }

    CategoryChart asrChart(String title) {
        CategoryChart c = chart(title + ": ASR", "attack");
        for (String d : defenses) {
            List<Double> v = new ArrayList<>();
            for (String a : attacks) v.add(find(a, d).map(r -> 100 * r.asr()).orElse(0.0));
            c.addSeries(d, attacks, v);
        }
        return c;
    }

    private static CategoryChart chart(String title, String x) {
        CategoryChart c = new CategoryChartBuilder().width(960).height(480).title(title).xAxisTitle(x).yAxisTitle("%").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(100.0);
        c.getStyler().setXAxisLabelRotation(30);
        return c;
    }

    private String cell(String attack, String defense, String metric) {
        var r = attack.equals(CompareRow.MEAN) ? means().stream().filter(m -> m.defense().equals(defense)).findFirst() : find(attack, defense);
        if (r.isEmpty()) return "";
        double v = switch (metric) {
            case "ca" -> r.get().ca();
            case "asr" -> r.get().asr();
            case "ra" -> r.get().ra();
            default -> r.get().der();
        };
        if (Double.isNaN(v)) return "–";
        return metric.equals("der") ? String.format(Locale.ROOT, "%.3f", v) : String.format(Locale.ROOT, "%.2f", 100 * v);
    }

    private java.util.Optional<CompareRow> find(String attack, String defense) {
        return rows.stream().filter(r -> r.attack().equals(attack) && r.defense().equals(defense)).findFirst();
    }

    private static List<String> withMean(List<String> attacks) {
        List<String> out = new ArrayList<>(attacks);
        out.add(CompareRow.MEAN);
        return out;
    }

    private static double mean(List<CompareRow> rows, ToDoubleFunction<CompareRow> f) {
        double s = 0;
        int n = 0;
        for (CompareRow r : rows) {
            double v = f.applyAsDouble(r);
            if (!Double.isNaN(v)) {
                s += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
    }
}
