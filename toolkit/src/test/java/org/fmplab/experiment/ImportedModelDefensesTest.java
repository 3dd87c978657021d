package org.fmplab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.defense.api.Defenses;
import org.fmplab.data.ImageDataset;
import org.fmplab.defense.api.DefenderData;
import org.fmplab.defense.api.DefenseResult;
import org.fmplab.defense.api.DefenseStage;
import org.fmplab.importer.TorchModels;
import org.fmplab.model.Inference;
import org.fmplab.model.ModelSpec;
import org.fmplab.model.NormalizeVertex;
import org.fmplab.prune.ChannelMask;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** FMP and every baseline run on an imported model (with its input normalisation) and keep that normalisation. */
class ImportedModelDefensesTest {
    /** Shortest settings: this checks that the defenses run on the imported graph, not how well they work. */
    static final Map<String, Map<String, String>> SHORT = Map.of(
            "fmp", Map.of("probe", "4", "steps", "1", "epochs", "1", "select", "layer:0.25"), "ft", Map.of("epochs", "1"),
            "fp", Map.of("epochs", "1"), "random", Map.of("epochs", "1"), "nad", Map.of("epochs", "1", "teacher-epochs", "1"),
            "nc", Map.of("steps", "2", "batch", "8", "unlearn-epochs", "1"), "anp", Map.of("iterations", "2", "batch", "16"),
            "ibau", Map.of("rounds", "1", "inner-steps", "2", "inner-batch", "16"), "clp", Map.of());

    static ImageDataset data(int n) {
        Random r = new Random(5);
        byte[] px = new byte[n * 3 * 16 * 16];
        r.nextBytes(px);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = i % 5;
        return ImageDataset.of("tiny", px, labels, 3, 16, 16, ImageDataset.numberedClasses(5));
    }

    @Test
    void fmpAndEveryBaselineDefendAnImportedModel() {
        NormalizeVertex norm = new NormalizeVertex(new double[] {0.5, 0.4, 0.3}, new double[] {0.2, 0.25, 0.3});
        ComputationGraph net = TorchModels.importWeights(ModelSpec.SMALL_CNN,
                TorchModels.readWeights(Path.of("src/test/resources/import/smallcnn-w4.safetensors")), 5, 3, 16, 16, norm);
        ImageDataset d = data(40);
        INDArray x = d.features(new int[] {0, 1, 2, 3});
        INDArray before = net.params().dup();
        assertEquals(SHORT.keySet(), Defenses.names().stream().filter(n -> !n.equals("none")).collect(java.util.stream.Collectors.toSet()));
        for (String name : SHORT.keySet()) {
            DefenseResult r = Defenses.create(name, SHORT.get(name)).defend(net, new DefenderData(d, 3), null);
            assertFalse(r.stages().isEmpty(), name);
            for (DefenseStage s : r.stages()) {
                ComputationGraph m = s.model();
                assertInstanceOf(NormalizeVertex.class, m.getConfiguration().getVertices().get("normalize"), name + " keeps the normalisation");
                INDArray z = Inference.logits(m, x);
                assertEquals(List.of(4L, 5L), List.of(z.size(0), z.size(1)), name);
                assertTrue(Double.isFinite(z.sumNumber().doubleValue()), name + " " + s.name());
            }
            if (r.details().get("mask") instanceof ChannelMask mask) {
                ComputationGraph pruned = r.stages().get(0).model();
                for (String layer : List.of("conv1", "conv2", "conv3", "conv4")) {
                    for (int c : mask.pruned(layer)) {
                        assertEquals(0.0, pruned.getLayer(layer).getParam("W").tensorAlongDimension(c, 1, 2, 3).amaxNumber().doubleValue(), 0.0, name);
                    }
                }
            }
            assertEquals(before, net.params(), name + " leaves the imported model alone");
        }
    }
}
