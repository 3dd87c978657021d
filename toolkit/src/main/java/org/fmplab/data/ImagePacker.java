package org.fmplab.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;

/**
 * Decodes one-file-per-image datasets (in parallel) into the single NCHW byte array of an
 * {@link ImageDataset}. Pictures are resized to a fixed size, or must all share the first one's size.
 * Grey pictures are kept as one channel only when every picture of both splits is grey.
 */
final class ImagePacker {
    private ImagePacker() {
    }

    /** Decoded images of one split, held as RGB until the grey/colour decision is made. */
    record Packed(Path firstFile, byte[] rgb, int[] labels, int height, int width, boolean allGray) {
        ImageDataset build(String name, List<String> classNames, boolean gray) {
            if (!gray) return ImageDataset.wrap(name, rgb, labels, 3, height, width, classNames);
            int plane = height * width;
            byte[] out = new byte[labels.length * plane];
            for (int i = 0; i < labels.length; i++) System.arraycopy(rgb, i * 3 * plane, out, i * plane, plane);
            return ImageDataset.wrap(name, out, labels, 1, height, width, classNames);
        }
    }

    /**
     * Decodes {@code files.size()} pictures with {@code decoder} (given the index).
     *
     * @param height target height, or 0 to keep the size of the first picture (then all must match)
     */
    static Packed decode(List<Path> files, int[] labels, IntFunction<Picture> decoder, int height, int width) {
        if (files.isEmpty()) throw new IllegalArgumentException("no images to decode");
        int h = height;
        int w = width;
        if (h <= 0 || w <= 0) {
            Picture first = decoder.apply(0);
            h = first.height();
            w = first.width();
        }
        int per = 3 * h * w;
        if ((long) per * files.size() > Integer.MAX_VALUE - 8) {
            throw DatasetException.at(files.get(0).getParent(), files.size() + " images of " + h + "x" + w
                    + " do not fit in one dataset: pass a smaller size");
        }
        byte[] rgb = new byte[per * files.size()];
        AtomicBoolean allGray = new AtomicBoolean(true);
        final int fh = h;
        final int fw = w;
        final boolean resize = height > 0 && width > 0;
        IntStream.range(0, files.size()).parallel().forEach(i -> {
            Picture p = decoder.apply(i);
            if (resize) {
                p = p.resize(fh, fw);
            } else if (p.height() != fh || p.width() != fw) {
                throw DatasetException.at(files.get(i), "image is " + p.width() + "x" + p.height() + " but the first is "
                        + fw + "x" + fh + ": pass a size to resize all images");
            }
            if (p.channels() != 1) allGray.set(false);
            System.arraycopy(p.toRgb().pixels(), 0, rgb, i * per, per);
        });
        return new Packed(files.get(0), rgb, labels, h, w, allGray.get());
    }

    /** Builds both splits: one channel if every image of both is grey, else three. */
    static DataSplit split(String name, Packed train, Packed test, List<String> classNames) {
        if (train.height() != test.height() || train.width() != test.width()) {
            throw DatasetException.at(test.firstFile(), "test images are " + test.width() + "x" + test.height()
                    + " but training images are " + train.width() + "x" + train.height() + ": pass a size to resize all images");
        }
        boolean gray = train.allGray() && test.allGray();
        return new DataSplit(train.build(name + "-train", classNames, gray), test.build(name + "-test", classNames, gray));
    }

    /** Reads a PNG, JPEG, BMP or GIF with ImageIO. */
    static Picture readImage(Path file) {
        DataFiles.requireFile(file);
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw DatasetException.at(file, "unreadable image: " + e.getMessage(), e);
        }
        if (img == null) throw DatasetException.at(file, "unreadable image: no ImageIO decoder recognises its format");
        return Picture.fromBufferedImage(img);
    }
}
