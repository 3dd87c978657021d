package org.fmplab.params;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One declared parameter of an attack, a defense or a ranking: its kebab-case name, type, default,
 * valid range or choices and a one-line help. The same declaration validates a value ({@link #parse})
 * and documents it ({@link #helpLine()}), so the {@code --help} listing cannot drift from the code.
 *
 * @param name         kebab-case key, e.g. {@code keep-pruned}
 * @param type         the value's type
 * @param defaultValue the typed default ({@link Integer}, {@link Long}, {@link Double}, {@link Boolean},
 *                     {@link String}, {@code double[]} or {@code List<String>}); null = absent
 * @param lo           lower bound of a number (of every entry of a list)
 * @param loOpen       whether {@code lo} itself is excluded
 * @param hi           upper bound of a number (infinite: none)
 * @param hiOpen       whether {@code hi} itself is excluded
 * @param choices      the allowed values of a {@link Type#CHOICE} (lower case), else empty
 * @param help         one line: what the parameter does
 */
public record ParamSpec(String name, Type type, Object defaultValue, double lo, boolean loOpen, double hi, boolean hiOpen,
                        List<String> choices, String help) {
    /** Value types; numbers may be written as fractions ({@code 4/255}). */
    public enum Type { INT, LONG, REAL, BOOL, TEXT, CHOICE, REALS, NAMES }

    private static final String KEBAB = "[a-z0-9]+(-[a-z0-9]+)*";

    public ParamSpec {
        Objects.requireNonNull(type, "type");
        if (name == null || !name.matches(KEBAB)) throw new IllegalArgumentException("parameter name '" + name + "' must be kebab-case");
        choices = List.copyOf(choices);
        if (type == Type.CHOICE && choices.isEmpty()) throw new IllegalArgumentException(name + ": a choice needs its choices");
        help = help == null ? "" : help;
    }

    /** An integer in [lo, hi]. */
    public static ParamSpec integer(String name, int def, int lo, int hi, String help) {
        return new ParamSpec(name, Type.INT, def, lo, false, hi, false, List.of(), help);
    }

    /** An integer ≥ lo. */
    public static ParamSpec integerAtLeast(String name, int def, int lo, String help) {
        return new ParamSpec(name, Type.INT, def, lo, false, Double.POSITIVE_INFINITY, false, List.of(), help);
    }

    /** Any long integer (seeds). */
    public static ParamSpec longInt(String name, long def, String help) {
        return new ParamSpec(name, Type.LONG, def, Double.NEGATIVE_INFINITY, false, Double.POSITIVE_INFINITY, false, List.of(), help);
    }

    /** A number in [lo, hi]. */
    public static ParamSpec real(String name, double def, double lo, double hi, String help) {
        return new ParamSpec(name, Type.REAL, def, lo, false, hi, false, List.of(), help);
    }

    /** A number in (lo, hi]. */
    public static ParamSpec realAbove(String name, double def, double lo, double hi, String help) {
        return new ParamSpec(name, Type.REAL, def, lo, true, hi, false, List.of(), help);
    }

    /** A number in the open interval (lo, hi). */
    public static ParamSpec realOpen(String name, double def, double lo, double hi, String help) {
        return new ParamSpec(name, Type.REAL, def, lo, true, hi, true, List.of(), help);
    }

    /** A number ≥ lo. */
    public static ParamSpec realAtLeast(String name, double def, double lo, String help) {
        return new ParamSpec(name, Type.REAL, def, lo, false, Double.POSITIVE_INFINITY, false, List.of(), help);
    }

    public static ParamSpec bool(String name, boolean def, String help) {
        return new ParamSpec(name, Type.BOOL, def, 0, false, 0, false, List.of(), help);
    }

    /** Free text; {@code def} may be null (absent). */
    public static ParamSpec text(String name, String def, String help) {
        return new ParamSpec(name, Type.TEXT, def, 0, false, 0, false, List.of(), help);
    }

    /** One of {@code choices} (case-insensitive). */
    public static ParamSpec choice(String name, String def, List<String> choices, String help) {
        return new ParamSpec(name, Type.CHOICE, def, 0, false, 0, false, choices, help);
    }

    /** One of an enum's constants, written in lower case with '-' for '_'. */
    public static <E extends Enum<E>> ParamSpec choice(String name, E def, Class<E> type, String help) {
        return choice(name, def == null ? null : label(def), Arrays.stream(type.getEnumConstants()).map(ParamSpec::label).toList(), help);
    }

    /** A comma-separated list of numbers, each in [lo, hi]; {@code def} may be null. */
    public static ParamSpec reals(String name, double[] def, double lo, double hi, String help) {
        return new ParamSpec(name, Type.REALS, def == null ? null : def.clone(), lo, false, hi, false, List.of(), help);
    }

    /** A comma-separated list of names; {@code def} may be null. */
    public static ParamSpec names(String name, List<String> def, String help) {
        return new ParamSpec(name, Type.NAMES, def == null ? null : List.copyOf(def), 0, false, 0, false, List.of(), help);
    }

    /** This declaration under {@code prefix + name} (e.g. NAD's {@code teacher-epochs}). */
    public ParamSpec prefixed(String prefix) {
        return new ParamSpec(prefix + name, type, defaultValue, lo, loOpen, hi, hiOpen, choices, help);
    }

    /** This declaration with another default (parsed like a given value, so it is checked too). */
    public ParamSpec withDefault(Object def) {
        return new ParamSpec(name, type, def == null ? null : parse(def), lo, loOpen, hi, hiOpen, choices, help);
    }

    /**
     * The typed value of {@code raw} (a string, or a number/boolean from a notebook's map).
     *
     * @throws IllegalArgumentException naming the key, the value and the valid range or format
     */
    public Object parse(Object raw) {
        String s = raw.toString().trim();
        return switch (type) {
            case INT -> {
                long v = integral(raw, s);
                checkRange(v, Long.toString(v));
                if (v != (int) v) throw new IllegalArgumentException(name + " = " + v + " is too large for an integer");
                yield (int) v;
            }
            case LONG -> integral(raw, s);
            case REAL -> {
                double v = number(raw, s, "'" + s + "' is not a number");
                checkRange(v, Double.toString(v));
                yield v;
            }
            case BOOL -> {
                String b = s.toLowerCase(Locale.ROOT);
                if (!b.equals("true") && !b.equals("false")) throw new IllegalArgumentException(name + " = '" + s + "' must be true or false");
                yield Boolean.parseBoolean(b);
            }
            case TEXT -> s;
            case CHOICE -> {
                String c = s.toLowerCase(Locale.ROOT);
                if (!choices.contains(c)) throw new IllegalArgumentException(name + " = '" + s + "' must be one of " + choices);
                yield c;
            }
            case REALS -> {
                if (raw instanceof double[] d) yield checkEntries(d.clone());
                String[] parts = s.split(",");
                double[] out = new double[parts.length];
                for (int i = 0; i < parts.length; i++) {
                    out[i] = number(null, parts[i].trim(), "'" + s + "' is not a comma-separated list of numbers");
                }
                yield checkEntries(out);
            }
            case NAMES -> {
                List<String> out = new ArrayList<>();
                if (raw instanceof List<?> l) l.forEach(x -> out.add(x.toString().trim()));
                else for (String part : s.split(",")) if (!part.isBlank()) out.add(part.trim());
                if (out.isEmpty()) throw new IllegalArgumentException(name + " = '" + s + "' names nothing");
                yield List.copyOf(out);
            }
        };
    }

    /**
     * Checks a number already in a record (e.g. a config built in a notebook) against this declaration.
     *
     * @throws IllegalArgumentException "name = value must be in [lo, hi]"
     */
    public void check(double value) {
        checkRange(value, type == Type.INT || type == Type.LONG ? Long.toString((long) value) : Double.toString(value));
    }

    /** {@link #check} for an integer, returning it (for constructors: {@code this.k = K.checked(k)}). */
    public int checked(int value) {
        check(value);
        return value;
    }

    /** {@link #check} for a number, returning it. */
    public double checked(double value) {
        check(value);
        return value;
    }

    /** The valid values in words, e.g. {@code [0, 1]}, {@code (0, 1]}, {@code true|false}. */
    public String range() {
        return switch (type) {
            case INT, REAL -> Double.isInfinite(hi) ? (loOpen ? "> " : ">= ") + fmt(lo)
                    : (loOpen ? "(" : "[") + fmt(lo) + ", " + fmt(hi) + (hiOpen ? ")" : "]");
            case LONG -> "integer";
            case BOOL -> "true|false";
            case TEXT -> "text";
            case CHOICE -> String.join("|", choices);
            case REALS -> "list of numbers in [" + fmt(lo) + ", " + fmt(hi) + "]";
            case NAMES -> "list of names";
        };
    }

    /** The default as a user would write it ("-" when absent). */
    public String defaultText() {
        if (defaultValue == null) return "-";
        if (defaultValue instanceof double[] d) return Arrays.stream(d).mapToObj(ParamSpec::fmt).collect(Collectors.joining(","));
        if (defaultValue instanceof List<?> l) return l.stream().map(Object::toString).collect(Collectors.joining(","));
        if (defaultValue instanceof Double d) return fmt(d);
        return defaultValue.toString();
    }

    /** One line of a {@code --help} listing: name, default, valid values, help. */
    public String helpLine() {
        return String.format(Locale.ROOT, "  %-20s %-14s %-26s %s", name, defaultText(), range(), help).stripTrailing();
    }

    private long integral(Object raw, String s) {
        if (raw instanceof Number n) {
            double d = n.doubleValue();
            if (d != Math.rint(d)) throw new IllegalArgumentException(name + " = '" + s + "' is not an integer");
            return n.longValue();
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " = '" + s + "' is not an integer");
        }
    }

    /** A decimal number or a fraction {@code a/b} (pixel units such as 4/255). */
    private double number(Object raw, String s, String error) {
        if (raw instanceof Number n) return n.doubleValue();
        try {
            int slash = s.indexOf('/');
            return slash > 0 ? Double.parseDouble(s.substring(0, slash)) / Double.parseDouble(s.substring(slash + 1)) : Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " = " + error);
        }
    }

    private double[] checkEntries(double[] values) {
        for (double v : values) {
            if (!(v >= lo && v <= hi)) throw new IllegalArgumentException(name + " entry " + v + " must be in [" + fmt(lo) + ", " + fmt(hi) + "]");
        }
        return values;
    }

    private void checkRange(double v, String shown) {
        boolean ok = (loOpen ? v > lo : v >= lo) && (hiOpen ? v < hi : v <= hi);
        if (!ok) throw new IllegalArgumentException(name + " = " + shown + " must be " + (Double.isInfinite(hi) ? "" : "in ") + range());
    }

    private static String label(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static String fmt(double v) {
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        // Six significant digits: 1/255 reads 0.00392157, not 0.00392156862745098.
        return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
    }
}
