package org.fmplab.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The registry of datasets the CLI and notebooks name by string: {@code Datasets.load("cifar10", dir)}.
 * Adding a dataset is one {@link #register} line in the static block below.
 *
 * <p>Fashion-MNIST defaults to {@code /usr/share/datasets/fashion-mnist} (Debian's {@code
 * dataset-fashion-mnist} package, installed by {@code ./fmplab setup}) when that folder exists, else to
 * {@code <data root>/fashion-mnist} when that exists (Binder's {@code postBuild} fetches it there);
 * every other dataset defaults to
 * {@code $FMPLAB_DATA/<name>} when the environment variable {@code FMPLAB_DATA} is set, else to
 * {@code datasets/cache/<name>} relative to the working directory, where the {@code datasets/fetch-*.sh}
 * scripts put them.
 */
public final class Datasets {
    /** Environment variable naming the folder that holds the downloaded datasets. */
    public static final String DATA_ENV = "FMPLAB_DATA";

    /** Fashion-MNIST's ten classes, by label. */
    public static final List<String> FASHION_MNIST_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress",
            "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private record Entry(String name, Path fixedDir, String howToGet, Function<Path, DataSplit> loader) {
    }

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

    static {
        register("fashion-mnist", Path.of("/usr/share/datasets/fashion-mnist"), "apt-get install dataset-fashion-mnist",
                dir -> IdxLoader.load(dir, "fashion-mnist", FASHION_MNIST_CLASSES));
        register("mnist", null, "datasets/fetch-mnist.sh", dir -> IdxLoader.load(dir, "mnist", ImageDataset.numberedClasses(10)));
        register("cifar10", null, "datasets/fetch-cifar10.sh", CifarLoader::cifar10);
        register("cifar100", null, "datasets/fetch-cifar100.sh", CifarLoader::cifar100);
        register("gtsrb", null, "datasets/fetch-gtsrb.sh", GtsrbLoader::load);
        register("tiny-imagenet", null, "datasets/fetch-tiny-imagenet.sh", ImageFolderLoader::tinyImageNet);
        register("folder", null, "put images in DIR/train/<class>/ and DIR/test/<class>/", ImageFolderLoader::folders);
    }

    private Datasets() {
    }

    /**
     * @param fixedDir where the dataset always lives by default, or null for {@code <data root>/<name>}
     * @param howToGet a fetch script (run with the directory as argument) or an instruction
     */
    private static void register(String name, Path fixedDir, String howToGet, Function<Path, DataSplit> loader) {
        ENTRIES.put(name, new Entry(name, fixedDir, howToGet, loader));
    }

    /** The registered dataset names, in registration order. */
    public static List<String> names() {
        return List.copyOf(ENTRIES.keySet());
    }

    /** Loads a dataset from its {@linkplain #defaultDir default directory}. */
    public static DataSplit load(String name) {
        return load(name, null);
    }

    /**
     * Loads a dataset.
     *
     * @param dataDir the dataset's directory, or null for its {@linkplain #defaultDir default}
     * @throws IllegalArgumentException for an unknown name (the message lists the valid ones)
     * @throws DatasetException         if the directory is missing (the message says how to get the
     *                                  dataset) or a file in it is missing or malformed
     */
    public static DataSplit load(String name, Path dataDir) {
        Entry e = entry(name);
        Path dir = dataDir != null ? dataDir : defaultDir(name);
        if (!Files.isDirectory(dir)) {
            throw DatasetException.at(dir, "dataset directory for '" + name + "' not found; " + instructions(e, dir));
        }
        return e.loader.apply(dir);
    }

    /** Where {@link #load(String)} looks for a dataset, reading {@code FMPLAB_DATA} from the environment. */
    public static Path defaultDir(String name) {
        return defaultDir(name, System.getenv(DATA_ENV));
    }

    /** {@link #defaultDir(String)} with an explicit data root (null or blank: {@code datasets/cache}). */
    static Path defaultDir(String name, String dataRoot) {
        Entry e = entry(name);
        Path root = dataRoot == null || dataRoot.isBlank() ? Path.of("datasets", "cache") : Path.of(dataRoot);
        // A fixed (system) folder wins when it exists; otherwise the data root, where Binder's postBuild
        // fetches Fashion-MNIST when the Debian package is missing.
        if (e.fixedDir != null && (Files.isDirectory(e.fixedDir) || !Files.isDirectory(root.resolve(name)))) {
            return e.fixedDir;
        }
        return root.resolve(name);
    }

    /** How to obtain a dataset: the fetch script to run, the package to install, or the layout to create. */
    public static String howToGet(String name) {
        return entry(name).howToGet;
    }

    private static String instructions(Entry e, Path dir) {
        if (e.howToGet.startsWith("apt-get")) return "install it with `" + e.howToGet + "` or pass its directory";
        if (e.howToGet.endsWith(".sh")) return "run `" + e.howToGet + " " + dir + "` to download it";
        return e.howToGet.replace("DIR", dir.toString());
    }

    private static Entry entry(String name) {
        Entry e = name == null ? null : ENTRIES.get(name.toLowerCase(java.util.Locale.ROOT));
        if (e == null) throw new IllegalArgumentException("unknown dataset '" + name + "'; valid names: " + String.join(", ", names()));
        return e;
    }
}
