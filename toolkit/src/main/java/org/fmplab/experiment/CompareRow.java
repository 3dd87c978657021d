package org.fmplab.experiment;

import org.fmplab.metrics.Scores;

/**
 * One cell of the comparison grid: a defense's final model on one attack's backdoored model.
 *
 * @param attack  attack name, or "mean" for a defense's mean over the attacks
 * @param defense defense name; "none" is the undefended model
 * @param der     DER against the undefended model; NaN for "none"
 * @param seconds wall time of the defense (training time for "none"; NaN for mean rows)
 */
public record CompareRow(String attack, String defense, double ca, double asr, double ra, double der, double seconds) {
    public static final String MEAN = "mean";

    static CompareRow of(String attack, String defense, Scores s, Scores undefended, double seconds) {
        return new CompareRow(attack, defense, s.ca(), s.asr(), s.ra(), undefended == null ? Double.NaN : s.derFrom(undefended), seconds);
    }
}
