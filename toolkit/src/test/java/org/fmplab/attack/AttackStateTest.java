package org.fmplab.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class AttackStateTest {

    @Test
    void savedAndRestoredAttacksProduceIdenticalTriggeredImages(@TempDir Path dir) throws Exception {
        INDArray x = Tiny.batch(8);
        for (String name : AttacksTest.ALL) {
            Attack a = Tiny.prepared(name);
            Path d = dir.resolve(name);
            AttackState.save(a, d);
            Attack b = AttackState.load(d);
            assertEquals(a.name(), b.name());
            assertEquals(a.params(), b.params(), name);
            assertEquals(a.apply(x, Tiny.ids(8)), b.apply(x, Tiny.ids(8)), name + ": training trigger");
            assertEquals(a.applyTest(x, Tiny.ids(8)), b.applyTest(x, Tiny.ids(8)), name + ": test trigger");
        }
    }

    @Test
    void aFormat1StateWithCamelCaseKeysStillLoads(@TempDir Path dir) throws Exception {
        java.nio.file.Files.writeString(dir.resolve(AttackState.DESCRIPTOR), """
                {"format": "fmplab-attack-state/1", "name": "wanet",
                 "params": {"k": 4, "s": 0.5, "crossRatio": 3.0, "seed": 7, "redraw": false}, "arrays": {}}""");
        Attack a = AttackState.load(dir);
        assertEquals(Attacks.create("wanet", java.util.Map.of("cross-ratio", 3.0, "seed", 7, "redraw", false)).params(), a.params());
    }

    @Test
    void blendedKeepsAUserImageWhenTheFileIsGone(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("blend.png");
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(5, 7, java.awt.image.BufferedImage.TYPE_INT_RGB);
        img.setRGB(2, 3, 0x80FF20);
        javax.imageio.ImageIO.write(img, "png", file.toFile());
        Attack a = Attacks.create("blended", Map.of("image", file.toString()));
        AttackState.save(a, dir.resolve("state"));
        Files.delete(file);
        Attack b = AttackState.load(dir.resolve("state"));
        assertEquals(a.apply(Tiny.batch(2), Tiny.ids(2)), b.apply(Tiny.batch(2), Tiny.ids(2)));
    }

    @Test
    void stateFilesAreNumpyArraysWithChecksums(@TempDir Path dir) throws Exception {
        AttackState.save(Attacks.create("wanet"), dir);
        String json = Files.readString(dir.resolve(AttackState.DESCRIPTOR));
        assertTrue(json.contains("\"name\" : \"wanet\"") && json.contains("sha256"), json);
        INDArray field = Nd4j.createFromNpyFile(dir.resolve("field.npy").toFile());
        assertEquals(Attacks.create("wanet").state().get("field"), field);
        byte[] bytes = Files.readAllBytes(dir.resolve("field.npy"));
        bytes[bytes.length - 1] ^= 1;
        Files.write(dir.resolve("field.npy"), bytes);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AttackState.load(dir));
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
    }
}
