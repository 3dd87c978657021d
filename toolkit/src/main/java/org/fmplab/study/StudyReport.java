package org.fmplab.study;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IntSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.fmplab.viz.Png;
import org.fmplab.viz.Tables;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * The statistics and outputs of a study, from its cells:
 * <ul>
 *   <li>{@code cells.csv}: every row, in {@link CellResult#ORDER};</li>
 *   <li>{@code summary.csv}: per dataset × attack × defense/variant × size × stage, the mean and the 95% CI
 *       over seeds (Student's t, n − 1 df) of CA and ASR, and the mean DER. Control draws are first
 *       averaged within each seed, so n is the number of seeds (backdoored models);</li>
 *   <li>{@code paired.csv}: paired differences (defense − baseline) on the same backdoored models (matched
 *       by seed; draws averaged per seed): each defense vs its random control, vs the TAC oracle, and every
 *       other pair of defenses at the same size and stage; mean ASR difference with its t CI, mean CA
 *       difference, and a two-sided p: one row from the Wilcoxon signed-rank test (test "wilcoxon-exact" or
 *       "wilcoxon-normal") and one from the sign-flip permutation test ("permutation-exact" / "permutation-mc");</li>
 *   <li>{@code summary.md}, {@code summary.html} (self-contained: plots inlined), and plots under
 *       {@code plots/}: the ASR-vs-CA trade-off over sizes per ranking with ASR CI error bars, and ASR and
 *       CA bars with CI error bars per defense at each size, one of each per dataset × attack × stage.</li>
 * </ul>
 * Undefined numbers are NaN and written as empty CSV fields: the CI of one seed, the p of one pair, the
 * DER of the undefended model. CSV numbers are fractions; the Markdown and HTML show % and percentage points.
 */
public final class StudyReport {
    public static final String SUMMARY_HEADER =
            "dataset,attack,defense,variant,size,stage,n,ca_mean,ca_ci_low,ca_ci_high,asr_mean,asr_ci_low,asr_ci_high,der_mean";
    public static final String PAIRED_HEADER =
            "dataset,attack,size,stage,defense,baseline,n,asr_diff_mean,asr_diff_ci_low,asr_diff_ci_high,ca_diff_mean,p_value,test";
    /** Confidence level of every interval. */
    public static final double LEVEL = 0.95;
    /** Monte-Carlo draws of the permutation test when a pair has more than {@value Stats#SIGN_FLIP_EXACT_MAX} seeds. */
    public static final int PERMUTATION_DRAWS = 100_000;
    /** Seed of those draws (named so that the same cells always give the same paired.csv). */
    public static final long PERMUTATION_SEED = 0x5EED_F11BL;
    static final String PLOTS = "plots";

    /** A cell without its seed and draw: what summary.csv has one row of. */
    public record CellKey(String dataset, String attack, String defense, String variant, String size, String stage) {
        public String label() {
            return variant.isEmpty() ? defense : defense + "/" + variant;
        }

        static CellKey of(CellResult c) {
            return new CellKey(c.dataset(), c.attack(), c.defense(), c.variant(), c.size(), c.stage());
        }
    }

    /** One seed's value of a cell: the mean over its draws (one draw except for random controls). */
    public record SeedMean(double ca, double asr, double der, int draws) { }

    public record SummaryRow(CellKey key, Stats.Summary ca, Stats.Summary asr, double derMean, int minDraws, int maxDraws) {
        public int n() {
            return asr.n();
        }
    }

    public record PairedRow(String dataset, String attack, String size, String stage, String defense, String baseline,
                            Stats.Summary asrDiff, double caDiffMean, Stats.Test test) {
        public int n() {
            return asrDiff.n();
        }

        /** NaN for a single pair: one difference tests nothing. */
        public double p() {
            return n() < 2 ? Double.NaN : test.p();
        }
    }

    private static final Comparator<CellKey> KEY_ORDER = Comparator.comparing(CellKey::dataset).thenComparing(CellKey::attack)
            .thenComparing(CellKey::defense, CellResult::compareDefenses).thenComparing(CellKey::variant)
            .thenComparing(CellKey::size, CellResult::compareSizes).thenComparing(CellKey::stage, CellResult::compareStages);

    private final String description;
    private final List<CellResult> cells;
    private final Map<CellKey, TreeMap<Long, SeedMean>> bySeed = new TreeMap<>(KEY_ORDER);
    private final List<SummaryRow> summary;
    private final List<PairedRow> paired;

    /** @throws IllegalArgumentException on two rows for the same cell, seed, draw and stage */
    public StudyReport(List<CellResult> cells, String description) {
        this.description = description == null ? "" : description;
        List<CellResult> sorted = new ArrayList<>(cells);
        sorted.sort(CellResult.ORDER);
        this.cells = List.copyOf(sorted);
        Map<CellKey, TreeMap<Long, List<CellResult>>> groups = new TreeMap<>(KEY_ORDER);
        Set<List<Object>> seen = new HashSet<>();
        for (CellResult c : this.cells) {
            if (!seen.add(List.of(CellKey.of(c), c.seed(), c.draw())))
                throw new IllegalArgumentException("duplicate cell: " + c.toCsvRow());
            groups.computeIfAbsent(CellKey.of(c), k -> new TreeMap<>()).computeIfAbsent(c.seed(), s -> new ArrayList<>()).add(c);
        }
        groups.forEach((k, seeds) -> {
            TreeMap<Long, SeedMean> m = new TreeMap<>();
            seeds.forEach((seed, draws) -> m.put(seed, new SeedMean(mean(draws, CellResult::ca), mean(draws, CellResult::asr),
                    nanMean(draws.stream().mapToDouble(CellResult::der).toArray()), draws.size())));
            bySeed.put(k, m);
        });
        this.summary = computeSummary();
        this.paired = computePaired();
    }

    public List<CellResult> cells() {
        return cells;
    }

    /** Per cell and seed, the mean over control draws. */
    public Map<CellKey, TreeMap<Long, SeedMean>> seedMeans() {
        return java.util.Collections.unmodifiableMap(bySeed);
    }

    public List<SummaryRow> summary() {
        return summary;
    }

    private List<SummaryRow> computeSummary() {
        List<SummaryRow> out = new ArrayList<>();
        bySeed.forEach((k, m) -> {
            IntSummaryStatistics draws = m.values().stream().mapToInt(SeedMean::draws).summaryStatistics();
            out.add(new SummaryRow(k, rate(Stats.summary(values(m, SeedMean::ca), LEVEL)), rate(Stats.summary(values(m, SeedMean::asr), LEVEL)),
                    nanMean(values(m, SeedMean::der)), draws.getMin(), draws.getMax()));
        });
        return List.copyOf(out);
    }

    // CA and ASR are rates: a t interval reaching past 0 or 1 (few seeds, large spread) is cut at the bounds,
    // and a difference of two rates at -1 and 1.
    private static Stats.Summary rate(Stats.Summary s) {
        return cut(s, 0, 1);
    }

    private static Stats.Summary cut(Stats.Summary s, double low, double high) {
        Stats.Interval ci = s.ci();
        if (Double.isNaN(ci.low())) return s;
        return new Stats.Summary(s.n(), s.mean(), s.sd(), new Stats.Interval(Math.max(low, ci.low()), Math.min(high, ci.high())));
    }

    /**
     * Paired comparisons at each dataset × attack × size × stage, in this order: each defense vs its random
     * control (defense "random" whose variant is the defense's label), each defense vs the TAC oracle, then every
     * other pair of defenses (in summary order, the earlier one as "defense"). Two rows per pair (Wilcoxon, then
     * the permutation test); pairs without a common seed are left out.
     */
    public List<PairedRow> paired() {
        return paired;
    }

    private List<PairedRow> computePaired() {
        Map<List<String>, Map<String, TreeMap<Long, SeedMean>>> at = new LinkedHashMap<>();
        Map<List<String>, List<CellKey>> keysAt = new LinkedHashMap<>();
        bySeed.forEach((k, m) -> {
            List<String> place = List.of(k.dataset(), k.attack(), k.size(), k.stage());
            at.computeIfAbsent(place, x -> new LinkedHashMap<>()).put(k.label(), m);
            keysAt.computeIfAbsent(place, x -> new ArrayList<>()).add(k); // in summary order
        });
        List<List<String>> places = new ArrayList<>(at.keySet());
        places.sort(Comparator.<List<String>, String>comparing(p -> p.get(0)).thenComparing(p -> p.get(1))
                .thenComparing(p -> p.get(2), CellResult::compareSizes).thenComparing(p -> p.get(3), CellResult::compareStages));
        List<PairedRow> out = new ArrayList<>();
        for (List<String> p : places) {
            Map<String, TreeMap<Long, SeedMean>> labels = at.get(p);
            List<String> defenses = new ArrayList<>();
            List<String> oracles = new ArrayList<>();
            for (CellKey k : keysAt.get(p)) {
                if (k.defense().equals(CellResult.ORACLE)) oracles.add(k.label());
                else if (!k.defense().equals(CellResult.RANDOM) && !k.defense().equals(CellResult.NONE)) defenses.add(k.label());
            }
            List<String[]> pairs = new ArrayList<>();
            for (String d : defenses) {
                String control = CellResult.RANDOM + "/" + d;
                if (labels.containsKey(control)) pairs.add(new String[] {d, control});
            }
            for (String d : defenses) for (String o : oracles) pairs.add(new String[] {d, o});
            for (int i = 0; i < defenses.size(); i++)
                for (int j = i + 1; j < defenses.size(); j++) pairs.add(new String[] {defenses.get(i), defenses.get(j)});
            for (String[] pair : pairs) addPair(out, p, pair[0], pair[1], labels.get(pair[0]), labels.get(pair[1]));
        }
        return List.copyOf(out);
    }

    private static void addPair(List<PairedRow> out, List<String> place, String defense, String baseline,
                                TreeMap<Long, SeedMean> a, TreeMap<Long, SeedMean> b) {
        List<Long> seeds = a.keySet().stream().filter(b::containsKey).toList();
        if (seeds.isEmpty()) return;
        double[] asr = new double[seeds.size()], ca = new double[seeds.size()];
        for (int i = 0; i < seeds.size(); i++) {
            asr[i] = a.get(seeds.get(i)).asr() - b.get(seeds.get(i)).asr();
            ca[i] = a.get(seeds.get(i)).ca() - b.get(seeds.get(i)).ca();
        }
        Stats.Summary s = cut(Stats.summary(asr, LEVEL), -1, 1);
        double caMean = Stats.mean(ca);
        for (Stats.Test t : List.of(Stats.wilcoxon(asr), Stats.signFlip(asr, PERMUTATION_DRAWS, PERMUTATION_SEED)))
            out.add(new PairedRow(place.get(0), place.get(1), place.get(2), place.get(3), defense, baseline, s, caMean, t));
    }

    // ---------------------------------------------------------------- CSV

    public String cellsCsv() {
        StringBuilder sb = new StringBuilder(CellResult.CSV_HEADER).append('\n');
        for (CellResult c : cells) sb.append(c.toCsvRow()).append('\n');
        return sb.toString();
    }

    public String summaryCsv() {
        StringBuilder sb = new StringBuilder(SUMMARY_HEADER).append('\n');
        for (SummaryRow r : summary()) {
            CellKey k = r.key();
            sb.append(String.join(",", Csv.text(k.dataset()), Csv.text(k.attack()), Csv.text(k.defense()), Csv.text(k.variant()),
                    Csv.text(k.size()), Csv.text(k.stage()), Integer.toString(r.n()), Csv.num(r.ca().mean()), Csv.num(r.ca().ci().low()),
                    Csv.num(r.ca().ci().high()), Csv.num(r.asr().mean()), Csv.num(r.asr().ci().low()), Csv.num(r.asr().ci().high()),
                    Csv.num(r.derMean()))).append('\n');
        }
        return sb.toString();
    }

    public String pairedCsv() {
        StringBuilder sb = new StringBuilder(PAIRED_HEADER).append('\n');
        for (PairedRow r : paired()) {
            sb.append(String.join(",", Csv.text(r.dataset()), Csv.text(r.attack()), Csv.text(r.size()), Csv.text(r.stage()),
                    Csv.text(r.defense()), Csv.text(r.baseline()), Integer.toString(r.n()), Csv.num(r.asrDiff().mean()),
                    Csv.num(r.asrDiff().ci().low()), Csv.num(r.asrDiff().ci().high()), Csv.num(r.caDiffMean()), Csv.num(r.p()),
                    r.test().method())).append('\n');
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- tables (Tablesaw), Markdown, HTML

    /** summary() for reading: CA and ASR in % as "mean [low, high]", DER to three decimals. */
    public Table summaryTable() {
        List<SummaryRow> rows = summary();
        return Table.create("summary",
                col("dataset", rows, r -> r.key().dataset()), col("attack", rows, r -> r.key().attack()),
                col("defense", rows, r -> r.key().label()), col("size", rows, r -> r.key().size()),
                col("stage", rows, r -> r.key().stage()), col("n", rows, r -> Integer.toString(r.n())),
                col("draws/seed", rows, r -> r.minDraws() == r.maxDraws() ? Integer.toString(r.minDraws()) : r.minDraws() + "–" + r.maxDraws()),
                col("CA %", rows, r -> pct(r.ca())), col("ASR %", rows, r -> pct(r.asr())),
                col("ASR sd", rows, r -> pp(r.asr().sd())), col("DER", rows, r -> fixed(r.derMean(), 3)));
    }

    /** paired() for reading: one line per pair with both p-values; differences in percentage points. */
    public Table pairedTable() {
        List<PairedRow> all = paired();
        List<PairedRow> rows = new ArrayList<>();
        Map<List<Object>, String> perm = new LinkedHashMap<>();
        for (PairedRow r : all) {
            List<Object> id = List.of(r.dataset(), r.attack(), r.size(), r.stage(), r.defense(), r.baseline());
            if (r.test().method().startsWith("wilcoxon")) rows.add(r);
            else perm.put(id, pValue(r));
        }
        return Table.create("paired",
                col("dataset", rows, PairedRow::dataset), col("attack", rows, PairedRow::attack), col("size", rows, PairedRow::size),
                col("stage", rows, PairedRow::stage), col("defense", rows, PairedRow::defense), col("baseline", rows, PairedRow::baseline),
                col("n", rows, r -> Integer.toString(r.n())), col("ΔASR pp", rows, r -> pct(r.asrDiff())),
                col("ΔCA pp", rows, r -> pp(r.caDiffMean())), col("p Wilcoxon", rows, StudyReport::pValue),
                col("p permutation", rows, r -> perm.getOrDefault(List.of(r.dataset(), r.attack(), r.size(), r.stage(), r.defense(), r.baseline()), "")));
    }

    /** The method paragraph shared by summary.md and summary.html. */
    public String methods() {
        List<SummaryRow> s = summary();
        Map<String, Set<Long>> seeds = new TreeMap<>();
        for (CellResult c : cells) seeds.computeIfAbsent(c.dataset() + " × " + c.attack(), x -> new TreeSet<>()).add(c.seed());
        StringBuilder models = new StringBuilder();
        seeds.forEach((m, ss) -> models.append(models.length() == 0 ? "" : "; ").append(m).append(": ").append(ss.size()).append(" seeds"));
        IntSummaryStatistics k = s.stream().filter(r -> r.key().defense().equals(CellResult.RANDOM))
                .flatMapToInt(r -> java.util.stream.IntStream.of(r.minDraws(), r.maxDraws())).summaryStatistics();
        String draws = k.getCount() == 0 ? "No random controls"
                : "Random controls: K = " + (k.getMin() == k.getMax() ? k.getMin() : k.getMin() + "–" + k.getMax())
                        + " draws per model, averaged within each seed before anything else (a control is an estimate, not a draw)";
        return String.format(Locale.ROOT, "Backdoored models (dataset × attack × seed): %s. %s. "
                + "Per cell: mean and %.0f%% confidence interval over seeds by Student's t with n − 1 degrees of freedom (cut at 0 and 1) "
                + "(n = number of seeds); a cell with n = 1 has no interval (empty fields). "
                + "Paired comparisons are matched by seed on the same backdoored models: each defense vs its random control, "
                + "each defense vs the TAC oracle (an analysis that uses the trigger, not a defense), and every other pair of "
                + "defenses at the same size and stage; difference = defense − baseline, its mean and t interval (cut at −100 and +100 pp). "
                + "p-values are two-sided: the Wilcoxon signed-rank test (zero differences dropped, tied |d| given midranks; exact "
                + "distribution up to %d non-zero differences, else the normal approximation with tie and continuity corrections) "
                + "and the sign-flip permutation test on the mean difference (all 2^n sign assignments up to n = %d, else %,d "
                + "seeded random ones). A single pair gets no p. CA and ASR in %%, differences in percentage points; DER in [0, 1].",
                models, draws, 100 * LEVEL, Stats.WILCOXON_EXACT_MAX, Stats.SIGN_FLIP_EXACT_MAX, PERMUTATION_DRAWS);
    }

    public String markdown(List<String> plots) {
        StringBuilder sb = new StringBuilder("# Study\n\n");
        if (!description.isBlank()) sb.append(description).append("\n\n");
        sb.append(methods()).append("\n\n## Cells (mean [95% CI] over seeds)\n\n").append(Tables.markdown(summaryTable()))
                .append("\n## Paired comparisons\n\n").append(Tables.markdown(pairedTable())).append("\n## Plots\n\n");
        for (String p : plots) sb.append("![").append(p).append("](").append(p).append(")\n\n");
        return sb.toString();
    }

    public String html(Path dir, List<String> plots) {
        StringBuilder sb = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Study</title><style>"
                + "body{font-family:sans-serif}table{border-collapse:collapse;margin-bottom:1em}td,th{border:1px solid #ccc;"
                + "padding:2px 6px;text-align:right}td:nth-child(-n+5),th:nth-child(-n+5){text-align:left}img{max-width:100%}"
                + "</style></head><body><h1>Study</h1>");
        if (!description.isBlank()) sb.append("<p>").append(Tables.escape(description)).append("</p>");
        sb.append("<p>").append(Tables.escape(methods())).append("</p><h2>Cells (mean [95% CI] over seeds)</h2>")
                .append(Tables.html(summaryTable())).append("<h2>Paired comparisons</h2>").append(Tables.html(pairedTable()))
                .append("<h2>Plots</h2>");
        for (String p : plots) {
            try {
                String b64 = Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve(p)));
                sb.append("<p><img alt=\"").append(Tables.escape(p)).append("\" src=\"data:image/png;base64,").append(b64).append("\"></p>");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot inline " + dir.resolve(p) + ": " + e.getMessage(), e);
            }
        }
        return sb.append("</body></html>\n").toString();
    }

    // ---------------------------------------------------------------- plots

    /**
     * ASR against CA (in %) over pruning sizes, one line per ranking (every defense with sized cells, random
     * controls, the oracle) at one stage, with ASR CI error bars (none when n = 1); the undefended model as a
     * reference point; the points of the first line are labelled with their size. Lines with the same points
     * (ranking variants sharing one random control) are drawn once, labelled "+N identical".
     */
    public XYChart tradeoffChart(String dataset, String attack, String stage) {
        XYChart c = new XYChartBuilder().width(800).height(500)
                .title(dataset + " " + attack + ", " + stage + ": ASR vs CA (" + ci() + ")")
                .xAxisTitle("CA %").yAxisTitle("ASR %").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setErrorBarsColorSeriesColor(true);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(100.0); // a rate's interval stops at 100 (the symmetric bar is clipped there)
        Map<String, List<SummaryRow>> lines = new LinkedHashMap<>();
        for (SummaryRow r : summary()) {
            CellKey k = r.key();
            if (k.dataset().equals(dataset) && k.attack().equals(attack) && k.stage().equals(stage) && !k.size().isEmpty())
                lines.computeIfAbsent(k.label(), x -> new ArrayList<>()).add(r); // summary() is in size order
        }
        Map<List<Double>, String> firstWithPoints = new LinkedHashMap<>();
        Map<String, Integer> identical = new LinkedHashMap<>();
        for (Map.Entry<String, List<SummaryRow>> e : lines.entrySet()) {
            List<Double> points = new ArrayList<>();
            for (SummaryRow r : e.getValue()) points.addAll(List.of(r.ca().mean(), r.asr().mean(), r.asr().ci().halfWidth()));
            String same = firstWithPoints.putIfAbsent(points, e.getKey());
            identical.merge(same == null ? e.getKey() : same, same == null ? 0 : 1, Integer::sum);
        }
        boolean first = true;
        for (Map.Entry<String, Integer> e : identical.entrySet()) {
            List<SummaryRow> rs = lines.get(e.getKey());
            String name = e.getValue() == 0 ? e.getKey() : e.getKey() + " (+" + e.getValue() + " identical)";
            c.addSeries(name, pctOf(rs, r -> r.ca().mean()), pctOf(rs, r -> r.asr().mean()), pctOf(rs, r -> zeroIfNaN(r.asr().ci().halfWidth())));
            if (first) {
                for (SummaryRow r : rs) c.addAnnotation(new AnnotationText(r.key().size(), 100 * r.ca().mean(), 100 * r.asr().mean() + 3, false));
                first = false;
            }
        }
        summary().stream().filter(r -> r.key().dataset().equals(dataset) && r.key().attack().equals(attack)
                && r.key().defense().equals(CellResult.NONE)).findFirst().ifPresent(r ->
                c.addSeries("undefended", new double[] {100 * r.ca().mean()}, new double[] {100 * r.asr().mean()})
                        .setMarker(SeriesMarkers.DIAMOND));
        if (c.getSeriesMap().isEmpty()) c.addSeries("no sized cells", new double[] {0}, new double[] {Double.NaN});
        return c;
    }

    /** Grouped bars of "asr" or "ca" (in %) per defense/variant at each size of one stage, with CI error bars. */
    public CategoryChart barChart(String dataset, String attack, String stage, String metric) {
        boolean asr = switch (metric) {
            case "asr" -> true;
            case "ca" -> false;
            default -> throw new IllegalArgumentException("metric = " + metric + ": must be asr or ca");
        };
        String name = asr ? "ASR" : "CA";
        CategoryChart c = new CategoryChartBuilder().width(900).height(480)
                .title(dataset + " " + attack + ", " + stage + ": " + name + " per defense (" + ci() + ")")
                .xAxisTitle("size").yAxisTitle(name + " %").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setErrorBarsColor(java.awt.Color.BLACK);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(100.0);
        List<SummaryRow> rows = summary().stream().filter(r -> r.key().dataset().equals(dataset) && r.key().attack().equals(attack)
                && r.key().stage().equals(stage)).toList();
        List<String> sizes = rows.stream().map(r -> r.key().size()).distinct().sorted(CellResult::compareSizes).toList();
        List<String> categories = sizes.stream().map(s -> s.isEmpty() ? "(no size)" : s).toList();
        Map<String, Map<String, SummaryRow>> byLabel = new LinkedHashMap<>();
        for (SummaryRow r : rows) byLabel.computeIfAbsent(r.key().label(), x -> new LinkedHashMap<>()).put(r.key().size(), r);
        byLabel.forEach((label, bySize) -> {
            List<Double> y = new ArrayList<>(), err = new ArrayList<>();
            for (String s : sizes) {
                SummaryRow r = bySize.get(s);
                Stats.Summary m = r == null ? null : asr ? r.asr() : r.ca();
                y.add(m == null ? 0.0 : 100 * m.mean()); // a missing bar draws as empty
                err.add(m == null ? 0.0 : 100 * zeroIfNaN(m.ci().halfWidth()));
            }
            c.addSeries(label, categories, y, err);
        });
        if (c.getSeriesMap().isEmpty()) c.addSeries("no cells", List.of("-"), List.of(0.0));
        return c;
    }

    /**
     * Writes cells.csv, summary.csv, paired.csv, the plots (under plots/), summary.md and summary.html into
     * {@code dir}; returns the files written, relative to dir.
     */
    public List<String> writeAll(Path dir) {
        List<String> plots = new ArrayList<>();
        Set<List<String>> places = new TreeSet<>(Comparator.<List<String>, String>comparing(p -> p.get(0)).thenComparing(p -> p.get(1))
                .thenComparing(p -> p.get(2), CellResult::compareStages));
        for (CellKey k : bySeed.keySet()) if (!k.defense().equals(CellResult.NONE)) places.add(List.of(k.dataset(), k.attack(), k.stage()));
        for (List<String> p : places) {
            String stem = fileName(p.get(0) + "-" + p.get(1) + "-" + p.get(2));
            boolean sized = bySeed.keySet().stream().anyMatch(k -> k.dataset().equals(p.get(0)) && k.attack().equals(p.get(1))
                    && k.stage().equals(p.get(2)) && !k.size().isEmpty());
            if (sized) plots.add(writePlot(dir, "tradeoff-" + stem, tradeoffChart(p.get(0), p.get(1), p.get(2))));
            plots.add(writePlot(dir, "asr-" + stem, barChart(p.get(0), p.get(1), p.get(2), "asr")));
            plots.add(writePlot(dir, "ca-" + stem, barChart(p.get(0), p.get(1), p.get(2), "ca")));
        }
        List<String> files = new ArrayList<>(List.of("cells.csv", "summary.csv", "paired.csv", "summary.md", "summary.html"));
        write(dir, "cells.csv", cellsCsv());
        write(dir, "summary.csv", summaryCsv());
        write(dir, "paired.csv", pairedCsv());
        write(dir, "summary.md", markdown(plots));
        write(dir, "summary.html", html(dir, plots));
        files.addAll(plots);
        return files;
    }

    private static String writePlot(Path dir, String stem, Chart<?, ?> chart) {
        String rel = PLOTS + "/" + stem + ".png";
        Png.write(chart, dir.resolve(rel));
        return rel;
    }

    private static void write(Path dir, String name, String text) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(name) + ": " + e.getMessage(), e);
        }
    }

    /** A file name from labels: anything but letters, digits, '.', '_' and '-' becomes '_' ("C/8" → "C_8"). */
    static String fileName(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    // ---------------------------------------------------------------- small helpers

    private static String ci() {
        return String.format(Locale.ROOT, "%.0f%% t CI", 100 * LEVEL);
    }

    private static <R> StringColumn col(String name, List<R> rows, Function<R, String> f) {
        return StringColumn.create(name, rows.stream().map(f).toList());
    }

    private static String pct(Stats.Summary s) {
        if (Double.isNaN(s.ci().low())) return fixed(100 * s.mean(), 2);
        return fixed(100 * s.mean(), 2) + " [" + fixed(100 * s.ci().low(), 2) + ", " + fixed(100 * s.ci().high(), 2) + "]";
    }

    private static String pp(double v) {
        return fixed(100 * v, 2);
    }

    private static String pValue(PairedRow r) {
        double p = r.p();
        return Double.isNaN(p) ? "–" : p < 1e-4 ? String.format(Locale.ROOT, "%.1e", p) : fixed(p, 4);
    }

    private static String fixed(double v, int decimals) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static double[] pctOf(List<SummaryRow> rows, java.util.function.ToDoubleFunction<SummaryRow> f) {
        return rows.stream().mapToDouble(r -> 100 * f.applyAsDouble(r)).toArray();
    }

    private static double zeroIfNaN(double v) {
        return Double.isNaN(v) ? 0 : v; // XChart cannot draw a NaN error bar; n = 1 shows none
    }

    private static double[] values(TreeMap<Long, SeedMean> m, java.util.function.ToDoubleFunction<SeedMean> f) {
        return m.values().stream().mapToDouble(f).toArray();
    }

    private static double mean(List<CellResult> rows, java.util.function.ToDoubleFunction<CellResult> f) {
        return Stats.mean(rows.stream().mapToDouble(f).toArray());
    }

    /** The mean of the values that are not NaN; NaN when none is. */
    private static double nanMean(double[] v) {
        return Stats.mean(java.util.Arrays.stream(v).filter(x -> !Double.isNaN(x)).toArray());
    }
}
