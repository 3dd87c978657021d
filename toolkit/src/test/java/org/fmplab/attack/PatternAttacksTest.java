package org.fmplab.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.fmplab.data.ImageDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/** BadNets, Blended and SIG against their formulas. */
class PatternAttacksTest {
    private static final int H = Tiny.SIZE;

    @Test
    void badNetsStampsAWhiteSquareInTheBottomRightCorner() {
        INDArray x = Tiny.batch(4);
        INDArray y = Attacks.create("badnets").apply(x, Tiny.ids(4));
        for (int n = 0; n < 4; n++) {
            for (int i = 0; i < H; i++) {
                for (int j = 0; j < H; j++) {
                    boolean inPatch = i >= H - 3 && j >= H - 3;
                    assertEquals(inPatch ? 1.0 : x.getDouble(n, 0, i, j), y.getDouble(n, 0, i, j), 0.0, "pixel " + i + "," + j);
                }
            }
        }
    }

    @Test
    void badNetsPatchFollowsSizeMarginAndValue() {
        INDArray y = Attacks.create("badnets", Map.of("size", 2, "margin", 1, "value", 0.5)).apply(Tiny.batch(1), Tiny.ids(1));
        assertEquals(0.5, y.getDouble(0, 0, H - 2, H - 2), 1e-7);
        assertEquals(0.5, y.getDouble(0, 0, H - 3, H - 3), 1e-7);
        assertEquals(Tiny.batch(1).getDouble(0, 0, H - 1, H - 1), y.getDouble(0, 0, H - 1, H - 1), 0.0);
    }

    @Test
    void blendedIsTheExactConvexCombination() {
        Blended b = (Blended) Attacks.create("blended", Map.of("alpha", 0.3));
        INDArray x = Tiny.batch(3);
        INDArray t = b.pattern(1, H, H);
        INDArray y = b.apply(x, Tiny.ids(3));
        for (int n = 0; n < 3; n++) {
            for (int i = 0; i < H; i++) {
                for (int j = 0; j < H; j++) {
                    double expected = 0.7 * x.getDouble(n, 0, i, j) + 0.3 * t.getDouble(0, i, j);
                    assertEquals(expected, y.getDouble(n, 0, i, j), 1e-6);
                }
            }
        }
        assertTrue(t.minNumber().doubleValue() >= 0 && t.maxNumber().doubleValue() <= 1);
    }

    @Test
    void blendedTextureIsSeeded() {
        INDArray a = ((Blended) Attacks.create("blended", Map.of("seed", 1))).pattern(3, H, H);
        INDArray b = ((Blended) Attacks.create("blended", Map.of("seed", 1))).pattern(3, H, H);
        INDArray c = ((Blended) Attacks.create("blended", Map.of("seed", 2))).pattern(3, H, H);
        assertEquals(a, b);
        assertFalse(a.equalsWithEps(c, 1e-3));
        assertTrue(a.maxNumber().doubleValue() - a.minNumber().doubleValue() > 0.5, "texture should use the range");
    }

    @Test
    void blendedUsesAUserImageResizedAndConvertedToTheChannels(@TempDir Path dir) throws Exception {
        BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) img.setRGB(x, y, 0xFF0000); // pure red
        Path file = dir.resolve("t.png");
        ImageIO.write(img, "png", file.toFile());
        Blended b = (Blended) Attacks.create("blended", Map.of("image", file.toString()));
        INDArray rgb = b.pattern(3, H, H);
        assertEquals(1.0, rgb.getDouble(0, 5, 5), 1e-6);
        assertEquals(0.0, rgb.getDouble(1, 5, 5), 1e-6);
        assertEquals(0.299, b.pattern(1, H, H).getDouble(0, 5, 5), 1e-6); // luma of red
    }

    @Test
    void sigAddsTheSinusoidToEveryRowAndChannelThenClips() {
        INDArray x = Tiny.batch(3);
        INDArray y = Attacks.create("sig").apply(x, Tiny.ids(3));
        for (int n = 0; n < 3; n++) {
            for (int i = 0; i < H; i++) {
                for (int j = 0; j < H; j++) {
                    double v = x.getDouble(n, 0, i, j) + 40 / 255.0 * Math.sin(2 * Math.PI * j * 6 / H);
                    assertEquals(Math.max(0, Math.min(1, v)), y.getDouble(n, 0, i, j), 1e-6);
                }
            }
        }
    }

    @Test
    void sigIsCleanLabelByDefaultAndDirtyOnRequest() {
        ImageDataset train = Tiny.train();
        PoisonedDataset clean = new Poisoner(Attacks.create("sig"), PoisonConfig.paper(0)).poison(train, null);
        for (int i : clean.poisonIndices()) {
            assertEquals(0, train.label(i), "clean-label victims come from the target class");
            assertEquals(0, clean.dataset().label(i));
        }
        PoisonedDataset dirty = new Poisoner(Attacks.create("sig", Map.of("dirty", true)), PoisonConfig.paper(0)).poison(train, null);
        for (int i : dirty.poisonIndices()) {
            assertTrue(train.label(i) != 0);
            assertEquals(0, dirty.dataset().label(i));
        }
    }
}
