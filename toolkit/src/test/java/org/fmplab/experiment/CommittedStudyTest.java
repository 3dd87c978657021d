package org.fmplab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.fmplab.study.StudyReport;
import org.junit.jupiter.api.Test;

/** The committed studies under docs/studies/ are what the tutorials and the docs quote: their tables must follow from their cells. */
class CommittedStudyTest {
    private static final Path DOCS = Path.of("..", "docs", "studies");

    @Test
    void everyCommittedStudysTablesAreRecomputedFromItsCellsByteForByte() throws Exception {
        List<Path> folders;
        try (Stream<Path> s = Files.list(DOCS)) {
            folders = s.filter(p -> Files.isRegularFile(p.resolve("cells.csv"))).sorted().toList();
        }
        assertTrue(folders.stream().anyMatch(p -> p.getFileName().toString().equals(CommittedStudy.LATEST)),
                "LATEST (" + CommittedStudy.LATEST + ") is not a committed study folder in " + DOCS);
        for (Path folder : folders) {
            String name = folder.getFileName().toString();
            CommittedStudy study = CommittedStudy.load(name); // from the class path: what the jar ships
            assertEquals(Files.readString(folder.resolve("description.txt")).strip(), study.description(), name);
            StudyReport report = new StudyReport(study.cells(), study.description());
            assertEquals(Files.readString(folder.resolve("cells.csv")), report.cellsCsv(), name + "/cells.csv");
            assertEquals(Files.readString(folder.resolve("summary.csv")), report.summaryCsv(), name + "/summary.csv");
            assertEquals(Files.readString(folder.resolve("paired.csv")), report.pairedCsv(), name + "/paired.csv");
            assertFalse(report.paired().isEmpty(), name + " has no paired comparison");
        }
    }

    @Test
    void anUnknownStudySaysItIsNotOnTheClassPath() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CommittedStudy.load("no-such-study"));
        assertTrue(e.getMessage().contains("no committed study 'no-such-study'"), e.getMessage());
    }
}
