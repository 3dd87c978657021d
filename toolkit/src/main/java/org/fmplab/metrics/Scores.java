package org.fmplab.metrics;

/** Clean accuracy, attack success rate and robust accuracy of one model, as fractions in [0,1]. */
public record Scores(double ca, double asr, double ra) {
    /** DER of going from {@code before} to this. */
    public double derFrom(Scores before) {
        return Metrics.der(before.ca(), before.asr(), ca, asr);
    }
}
