package org.fmplab.viz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.fmplab.attack.Attack;
import org.fmplab.attack.Attacks;
import org.fmplab.data.ImageDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttackGalleryTest {

    @Test
    void oneRowPerAttackWithCleanPoisonedAndDifferenceTiles(@TempDir Path dir) throws Exception {
        byte[] px = new byte[3 * 10 * 10];
        java.util.Arrays.fill(px, (byte) 100);
        ImageDataset data = ImageDataset.of("grey", px, new int[] {1, 2, 3}, 1, 10, 10, ImageDataset.numberedClasses(5));
        List<Attack> attacks = List.of(Attacks.create("badnets"), Attacks.create("blended"), Attacks.create("sig"));
        AttackGallery g = AttackGallery.of(attacks, data, new int[] {0, 2});
        assertEquals(3, g.rows().size());
        BufferedImage img = g.toImage();
        Path file = g.writePng(dir.resolve("sub/gallery.png"));
        BufferedImage read = ImageIO.read(file.toFile());
        assertEquals(img.getWidth(), read.getWidth());
        assertEquals(img.getHeight(), read.getHeight());
        assertTrue(img.getWidth() > 2 * 3 * 30 && img.getHeight() > 3 * 30, img.getWidth() + "x" + img.getHeight());
        // BadNets row: the amplified difference of the patch is white, elsewhere black
        int y0 = 18, x0 = 120 + 2 * (30 + 4);
        assertEquals(0xFFFFFF, img.getRGB(x0 + 29, y0 + 29) & 0xFFFFFF);
        assertEquals(0x000000, img.getRGB(x0 + 2, y0 + 2) & 0xFFFFFF);
    }
}
