package org.fmplab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudySpecTest {
    @Test
    void aSpecFileAndTheSameFlagsGiveTheSameStudy(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("s.json");
        Files.writeString(f, """
                {"name": "s", "attacks": ["badnets", "blended(alpha=0.2)"], "seeds": ["0-2", 7],
                 "defenses": ["fmp(epsilon=0.0314;steps=5)", "ft"], "sizes": ["C/16", "C/8"], "fine-tune-sizes": ["C/8"],
                 "control-draws": 4, "analyses": ["tac-oracle"], "train-limit": 3000, "model": "smallcnn", "width": 8}
                """);
        StudySpec fromFile = StudySpec.read(f, StudySpec.quick());
        StudySpec fromFlags = StudySpec.with(StudySpec.quick(), pairs("name", "s", "attacks", "badnets,blended(alpha=0.2)",
                "seeds", "0-2,7", "defenses", "fmp(epsilon=0.0314;steps=5),ft", "sizes", "C/16,C/8", "fine-tune-sizes", "C/8",
                "control-draws", "4", "analyses", "tac-oracle", "train-limit", "3000", "model", "smallcnn", "width", "8"), "");
        assertEquals(fromFile, fromFlags);
        assertEquals(List.of(0L, 1L, 2L, 7L), fromFile.seeds());
        assertEquals("epsilon=0.0314;steps=5", fromFile.defenses().get(0).label());
        assertEquals(Map.of("epsilon", "0.0314", "steps", "5"), fromFile.defenses().get(0).params());
        assertEquals(3000, fromFile.base().trainLimit());
        // the spec written beside a study's tables reads back as the same study
        Path back = dir.resolve("back.json");
        new com.fasterxml.jackson.databind.ObjectMapper().writeValue(back.toFile(), fromFile.toMap());
        assertEquals(fromFile, StudySpec.read(back, StudySpec.quick()));
    }

    @Test
    void mistakesNameTheKeyAndTheValue() {
        StudySpec q = StudySpec.quick();
        assertMessage("unknown key 'seed'", () -> StudySpec.with(q, Map.of("seed", "1"), ""));
        assertMessage("size 'C/0'", () -> StudySpec.with(q, Map.of("sizes", "C/0"), ""));
        assertMessage("size '1/8'", () -> StudySpec.with(q, Map.of("sizes", "1/8"), ""));
        assertMessage("fine-tune-sizes: 'C/2' is not one of sizes", () -> StudySpec.with(q, Map.of("fine-tune-sizes", "C/2"), ""));
        assertMessage("control-draws = 101", () -> StudySpec.with(q, Map.of("control-draws", "101"), ""));
        assertMessage("seeds: 'x'", () -> StudySpec.with(q, Map.of("seeds", "x"), ""));
        assertMessage("has repeats", () -> StudySpec.with(q, Map.of("seeds", "1,1"), ""));
        assertMessage("analyses: 'oracle' is unknown", () -> StudySpec.with(q, Map.of("analyses", "oracle"), ""));
        assertMessage("is not key=value", () -> StudySpec.with(q, Map.of("defenses", "fmp(epsilon)"), ""));
        assertMessage("width = 'w'", () -> StudySpec.with(q, Map.of("width", "w"), ""));
    }

    @Test
    void everyModelGetsItsCellsAndEachControlDrawItsOwnSeed() {
        StudySpec s = StudySpec.with(StudySpec.quick(), Map.of("attacks", "badnets,blended", "seeds", "0-2", "defenses", "fmp,ft",
                "control-draws", "5"), "");
        Study study = new Study(s, new ArtifactStore(Path.of("unused")));
        assertEquals(6, study.tasks().size());
        // none + ft + per size (fmp + 5 draws) + oracle per size
        assertEquals(1 + 1 + 2 * 6 + 2, study.cells().size());
        assertEquals(study.tasks().size() * study.cells().size(), study.cellCount());
        long random = study.cells().stream().filter(c -> c.defense().equals(Study.RANDOM)).count();
        assertEquals(10, random);
        // keys: every cell of every task distinct; the same cell of the same task stable
        RunConfig c0 = study.config(study.tasks().get(0));
        RunConfig c1 = study.config(study.tasks().get(1));
        List<String> keys = study.cells().stream().map(c -> study.cellKey(c0, c)).toList();
        assertEquals(keys.size(), keys.stream().distinct().count());
        assertNotEquals(study.cellKey(c0, study.cells().get(0)), study.cellKey(c1, study.cells().get(0)));
        assertEquals(keys, study.cells().stream().map(c -> study.cellKey(c0, c)).toList());
        // draw 0 is the run's own control seed; the draws differ
        assertEquals(Pipeline.controlSeed(c0), Study.controlSeed(c0, 0));
        assertEquals(5, java.util.stream.IntStream.range(0, 5).mapToLong(k -> Study.controlSeed(c0, k)).distinct().count());
    }

    @Test
    void rankingVariantsShareTheirSizedControlsButNotHowTheyAreFinished() {
        StudySpec s = StudySpec.with(StudySpec.quick(), Map.of("defenses",
                "fmp,fmp(score=margin;tie-break=random),fmp(prune-target=filter),fmp(epochs=3)", "control-draws", "1"), "");
        Study study = new Study(s, new ArtifactStore(Path.of("unused")));
        RunConfig c = study.config(study.tasks().get(0));
        String size = s.sizes().get(0);
        java.util.function.BiFunction<String, String, String> key = (defense, method) -> study.cellKey(c, study.cells().stream()
                .filter(x -> x.defense().equals(defense) && x.method().toString().equals(method) && x.size().equals(size))
                .findFirst().orElseThrow());
        assertEquals(key.apply(Study.RANDOM, "fmp"), key.apply(Study.RANDOM, "fmp(score=margin;tie-break=random)"));
        assertNotEquals(key.apply("fmp", "fmp"), key.apply("fmp", "fmp(score=margin;tie-break=random)"));
        assertNotEquals(key.apply(Study.RANDOM, "fmp"), key.apply(Study.RANDOM, "fmp(prune-target=filter)"));
        assertNotEquals(key.apply(Study.RANDOM, "fmp"), key.apply(Study.RANDOM, "fmp(epochs=3)"));
        // the oracle is finished as the first pruning method: another first method, another oracle
        Study other = new Study(StudySpec.with(s, Map.of("defenses", "fmp(epochs=3)"), ""), new ArtifactStore(Path.of("unused")));
        Study.Cell oracle = study.cells().stream().filter(x -> x.defense().equals(StudySpec.TAC_ORACLE)).findFirst().orElseThrow();
        assertNotEquals(study.cellKey(c, oracle), other.cellKey(c, oracle));
    }

    @Test
    void everyCommittedSpecReadsOnTheDefaultAndTheSettledOnesShareTheirModels() throws Exception {
        List<Path> specs;
        try (var files = Files.list(Path.of("..", "docs", "studies"))) {
            specs = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(specs.size() >= 3, specs.toString());
        for (Path f : specs) {
            Study study = new Study(StudySpec.read(f, StudyCommand.defaults()), new ArtifactStore(Path.of("unused")));
            assertTrue(study.cellCount() > 0, f.toString());
            // the specs on the default's training share its backdoored models (a BadNets task of any of them trains
            // the model the others reuse); a spec that trains longer or on more data (scale-*) gets models of its own
            Study.Task t = study.tasks().get(0);
            RunConfig c = study.config(t), d = RunConfig.defaults().withAttack(t.attack().name(), t.attack().params()).withSeed(t.seed());
            assertEquals(d.effectiveWidth(), c.effectiveWidth(), f.toString());
            boolean defaultTraining = c.trainLimit() == d.trainLimit() && c.epochs() == d.epochs();
            assertEquals(!f.getFileName().toString().startsWith("scale-"), defaultTraining, f.toString());
            assertEquals(defaultTraining, ModelCache.name(d).equals(ModelCache.name(c)), f.toString());
        }
    }

    private static Map<String, String> pairs(String... kv) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable e) {
        String m = assertThrows(IllegalArgumentException.class, e).getMessage();
        assertTrue(m.contains(part), m);
    }
}
