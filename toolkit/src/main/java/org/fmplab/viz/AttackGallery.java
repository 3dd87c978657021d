package org.fmplab.viz;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.fmplab.attack.Attack;
import org.fmplab.data.ImageDataset;
import org.fmplab.render.ImageRenderable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A picture of what attacks do: one row per attack and, for each sample image, three tiles: the clean
 * image, the poisoned image and the absolute difference amplified so that the row's largest change is
 * white (the factor is printed under the attack's name). Attacks that need data must be prepared first
 * (poisoned through the {@link org.fmplab.attack.Poisoner} or restored). Shown directly by the notebook
 * kernel ({@link ImageRenderable}); {@link #writePng} saves it.
 */
public final class AttackGallery implements ImageRenderable {
    private static final int LABEL_WIDTH = 120;
    private static final int GAP = 4;
    private static final int HEADER = 18;

    /** One attack's row: clean and poisoned versions [N,C,H,W] in [0,1] of the same images. */
    public record Row(String attack, INDArray clean, INDArray poisoned) {
        public Row {
            if (!java.util.Arrays.equals(clean.shape(), poisoned.shape())) {
                throw new IllegalArgumentException(attack + ": clean " + java.util.Arrays.toString(clean.shape())
                        + " and poisoned " + java.util.Arrays.toString(poisoned.shape()) + " differ in shape");
            }
        }
    }

    private final List<Row> rows;
    private final int scale;

    /**
     * @param rows  the rows, top to bottom
     * @param scale pixel magnification of the tiles, ≥ 1
     */
    public AttackGallery(List<Row> rows, int scale) {
        if (rows.isEmpty()) throw new IllegalArgumentException("rows must not be empty");
        if (scale < 1) throw new IllegalArgumentException("scale = " + scale + " must be >= 1");
        this.rows = List.copyOf(rows);
        this.scale = scale;
    }

    /**
     * Applies each attack's training trigger to the images at {@code indices} of {@code images}
     * (their indices are the sample ids) and lays the results out at 3× magnification.
     */
    public static AttackGallery of(List<? extends Attack> attacks, ImageDataset images, int[] indices) {
        INDArray clean = images.features(indices);
        List<Row> rows = new ArrayList<>();
        for (Attack a : attacks) rows.add(new Row(a.name(), clean, a.apply(clean.dup(), indices.clone())));
        return new AttackGallery(rows, 3);
    }

    public List<Row> rows() {
        return rows;
    }

    @Override
    public BufferedImage toImage() {
        INDArray first = rows.get(0).clean();
        int n = (int) first.size(0), h = (int) first.size(2) * scale, w = (int) first.size(3) * scale;
        int tileRow = 3 * w + 2 * GAP;
        int width = LABEL_WIDTH + n * (tileRow + 3 * GAP);
        int height = HEADER + rows.size() * (h + GAP) + GAP;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            g.setColor(Color.DARK_GRAY);
            for (int s = 0; s < n; s++) {
                int x = LABEL_WIDTH + s * (tileRow + 3 * GAP);
                g.drawString("clean", x, HEADER - 5);
                g.drawString("poisoned", x + w + GAP, HEADER - 5);
                g.drawString("|diff|", x + 2 * (w + GAP), HEADER - 5);
            }
            for (int r = 0; r < rows.size(); r++) drawRow(g, rows.get(r), HEADER + r * (h + GAP), n, w, tileRow);
        } finally {
            g.dispose();
        }
        return img;
    }

    /** The gallery as PNG bytes. */
    public byte[] toPng() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(toImage(), "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Writes the gallery as a PNG file (parent folders are created) and returns the path. */
    public Path writePng(Path file) throws IOException {
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        Files.write(file, toPng());
        return file;
    }

    private void drawRow(Graphics2D g, Row row, int y, int n, int w, int tileRow) {
        INDArray diff = row.poisoned().sub(row.clean());
        org.nd4j.linalg.ops.transforms.Transforms.abs(diff, false);
        double max = diff.maxNumber().doubleValue();
        double amp = max > 0 ? 1 / max : 1;
        g.setColor(Color.BLACK);
        g.drawString(row.attack(), 4, y + 14);
        g.setColor(Color.GRAY);
        g.drawString(max > 0 ? String.format(java.util.Locale.ROOT, "diff x%.1f", amp) : "no change", 4, y + 28);
        for (int s = 0; s < n; s++) {
            int x = LABEL_WIDTH + s * (tileRow + 3 * GAP);
            g.drawImage(tile(row.clean(), s, 1), x, y, null);
            g.drawImage(tile(row.poisoned(), s, 1), x + w + GAP, y, null);
            g.drawImage(tile(diff, s, amp), x + 2 * (w + GAP), y, null);
        }
    }

    // Image s of a batch as an RGB (or grey) tile, values × amp clipped to [0,1], magnified.
    private BufferedImage tile(INDArray batch, int s, double amp) {
        int c = (int) batch.size(1), h = (int) batch.size(2), w = (int) batch.size(3);
        float[] px = batch.get(org.nd4j.linalg.indexing.NDArrayIndex.point(s)).dup('c').data().asFloat();
        BufferedImage t = new BufferedImage(w * scale, h * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h * scale; y++) {
            for (int x = 0; x < w * scale; x++) {
                int p = (y / scale) * w + x / scale;
                int[] v = new int[3];
                for (int k = 0; k < 3; k++) {
                    float f = px[(c == 3 ? k : 0) * h * w + p];
                    v[k] = (int) Math.round(Math.max(0, Math.min(1, f * amp)) * 255);
                }
                t.setRGB(x, y, (v[0] << 16) | (v[1] << 8) | v[2]);
            }
        }
        return t;
    }
}
