package org.fmplab.experiment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.fmplab.study.CellResult;

/**
 * A study whose tables are committed under {@code docs/studies/NAME/} and shipped inside the toolkit jar
 * (as {@code studies/NAME/}), so notebooks and Binder readers can plot measured results without training.
 *
 * @param name        the study folder's name
 * @param description what was measured (the study's own description line)
 * @param cells       its long table ({@code cells.csv})
 */
public record CommittedStudy(String name, String description, List<CellResult> cells) {
    /** The study the tutorials show: the newest committed one. */
    public static final String LATEST = "settled-badnets";

    public CommittedStudy {
        if (cells.isEmpty()) throw new IllegalArgumentException("committed study '" + name + "' has no cells");
        cells = List.copyOf(cells);
    }

    /** Reads {@code studies/NAME/cells.csv} and {@code description.txt} from the class path. */
    public static CommittedStudy load(String name) {
        List<String> lines = text(name, "cells.csv").lines().toList();
        if (lines.isEmpty() || !lines.get(0).equals(CellResult.CSV_HEADER)) {
            throw new IllegalStateException("studies/" + name + "/cells.csv does not start with " + CellResult.CSV_HEADER);
        }
        List<CellResult> cells = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) if (!line.isBlank()) cells.add(CellResult.fromCsvRow(line));
        return new CommittedStudy(name, text(name, "description.txt").strip(), cells);
    }

    /** The (first) dataset of the study. */
    public String dataset() {
        return cells.get(0).dataset();
    }

    /** The (first) attack of the study. */
    public String attack() {
        return cells.get(0).attack();
    }

    private static String text(String name, String file) {
        String path = "/studies/" + name + "/" + file;
        try (InputStream in = CommittedStudy.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalArgumentException("no committed study '" + name + "' (" + path + " is not on the class path)");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
