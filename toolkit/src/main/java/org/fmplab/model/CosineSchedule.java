package org.fmplab.model;

import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/** Cosine decay from {@code initial} to {@code last} over {@code totalIterations}, then constant. */
public final class CosineSchedule implements ISchedule {
    private final double initial;
    private final double last;
    private final int totalIterations;

    public CosineSchedule(@JsonProperty("initial") double initial, @JsonProperty("last") double last,
                          @JsonProperty("totalIterations") int totalIterations) {
        this.initial = initial;
        this.last = last;
        this.totalIterations = Math.max(1, totalIterations);
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        double t = Math.min(1.0, (double) iteration / totalIterations);
        return last + (initial - last) * 0.5 * (1 + Math.cos(Math.PI * t));
    }

    @Override
    public ISchedule clone() {
        return new CosineSchedule(initial, last, totalIterations);
    }

    @JsonProperty("initial") public double getInitial() { return initial; }
    @JsonProperty("last") public double getLast() { return last; }
    @JsonProperty("totalIterations") public int getTotalIterations() { return totalIterations; }
}
