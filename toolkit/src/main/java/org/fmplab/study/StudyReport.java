package org.fmplab.study;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Placeholder until the statistics land: cells.csv only. */
public final class StudyReport {
    private StudyReport() { }

    public static void write(List<CellResult> rows, Path dir, String description) {
        StringBuilder sb = new StringBuilder("dataset,attack,defense,variant,size,seed,draw,stage,ca,asr,ra,der,seconds\n");
        for (CellResult r : rows) {
            sb.append(String.format(Locale.ROOT, "%s,%s,%s,%s,%s,%d,%d,%s,%.6f,%.6f,%.6f,%s,%.3f%n", r.dataset(), r.attack(), r.defense(),
                    r.variant(), r.size(), r.seed(), r.draw(), r.stage(), r.ca(), r.asr(), r.ra(), Double.isNaN(r.der()) ? "" : String.format(Locale.ROOT, "%.6f", r.der()), r.seconds()));
        }
        try {
            Files.writeString(dir.resolve("cells.csv"), sb);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
