package org.fmplab.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the official GTSRB release (German Traffic Sign Recognition Benchmark, 43 classes):
 * <pre>
 * ROOT/Final_Training/Images/00000/GT-00000.csv   + 00000_00000.ppm ...   (one folder per class)
 * ROOT/Final_Test/Images/*.ppm
 * ROOT/GT-final_test.csv  or  ROOT/Final_Test/Images/GT-final_test.csv   (test ground truth)
 * </pre>
 * {@code ROOT} may also be the folder holding the archives' {@code GTSRB/} folder. The CSV files are
 * semicolon-separated with the header {@code Filename;Width;Height;Roi.X1;Roi.Y1;Roi.X2;Roi.Y2;ClassId}.
 *
 * <p>Images have different sizes (15 to 250 pixels a side). Each is resized to size×size with
 * {@linkplain Picture#resize bilinear interpolation}. By default the whole image is resized, border
 * around the sign included, as torchvision's GTSRB and the backdoor benchmarks do; with {@code
 * cropToRoi} the image is first cropped to the sign's region of interest (Roi.X2/Roi.Y2 inclusive).
 */
public final class GtsrbLoader {
    /** Number of GTSRB classes. */
    public static final int NUM_CLASSES = 43;
    /** The side GTSRB images are resized to by default. */
    public static final int DEFAULT_SIZE = 32;

    /** The official sign names, by class id. */
    public static final List<String> CLASS_NAMES = List.of(
            "Speed limit (20km/h)", "Speed limit (30km/h)", "Speed limit (50km/h)", "Speed limit (60km/h)",
            "Speed limit (70km/h)", "Speed limit (80km/h)", "End of speed limit (80km/h)", "Speed limit (100km/h)",
            "Speed limit (120km/h)", "No passing", "No passing for vehicles over 3.5 metric tons",
            "Right-of-way at the next intersection", "Priority road", "Yield", "Stop", "No vehicles",
            "Vehicles over 3.5 metric tons prohibited", "No entry", "General caution",
            "Dangerous curve to the left", "Dangerous curve to the right", "Double curve", "Bumpy road",
            "Slippery road", "Road narrows on the right", "Road work", "Traffic signals", "Pedestrians",
            "Children crossing", "Bicycles crossing", "Beware of ice/snow", "Wild animals crossing",
            "End of all speed and passing limits", "Turn right ahead", "Turn left ahead", "Ahead only",
            "Go straight or right", "Go straight or left", "Keep right", "Keep left", "Roundabout mandatory",
            "End of no passing", "End of no passing by vehicles over 3.5 metric tons");

    private static final String TEST_CSV = "GT-final_test.csv";

    private GtsrbLoader() {
    }

    /** Loads both splits as 3×32×32 images, resizing whole images (no ROI crop). */
    public static DataSplit load(Path root) {
        return load(root, DEFAULT_SIZE, false);
    }

    /**
     * Loads both splits as 3×size×size images.
     *
     * @param cropToRoi crop each image to its CSV region of interest before resizing
     * @throws DatasetException naming the file when a CSV or image is missing, a PPM header is bad or a
     *                          class id is outside [0, 43)
     */
    public static DataSplit load(Path root, int size, boolean cropToRoi) {
        return new DataSplit(loadTrain(root, size, cropToRoi), loadTest(root, size, cropToRoi));
    }

    /** Loads the training split ({@code Final_Training/Images/<class>/}). */
    public static ImageDataset loadTrain(Path root, int size, boolean cropToRoi) {
        checkSize(size);
        Path images = base(root, "Final_Training").resolve("Final_Training").resolve("Images");
        List<Path> classDirs = DataFiles.list(images, Files::isDirectory);
        if (classDirs.isEmpty()) throw DatasetException.at(images, "empty folder: no class folders 00000..00042");
        List<Row> rows = new ArrayList<>();
        for (Path dir : classDirs) {
            Path csv = dir.resolve("GT-" + dir.getFileName() + ".csv");
            rows.addAll(readCsv(csv, dir));
        }
        return pack("gtsrb-train", rows, size, cropToRoi);
    }

