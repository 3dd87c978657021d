package org.fmplab.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An immutable labelled image dataset. Pixels are stored as unsigned bytes (0-255) in NCHW order,
 * which is both compact and exactly the space in which attacks poison images. Networks see floats
 * in [0,1] through {@link #features(int[])}.
 */
public final class ImageDataset {
    private final String name;
    private final byte[] pixels;
    private final int[] labels;
    private final int channels;
    private final int height;
    private final int width;
    private final List<String> classNames;

    private ImageDataset(String name, byte[] pixels, int[] labels, int channels, int height, int width,
                         List<String> classNames) {
        this.name = name;
        this.pixels = pixels;
        this.labels = labels;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classNames = classNames;
    }

    /**
     * Creates a dataset, copying the arrays.
     *
     * @param pixels     n·c·h·w unsigned bytes, NCHW
     * @param labels     n labels in [0, classNames.size())
     * @throws IllegalArgumentException if sizes disagree or a label is out of range
     */
    public static ImageDataset of(String name, byte[] pixels, int[] labels, int channels, int height,
                                  int width, List<String> classNames) {
        return wrap(name, pixels.clone(), labels.clone(), channels, height, width, classNames);
    }

    /** Like {@link #of} but takes ownership of the arrays (callers must not change them later). */
    static ImageDataset wrap(String name, byte[] pixels, int[] labels, int channels, int height, int width,
                             List<String> classNames) {
        Objects.requireNonNull(name, "name");
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image shape must be positive, got " + channels + "x" + height + "x" + width);
        }
        if (classNames == null || classNames.isEmpty()) {
            throw new IllegalArgumentException("classNames must not be empty");
        }
        long per = (long) channels * height * width;
        if (pixels.length != per * labels.length) {
            throw new IllegalArgumentException("pixel count " + pixels.length + " does not match " + labels.length
                    + " images of " + channels + "x" + height + "x" + width + " (= " + per * labels.length + ")");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException("label " + labels[i] + " of image " + i + " is outside [0, "
                        + classNames.size() + ")");
            }
        }
        return new ImageDataset(name, pixels, labels, channels, height, width, List.copyOf(classNames));
    }

    /** Class names [0..K) named "0".."K-1". */
    public static List<String> numberedClasses(int k) {
        List<String> names = new ArrayList<>(k);
        for (int i = 0; i < k; i++) names.add(Integer.toString(i));
        return names;
    }

    public String name() { return name; }
    public int size() { return labels.length; }
    public int channels() { return channels; }
    public int height() { return height; }
    public int width() { return width; }
    /** Number of values of one image: c·h·w. */
    public int imageSize() { return channels * height * width; }
    public int numClasses() { return classNames.size(); }
    public List<String> classNames() { return classNames; }
    public int label(int i) { return labels[i]; }
    /** A copy of all labels. */
    public int[] labels() { return labels.clone(); }

    /** A copy of image {@code i} as c·h·w unsigned bytes. */
    public byte[] image(int i) {
        int per = imageSize();
        return Arrays.copyOfRange(pixels, i * per, (i + 1) * per);
    }

    /** Pixel value (0-255) of image i at channel c, row y, column x. */
    public int pixel(int i, int c, int y, int x) {
        return pixels[((i * channels + c) * height + y) * width + x] & 0xFF;
    }

    /** A copy of all pixels, NCHW unsigned bytes. */
    public byte[] pixels() { return pixels.clone(); }

    /** Number of images per class. */
    public int[] classCounts() {
        int[] counts = new int[numClasses()];
        for (int l : labels) counts[l]++;
        return counts;
    }

    /** The images at {@code indices} (in that order; repeats allowed). */
    public ImageDataset subset(int[] indices) {
        int per = imageSize();
        byte[] px = new byte[indices.length * per];
        int[] lb = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            int i = indices[k];
            if (i < 0 || i >= size()) throw new IndexOutOfBoundsException("index " + i + " outside [0, " + size() + ")");
            System.arraycopy(pixels, i * per, px, k * per, per);
            lb[k] = labels[i];
        }
        return new ImageDataset(name, px, lb, channels, height, width, classNames);
    }

    /** The first {@code n} images (all if n ≥ size). */
    public ImageDataset head(int n) {
        int k = Math.min(n, size());
        int[] idx = new int[k];
        for (int i = 0; i < k; i++) idx[i] = i;
        return subset(idx);
    }

    /** Same images and labels under another name. */
    public ImageDataset withName(String newName) {
        return new ImageDataset(newName, pixels, labels, channels, height, width, classNames);
    }

    /** A dataset with these (validated, copied) pixels and labels and this dataset's shape and classes. */
    public ImageDataset withData(byte[] newPixels, int[] newLabels) {
        return of(name, newPixels, newLabels, channels, height, width, classNames);
    }

    /** This dataset followed by {@code other} (same shape and classes required). */
    public ImageDataset concat(ImageDataset other) {
        if (other.channels != channels || other.height != height || other.width != width
                || !other.classNames.equals(classNames)) {
            throw new IllegalArgumentException("cannot concatenate " + describe() + " and " + other.describe());
        }
        byte[] px = Arrays.copyOf(pixels, pixels.length + other.pixels.length);
        System.arraycopy(other.pixels, 0, px, pixels.length, other.pixels.length);
        int[] lb = Arrays.copyOf(labels, labels.length + other.labels.length);
        System.arraycopy(other.labels, 0, lb, labels.length, other.labels.length);
        return new ImageDataset(name, px, lb, channels, height, width, classNames);
    }

    /** Images at {@code indices} as a float [k, c, h, w] array with values in [0,1]. */
    public INDArray features(int[] indices) {
        int per = imageSize();
        float[] out = new float[indices.length * per];
        for (int k = 0; k < indices.length; k++) {
            int base = indices[k] * per;
            int o = k * per;
            for (int j = 0; j < per; j++) out[o + j] = (pixels[base + j] & 0xFF) * (1f / 255f);
        }
        return Nd4j.create(out, new long[] {indices.length, channels, height, width}, 'c');
    }

    /** All images as a float [n, c, h, w] array in [0,1]. */
    public INDArray features() {
        return features(range(size()));
    }

    /** One-hot labels of {@code indices} as a float [k, K] array. */
    public INDArray oneHot(int[] indices) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, indices.length, numClasses());
        for (int k = 0; k < indices.length; k++) y.putScalar(k, labels[indices[k]], 1f);
        return y;
    }

    /** Labels of {@code indices}. */
    public int[] labels(int[] indices) {
        int[] out = new int[indices.length];
        for (int k = 0; k < indices.length; k++) out[k] = labels[indices[k]];
        return out;
    }

    /** A short description: name, count, shape and classes. */
    public String describe() {
        return name + " (" + size() + " images, " + channels + "x" + height + "x" + width + ", " + numClasses() + " classes)";
    }

    @Override
    public String toString() {
        return "ImageDataset[" + describe() + "]";
    }

    static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) r[i] = i;
        return r;
    }
}
