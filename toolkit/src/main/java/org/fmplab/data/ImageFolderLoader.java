package org.fmplab.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads datasets stored as one image file (PNG, JPEG, BMP, GIF) per sample, decoded with
 * {@code javax.imageio}. Images become three RGB channels, or one channel when every image of both
 * splits is greyscale. With {@code size > 0} every image is resized to size×size (bilinear); with
 * {@code size == 0} all images must share the first one's size.
 *
 * <p>Two layouts are supported:
 * <ul>
 *   <li>{@link #tinyImageNet Tiny-ImageNet-200}: {@code wnids.txt}, optional {@code words.txt},
 *       {@code train/<wnid>/images/*.JPEG}, and {@code val/images/*.JPEG} labelled by
 *       {@code val/val_annotations.txt}. The labelled val split is used as the test split (the
 *       official test split has no labels).</li>
 *   <li>{@link #folders One folder per class}: {@code ROOT/train/<class>/*} and {@code ROOT/test/<class>/*};
 *       classes are the sorted names of the training folders.</li>
 * </ul>
 */
public final class ImageFolderLoader {
    private static final String[] EXTENSIONS = {"png", "jpg", "jpeg", "bmp", "gif"};

    private ImageFolderLoader() {
    }

    /** Loads Tiny-ImageNet at its native 64×64. */
    public static DataSplit tinyImageNet(Path root) {
        return tinyImageNet(root, 0);
    }

    /**
     * Loads Tiny-ImageNet-200. {@code root} may be the {@code tiny-imagenet-200} folder or the folder
     * holding it. Class names are the first synonym of each wnid in {@code words.txt} (e.g. "goldfish"),
     * or the wnid itself when {@code words.txt} is absent or lacks it.
     *
     * @param size side to resize to, or 0 to keep the native size
     * @throws DatasetException naming the file on a missing {@code wnids.txt}, an empty class folder, an
     *                          unknown wnid in the annotations or an unreadable image
     */
    public static DataSplit tinyImageNet(Path root, int size) {
        checkSize(size);
        Path base = DataFiles.resolveRoot(DataFiles.requireDir(root), "tiny-imagenet-200", "wnids.txt");
        Path wnidsFile = base.resolve("wnids.txt");
        List<String> wnids = DataFiles.readNonBlankLines(wnidsFile);
        if (wnids.isEmpty()) throw DatasetException.at(wnidsFile, "lists no classes");
        Map<String, Integer> index = indexOf(wnids);

        List<Path> trainFiles = new ArrayList<>();
        List<Integer> trainLabels = new ArrayList<>();
        for (int k = 0; k < wnids.size(); k++) {
            addFolder(base.resolve("train").resolve(wnids.get(k)).resolve("images"), k, trainFiles, trainLabels);
        }

        Path val = base.resolve("val");
        Path annotations = val.resolve("val_annotations.txt");
        List<Path> testFiles = new ArrayList<>();
        List<Integer> testLabels = new ArrayList<>();
        List<String> lines = DataFiles.readLines(annotations);
        for (int ln = 0; ln < lines.size(); ln++) {
            if (lines.get(ln).isBlank()) continue;
            String[] f = lines.get(ln).split("\t");
            if (f.length < 2) throw DatasetException.at(annotations, "line " + (ln + 1) + ": expected file<TAB>wnid, got \"" + lines.get(ln) + "\"");
            Integer label = index.get(f[1].strip());
            if (label == null) {
                throw DatasetException.at(annotations, "line " + (ln + 1) + ": unknown class '" + f[1].strip() + "' (not in wnids.txt)");
            }
            testFiles.add(val.resolve("images").resolve(f[0].strip()));
            testLabels.add(label);
        }
        if (testFiles.isEmpty()) throw DatasetException.at(annotations, "lists no images");
        return pack("tiny-imagenet", trainFiles, trainLabels, testFiles, testLabels, classNames(base.resolve("words.txt"), wnids), size);
    }

    /** Loads a one-folder-per-class dataset at the images' own size. */
    public static DataSplit folders(Path root) {
        return folders(root, 0);
    }

    /**
     * Loads {@code root/train/<class>/*} and {@code root/test/<class>/*}. A test folder whose name is not a
     * training class is an error; a class may have no test folder.
     *
     * @param size side to resize to, or 0 to keep the native size
     * @throws DatasetException naming the folder or file when a folder is missing or empty, a test class is
     *                          unknown, or an image is unreadable
     */
    public static DataSplit folders(Path root, int size) {
        checkSize(size);
        Path train = DataFiles.requireDir(DataFiles.requireDir(root).resolve("train"));
        List<String> classes = DataFiles.list(train, Files::isDirectory).stream().map(p -> p.getFileName().toString()).toList();
        if (classes.isEmpty()) throw DatasetException.at(train, "empty folder: no class folders");
        Map<String, Integer> index = indexOf(classes);
        List<Path> trainFiles = new ArrayList<>();
        List<Integer> trainLabels = new ArrayList<>();
        for (int k = 0; k < classes.size(); k++) addFolder(train.resolve(classes.get(k)), k, trainFiles, trainLabels);

        Path test = DataFiles.requireDir(root.resolve("test"));
        List<Path> testFiles = new ArrayList<>();
        List<Integer> testLabels = new ArrayList<>();
        for (Path dir : DataFiles.list(test, Files::isDirectory)) {
            Integer label = index.get(dir.getFileName().toString());
            if (label == null) throw DatasetException.at(dir, "unknown class '" + dir.getFileName() + "' (no such folder in " + train + ")");
            addFolder(dir, label, testFiles, testLabels);
        }
        if (testFiles.isEmpty()) throw DatasetException.at(test, "empty folder: no class folders with images");
        Path folder = root.toAbsolutePath().normalize().getFileName();
        String name = folder == null ? "folder" : folder.toString();
        return pack(name, trainFiles, trainLabels, testFiles, testLabels, classes, size);
    }

    private static void addFolder(Path dir, int label, List<Path> files, List<Integer> labels) {
        List<Path> images = DataFiles.list(dir, p -> Files.isRegularFile(p) && DataFiles.hasExtension(p, EXTENSIONS));
        if (images.isEmpty()) throw DatasetException.at(dir, "empty folder: no PNG/JPEG images");
        for (Path p : images) {
            files.add(p);
            labels.add(label);
        }
    }

    private static DataSplit pack(String name, List<Path> trainFiles, List<Integer> trainLabels, List<Path> testFiles,
                                  List<Integer> testLabels, List<String> classes, int size) {
        ImagePacker.Packed train = ImagePacker.decode(trainFiles, toArray(trainLabels),
                i -> ImagePacker.readImage(trainFiles.get(i)), size, size);
        ImagePacker.Packed test = ImagePacker.decode(testFiles, toArray(testLabels),
                i -> ImagePacker.readImage(testFiles.get(i)), size, size);
        return ImagePacker.split(name, train, test, classes);
    }

    /** Human-readable names from Tiny-ImageNet's words.txt ("wnid TAB synonym, synonym, ..."). */
    private static List<String> classNames(Path words, List<String> wnids) {
        Map<String, String> byWnid = new HashMap<>();
        if (Files.isRegularFile(words)) {
            Map<String, Integer> wanted = indexOf(wnids);
            for (String line : DataFiles.readLines(words)) {
                int tab = line.indexOf('\t');
                if (tab < 0) continue;
                String wnid = line.substring(0, tab).strip();
                if (wanted.containsKey(wnid)) byWnid.put(wnid, line.substring(tab + 1).split(",")[0].strip());
            }
        }
        return wnids.stream().map(w -> byWnid.getOrDefault(w, w)).toList();
    }

    private static Map<String, Integer> indexOf(List<String> names) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < names.size(); i++) index.put(names.get(i), i);
        return index;
    }

    private static int[] toArray(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void checkSize(int size) {
        if (size < 0) throw new IllegalArgumentException("size must be >= 0 (0 keeps the native size), got " + size);
    }
}
