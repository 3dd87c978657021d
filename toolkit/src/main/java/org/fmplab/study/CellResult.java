package org.fmplab.study;

/**
 * One row of a study: one cell (dataset, attack, defense and its variant, pruning size), one seed, one
 * control draw, one stage. CA, ASR, RA are fractions; DER is against the same seed's undefended model
 * (NaN for the undefended row).
 */
public record CellResult(String dataset, String attack, String defense, String variant, String size, long seed, int draw,
                         String stage, double ca, double asr, double ra, double der, double seconds) {
    public CellResult {
        if (defense == null || defense.isBlank()) throw new IllegalArgumentException("defense must not be blank");
        if (stage == null || stage.isBlank()) throw new IllegalArgumentException("stage must not be blank");
        if (draw < 0) throw new IllegalArgumentException("draw = " + draw + " must be >= 0");
    }
}
