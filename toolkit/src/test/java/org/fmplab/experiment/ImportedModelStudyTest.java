package org.fmplab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.model.ModelIO;
import org.fmplab.model.ModelSpec;
import org.fmplab.model.Models;
import org.fmplab.study.CellResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A study defends a model trained elsewhere ({@code model-dir}) instead of training one. */
class ImportedModelStudyTest {
    @Test
    void aStudyDefendsTheGivenModelAndTrainsNothing(@TempDir Path dir) {
        ComputationGraph net = Models.build(new ModelSpec(ModelSpec.SMALL_CNN, 4, 1, 28, 28, 10, 3));
        Path modelDir = dir.resolve("imported");
        ModelIO.save(net, modelDir, Map.of("source", "test"));
        StudySpec spec = StudySpec.with(StudySpec.quick(), Map.of("model-dir", modelDir.toString(), "seeds", "0,1",
                "train-limit", "600", "test-limit", "200", "defenses", "fmp(epochs=1)", "sizes", "C/4", "fine-tune-sizes", "",
                "control-draws", "1", "analyses", ""), "");
        Study study = new Study(spec, new ArtifactStore(dir.resolve("store")));
        study.runAll(null);
        assertFalse(Files.exists(dir.resolve("store").resolve("models")), "nothing was trained");
        List<CellResult> rows = study.rows();
        // per seed: the undefended model, FMP and one random draw at the pruned stage
        assertEquals(2 * 3, rows.size(), rows.toString());
        var evaluator = new Pipeline(spec.runConfig("fashion-mnist", spec.attacks().get(0), 0), null).prepareData().evaluator();
        double ca = evaluator.evaluate(ModelIO.load(modelDir).model()).ca();
        CellResult none = rows.stream().filter(r -> r.defense().equals(Study.NONE) && r.seed() == 0).findFirst().orElseThrow();
        assertEquals(ca, none.ca(), 1e-12, "the undefended row is the given model");
        assertTrue(study.isDone(study.tasks().get(1)));
        assertEquals("imported", spec.toMap().get("model-dir").toString().substring(spec.toMap().get("model-dir").toString().length() - 8));
    }
}
