package org.fmplab.attack;

/**
 * Parameter checks shared by the attacks. Every message names the attack, the field, the value and
 * the allowed range, e.g. {@code "blended: alpha = 1.5 must be in (0, 1)"}.
 */
final class Check {
    private Check() { }

    /** v in the open interval (lo, hi). */
    static double open(String attack, String field, double v, double lo, double hi) {
        if (!(v > lo && v < hi)) throw fail(attack, field, v, "in (" + fmt(lo) + ", " + fmt(hi) + ")");
        return v;
    }

    /** v in (lo, hi]. */
    static double openClosed(String attack, String field, double v, double lo, double hi) {
        if (!(v > lo && v <= hi)) throw fail(attack, field, v, "in (" + fmt(lo) + ", " + fmt(hi) + "]");
        return v;
    }

    /** v in [lo, hi]. */
    static double closed(String attack, String field, double v, double lo, double hi) {
        if (!(v >= lo && v <= hi)) throw fail(attack, field, v, "in [" + fmt(lo) + ", " + fmt(hi) + "]");
        return v;
    }

    /** v ≥ lo. */
    static double atLeast(String attack, String field, double v, double lo) {
        if (!(v >= lo)) throw fail(attack, field, v, ">= " + fmt(lo));
        return v;
    }

    /** Integer v in [lo, hi]. */
    static int range(String attack, String field, int v, int lo, int hi) {
        if (v < lo || v > hi) throw fail(attack, field, v, "in [" + lo + ", " + hi + "]");
        return v;
    }

    /** Integer v ≥ lo. */
    static int atLeast(String attack, String field, int v, int lo) {
        if (v < lo) throw fail(attack, field, v, ">= " + lo);
        return v;
    }

    /** Fails unless the attack has been prepared. */
    static void prepared(String attack, boolean prepared) {
        if (!prepared) {
            throw new IllegalStateException(attack + ": not prepared; poison through Poisoner (which calls prepare) "
                    + "or restore a saved state with AttackState.load");
        }
    }

    private static IllegalArgumentException fail(String attack, String field, Object v, String range) {
        return new IllegalArgumentException(attack + ": " + field + " = " + v + " must be " + range);
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
