package org.fmplab.model;

/** A saved model is missing, corrupted, tampered with or inconsistent; the message names the file. */
public class ModelFormatException extends RuntimeException {
    public ModelFormatException(String message) {
        super(message);
    }
}
