package org.fmplab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class ModelIOTest {
    @TempDir
    Path tmp;

    private ComputationGraph trainedNet() {
        ComputationGraph net = Models.build(new ModelSpec(ModelSpec.PREACT_RESNET18, 4, 1, 12, 12, 3, 9));
        // change BN running statistics too, so the round trip covers every parameter kind
        net.fit(new org.nd4j.linalg.dataset.DataSet(Nd4j.rand(DataType.FLOAT, 8, 1, 12, 12), Nd4j.eye(3).repeat(0, 3).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 8))));
        return net;
    }

    @Test
    void roundTripIsBitExactWithMetadata() {
        ComputationGraph net = trainedNet();
        Path dir = tmp.resolve("m");
        ModelIO.save(net, dir, Map.of("attack", "badnets", "seed", 3));
        ModelIO.Saved s = ModelIO.load(dir);
        assertEquals(net.params(), s.model().params());
        var x = Nd4j.rand(DataType.FLOAT, 4, 1, 12, 12);
        assertEquals(net.outputSingle(x), s.model().outputSingle(x));
        assertEquals("badnets", s.metadata().get("attack"));
        assertEquals(3, s.metadata().get("seed"));
    }

    @Test
    void tamperedParametersAreRefused() throws Exception {
        Path dir = tmp.resolve("m");
        ModelIO.save(trainedNet(), dir, Map.of());
        byte[] p = Files.readAllBytes(dir.resolve("params.npy"));
        p[p.length - 3] ^= 0x40;
        Files.write(dir.resolve("params.npy"), p);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelIO.load(dir));
        assertTrue(e.getMessage().contains("params.npy") && e.getMessage().contains("SHA-256"), e.getMessage());
    }

    @Test
    void tamperedConfigIsRefused() throws Exception {
        Path dir = tmp.resolve("m");
        ModelIO.save(trainedNet(), dir, Map.of());
        Files.writeString(dir.resolve("config.json"), Files.readString(dir.resolve("config.json")).replace("\"nout\" : 3", "\"nout\" : 4"));
        Files.writeString(dir.resolve("config.json"), Files.readString(dir.resolve("config.json")) + " ");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelIO.load(dir));
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
    }

    @Test
    void unexpectedOrMissingEntriesAreRefused() throws Exception {
        Path dir = tmp.resolve("m");
        ModelIO.save(trainedNet(), dir, Map.of());
        Files.write(dir.resolve("payload.bin"), new byte[] {1, 2, 3});
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelIO.load(dir));
        assertTrue(e.getMessage().contains("payload.bin"), e.getMessage());
        Files.delete(dir.resolve("payload.bin"));
        Files.delete(dir.resolve("manifest.json"));
        e = assertThrows(ModelFormatException.class, () -> ModelIO.load(dir));
        assertTrue(e.getMessage().contains("manifest.json") && e.getMessage().contains("missing"), e.getMessage());
        e = assertThrows(ModelFormatException.class, () -> ModelIO.load(tmp.resolve("nothing")));
        assertTrue(e.getMessage().contains("nothing"), e.getMessage());
    }

    @Test
    void manifestWithWrongFormatIsRefused() throws Exception {
        Path dir = tmp.resolve("m");
        ModelIO.save(trainedNet(), dir, Map.of());
        Files.writeString(dir.resolve("manifest.json"), Files.readString(dir.resolve("manifest.json")).replace("fmplab-model", "other"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelIO.load(dir));
        assertTrue(e.getMessage().contains("format"), e.getMessage());
    }
}
