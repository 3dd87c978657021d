package org.fmplab.importer;

/** A weights file that cannot be imported; the message names the file, the tensor or the byte offset. */
public class WeightsFormatException extends IllegalArgumentException {
    public WeightsFormatException(String message) {
        super(message);
    }
}
