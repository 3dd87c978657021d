package org.fmplab.study;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One measured row of a study: a model (dataset, attack, seed), a defense cell (defense, variant, size),
 * a control draw and a stage, with its CA, ASR, RA (fractions in [0, 1]), DER (in [0, 1] against the same
 * seed's undefended model; NaN for the undefended row) and the seconds the cell took.
 * <ul>
 *   <li>undefended model: defense {@value #NONE}, variant "", size "", draw 0, stage {@value #BACKDOORED};</li>
 *   <li>a defense cell: defense = registry name, variant = short label of its parameters ("" for defaults),
 *       size = per-layer size label ("C/16"; "" when the defense has none), draw 0, stage = its stage name;</li>
 *   <li>a random control of a pruning defense: defense {@value #RANDOM}, variant = the controlled method's
 *       label ("fmp", "fmp/eps=8/255"), draw 0..K−1;</li>
 *   <li>the TAC oracle (an analysis that uses the trigger, never a defense): defense {@value #ORACLE}.</li>
 * </ul>
 */
public record CellResult(String dataset, String attack, String defense, String variant, String size,
                         long seed, int draw, String stage, double ca, double asr, double ra, double der, double seconds) {
    public static final String NONE = "none";
    public static final String RANDOM = "random";
    public static final String ORACLE = "tac-oracle";
    public static final String BACKDOORED = "backdoored";
    public static final String CSV_HEADER = "dataset,attack,defense,variant,size,seed,draw,stage,ca,asr,ra,der,seconds";

    /**
     * The order of cells.csv: model (dataset, attack, seed), then defense (none first, real defenses by name,
     * random controls, the oracle last), variant, size (growing pruned fraction), stage (backdoored, pruned,
     * fine-tuned, then by name), draw.
     */
    public static final Comparator<CellResult> ORDER = Comparator.comparing(CellResult::dataset)
            .thenComparing(CellResult::attack)
            .thenComparingLong(CellResult::seed)
            .thenComparing(CellResult::defense, CellResult::compareDefenses)
            .thenComparing(CellResult::variant)
            .thenComparing(CellResult::size, CellResult::compareSizes)
            .thenComparing(CellResult::stage, CellResult::compareStages)
            .thenComparingInt(CellResult::draw);

    public CellResult {
        nonBlank("dataset", dataset);
        nonBlank("attack", attack);
        nonBlank("defense", defense);
        nonBlank("stage", stage);
        if (variant == null) throw new IllegalArgumentException("variant = null: use \"\" for the default parameters");
        if (size == null) throw new IllegalArgumentException("size = null: use \"\" for a defense without a size");
        if (draw < 0) throw new IllegalArgumentException("draw = " + draw + ": must be >= 0");
        fraction("ca", ca);
        fraction("asr", asr);
        fraction("ra", ra);
        if (!Double.isNaN(der)) fraction("der", der);
        if (!(seconds >= 0) || Double.isInfinite(seconds)) throw new IllegalArgumentException("seconds = " + seconds + ": must be finite and >= 0");
    }

    /** The label of the ranking or defense: defense, or defense/variant when the variant is not empty ("random/fmp"). */
    public String label() {
        return variant.isEmpty() ? defense : defense + "/" + variant;
    }

    public String toCsvRow() {
        return String.join(",", Csv.text(dataset), Csv.text(attack), Csv.text(defense), Csv.text(variant), Csv.text(size),
                Long.toString(seed), Integer.toString(draw), Csv.text(stage), Csv.num(ca), Csv.num(asr), Csv.num(ra), Csv.num(der),
                Csv.num(seconds));
    }

    /** Parses a row written by {@link #toCsvRow} (numbers round-trip exactly; an empty der is NaN). */
    public static CellResult fromCsvRow(String line) {
        List<String> f = Csv.split(line);
        if (f.size() != 13) throw new IllegalArgumentException("cells.csv row has " + f.size() + " fields, expected 13 (" + CSV_HEADER + "): " + line);
        return new CellResult(f.get(0), f.get(1), f.get(2), f.get(3), f.get(4), Long.parseLong(f.get(5)), Integer.parseInt(f.get(6)),
                f.get(7), Csv.parseNum(f.get(8)), Csv.parseNum(f.get(9)), Csv.parseNum(f.get(10)), Csv.parseNum(f.get(11)),
                Csv.parseNum(f.get(12)));
    }

    /** Reads a cells.csv (header {@value #CSV_HEADER}, then rows from {@link #toCsvRow}); blank lines are skipped. */
    public static List<CellResult> readCsv(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty() || !lines.get(0).equals(CSV_HEADER))
            throw new IllegalArgumentException(file + ": first line must be the header " + CSV_HEADER);
        List<CellResult> out = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            try {
                out.add(fromCsvRow(lines.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static final Pattern PER_CHANNELS = Pattern.compile("C/(\\d+)");

    /**
     * Orders size labels by the share they prune: "" first, then "C/k" by 1/k and plain numbers by value
     * (C/32 &lt; C/16 &lt; C/8), other labels last by name.
     */
    public static int compareSizes(String a, String b) {
        double x = sizeValue(a), y = sizeValue(b);
        if (Double.isNaN(x) || Double.isNaN(y)) {
            if (!Double.isNaN(x)) return -1;
            if (!Double.isNaN(y)) return 1;
            return a.compareTo(b);
        }
        int c = Double.compare(x, y);
        return c != 0 ? c : a.compareTo(b);
    }

    private static double sizeValue(String s) {
        if (s.isEmpty()) return Double.NEGATIVE_INFINITY;
        Matcher m = PER_CHANNELS.matcher(s);
        if (m.matches()) return 1.0 / Math.max(1, Long.parseLong(m.group(1)));
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** backdoored, pruned, fine-tuned, then other stages by name. */
    public static int compareStages(String a, String b) {
        int c = Integer.compare(stageRank(a), stageRank(b));
        return c != 0 ? c : a.compareTo(b);
    }

    private static int stageRank(String s) {
        return switch (s) {
            case BACKDOORED -> 0;
            case "pruned" -> 1;
            case "fine-tuned" -> 2;
            default -> 3;
        };
    }

    /** none, the real defenses by name, random controls, the oracle. */
    public static int compareDefenses(String a, String b) {
        int c = Integer.compare(defenseRank(a), defenseRank(b));
        return c != 0 ? c : a.compareTo(b);
    }

    private static int defenseRank(String d) {
        return switch (d) {
            case NONE -> 0;
            case RANDOM -> 2;
            case ORACLE -> 3;
            default -> 1;
        };
    }

    private static void nonBlank(String key, String v) {
        if (v == null || v.isBlank()) throw new IllegalArgumentException(key + " = " + (v == null ? "null" : "\"" + v + "\"") + ": must not be blank");
    }

    private static void fraction(String key, double v) {
        if (!(v >= 0 && v <= 1)) throw new IllegalArgumentException(key + " = " + v + ": must be a fraction in [0, 1]");
    }
}
