package org.fmplab.model;

/** One epoch of training: mean loss over its steps, the learning rate at its end and its wall time. */
public record EpochStats(int epoch, double loss, double learningRate, double seconds) { }
