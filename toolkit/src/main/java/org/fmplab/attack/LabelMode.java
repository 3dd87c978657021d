package org.fmplab.attack;

/** How poisoned labels are chosen. */
public enum LabelMode {
    /** Every poisoned image gets the target label. */
    ALL_TO_ONE,
    /** A poisoned image of class y gets (y + 1) mod K. */
    ALL_TO_ALL;

    /** The attack target of an image whose true label is {@code label}. */
    public int targetFor(int label, int target, int numClasses) {
        return this == ALL_TO_ONE ? target : (label + 1) % numClasses;
    }

    /** Parses "all-to-one" / "all-to-all" (case-insensitive, '_' or '-'). */
    public static LabelMode parse(String s) {
        String n = s.trim().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        return switch (n) {
            case "all-to-one" -> ALL_TO_ONE;
            case "all-to-all" -> ALL_TO_ALL;
            default -> throw new IllegalArgumentException("label mode '" + s + "' is unknown; use all-to-one or all-to-all");
        };
    }

    @Override
    public String toString() {
        return this == ALL_TO_ONE ? "all-to-one" : "all-to-all";
    }
}
