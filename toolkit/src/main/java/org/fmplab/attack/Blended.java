package org.fmplab.attack;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.fmplab.params.ParamSet;
import org.fmplab.params.ParamSpec;
import org.fmplab.params.Params;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Blended (Chen et al. 2017): x' = (1 − α)·x + α·T, where T is a blend image resized to the input.
 * By default T is a seeded procedural texture ({@link Patterns#texture}); a user image file (PNG, JPEG,
 * ...) can be given instead. A file's pixels are part of the attack's {@linkplain #state() state}, so
 * a saved attack still works when the file is gone.
 */
public final class Blended extends PatternAttack {
    static final String NAME = "blended";
    /** Blended's parameters. */
    public static final ParamSet PARAMS = ParamSet.of(NAME,
            ParamSpec.realOpen("alpha", 0.2, 0, 1, "blend weight of the pattern"),
            ParamSpec.text("image", "", "picture file to blend in (empty: a seeded procedural texture)"),
            ParamSpec.longInt("seed", 0, "seed of the procedural texture"));
    private final double alpha;
    private final String imageFile;
    private final long seed;
    private INDArray fileImage; // [C,h,w] at the file's resolution, loaded lazily

    /**
     * @param alpha     blend weight in (0, 1), default 0.2
     * @param imageFile a picture to blend in, or "" for the procedural texture
     * @param seed      seed of the procedural texture
     */
    public Blended(double alpha, String imageFile, long seed) {
        this.alpha = PARAMS.checked("alpha", alpha);
        this.imageFile = imageFile == null ? "" : imageFile;
        this.seed = seed;
    }

    /** From registry parameters; defaults α = 0.2 and the procedural texture of seed 0. */
    static Blended from(Params p) {
        return new Blended(p.getDouble("alpha"), p.getString("image"), p.getLong("seed"));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> params() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("alpha", alpha);
        m.put("image", imageFile);
        m.put("seed", seed);
        return m;
    }

    public double alpha() {
        return alpha;
    }

    @Override
    public void prepare(AttackContext context) {
        if (!imageFile.isEmpty()) fileImage();
    }

    /** The blend image T [C,H,W] in [0,1] for images of this shape. */
    @Override
    public INDArray pattern(int c, int h, int w) {
        if (imageFile.isEmpty()) return ImageOps.array(Patterns.texture(c, h, w, seed), c, h, w);
        INDArray img = fileImage();
        int fc = (int) img.size(0), fh = (int) img.size(1), fw = (int) img.size(2);
        float[] resized = ImageOps.resizeBilinear(ImageOps.floats(img), fc, fh, fw, h, w);
        return ImageOps.array(toChannels(resized, fc, c, h * w), c, h, w);
    }

    @Override
    INDArray combine(INDArray images, INDArray pattern) {
        return blend(images, pattern, alpha);
    }

    @Override
    public Map<String, INDArray> state() {
        return imageFile.isEmpty() ? Map.of() : Map.of("image", fileImage());
    }

    @Override
    public void restoreState(Map<String, INDArray> state) {
        if (imageFile.isEmpty()) {
            if (!state.isEmpty()) throw new IllegalArgumentException(NAME + ": the procedural pattern has no state, got " + state.keySet());
            return;
        }
        INDArray img = state.get("image");
        if (img == null || img.rank() != 3) throw new IllegalArgumentException(NAME + ": state needs a [C,H,W] 'image' array");
        fileImage = img.dup();
    }

    private synchronized INDArray fileImage() {
        if (fileImage == null) fileImage = load(Path.of(imageFile));
        return fileImage;
    }

    // RGB picture as [3,h,w] in [0,1].
    private static INDArray load(Path file) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(NAME + ": image = " + file + " is not a readable file");
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(NAME + ": cannot read image " + file + ": " + e.getMessage(), e);
        }
        if (img == null) throw new IllegalArgumentException(NAME + ": image = " + file + " is not a format ImageIO can read");
        int h = img.getHeight(), w = img.getWidth();
        float[] px = new float[3 * h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                for (int c = 0; c < 3; c++) px[(c * h + y) * w + x] = ((rgb >> (16 - 8 * c)) & 0xFF) / 255f;
            }
        }
        return ImageOps.array(px, 3, h, w);
    }

    // RGB -> grey (luma) for one-channel data; grey -> replicated for three channels.
    private static float[] toChannels(float[] src, int from, int to, int plane) {
        if (from == to) return src;
        float[] out = new float[to * plane];
        for (int i = 0; i < plane; i++) {
            float grey = from == 3 ? 0.299f * src[i] + 0.587f * src[plane + i] + 0.114f * src[2 * plane + i] : src[i];
            for (int c = 0; c < to; c++) out[c * plane + i] = from == 3 && to == 3 ? src[c * plane + i] : grey;
        }
        return out;
    }
}