    /** Loads the test split ({@code Final_Test/Images/} with {@code GT-final_test.csv}). */
    public static ImageDataset loadTest(Path root, int size, boolean cropToRoi) {
        checkSize(size);
        Path base = base(root, "Final_Test");
        Path images = DataFiles.requireDir(base.resolve("Final_Test").resolve("Images"));
        Path csv = DataFiles.firstExisting(List.of(base.resolve(TEST_CSV), images.resolve(TEST_CSV), root.resolve(TEST_CSV)));
        return pack("gtsrb-test", readCsv(csv, images), size, cropToRoi);
    }

    /** One CSV line: the image and its sign's region of interest (inclusive corners) and class. */
    private record Row(Path image, int x1, int y1, int x2, int y2, int classId) {
    }

    private static List<Row> readCsv(Path csv, Path imageDir) {
        List<String> lines = DataFiles.readLines(csv);
        if (lines.isEmpty()) throw DatasetException.at(csv, "empty CSV: expected a header line");
        List<String> header = Arrays.asList(lines.get(0).strip().split(";"));
        int[] col = new int[6];
        String[] names = {"Filename", "Roi.X1", "Roi.Y1", "Roi.X2", "Roi.Y2", "ClassId"};
        for (int k = 0; k < names.length; k++) {
            col[k] = header.indexOf(names[k]);
            if (col[k] < 0) throw DatasetException.at(csv, "header has no column " + names[k] + ": " + lines.get(0));
        }
        List<Row> rows = new ArrayList<>();
        for (int ln = 1; ln < lines.size(); ln++) {
            String line = lines.get(ln).strip();
            if (line.isEmpty()) continue;
            String[] f = line.split(";");
            try {
                int classId = Integer.parseInt(f[col[5]].strip());
                if (classId < 0 || classId >= NUM_CLASSES) {
                    throw DatasetException.at(csv, "line " + (ln + 1) + ": class id " + classId + " is out of range [0, " + NUM_CLASSES + ")");
                }
                rows.add(new Row(imageDir.resolve(f[col[0]].strip()), Integer.parseInt(f[col[1]].strip()),
                        Integer.parseInt(f[col[2]].strip()), Integer.parseInt(f[col[3]].strip()),
                        Integer.parseInt(f[col[4]].strip()), classId));
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw DatasetException.at(csv, "line " + (ln + 1) + ": malformed row \"" + line + "\"", e);
            }
        }
        if (rows.isEmpty()) throw DatasetException.at(csv, "CSV lists no images");
        return rows;
    }

    private static ImageDataset pack(String name, List<Row> rows, int size, boolean cropToRoi) {
        List<Path> files = rows.stream().map(Row::image).toList();
        int[] labels = rows.stream().mapToInt(Row::classId).toArray();
        ImagePacker.Packed packed = ImagePacker.decode(files, labels, i -> decode(rows.get(i), cropToRoi), size, size);
        return packed.build(name, CLASS_NAMES, false);
    }

    private static Picture decode(Row row, boolean cropToRoi) {
        Picture p = Ppm.read(row.image());
        if (!cropToRoi) return p;
        int x0 = Math.max(0, row.x1());
        int y0 = Math.max(0, row.y1());
        int x1 = Math.min(p.width(), row.x2() + 1);
        int y1 = Math.min(p.height(), row.y2() + 1);
        if (x0 >= x1 || y0 >= y1) {
            throw DatasetException.at(row.image(), "region of interest (" + row.x1() + "," + row.y1() + ")-(" + row.x2()
                    + "," + row.y2() + ") is empty inside the " + p.width() + "x" + p.height() + " image");
        }
        return p.crop(x0, y0, x1, y1);
    }

    private static Path base(Path root, String marker) {
        return DataFiles.resolveRoot(DataFiles.requireDir(root), "GTSRB", marker);
    }

    private static void checkSize(int size) {
        if (size <= 0) throw new IllegalArgumentException("size must be > 0, got " + size);
    }
}
