package org.fmplab.model;

import java.util.List;

/**
 * What network to build.
 *
 * @param architecture one of {@link #ARCHITECTURES}
 * @param width        base width: PreActResNet-18 stage widths are width·(1,2,4,8) (64 = paper, 16
 *                     for CPU work); SmallCNN uses it as its first conv width (32 = standard)
 * @param channels     input channels
 * @param height       input height
 * @param imageWidth   input width
 * @param numClasses   number of classes
 * @param seed         weight-initialisation seed
 */
public record ModelSpec(String architecture, int width, int channels, int height, int imageWidth,
                        int numClasses, long seed) {
    public static final String SMALL_CNN = "smallcnn";
    public static final String PREACT_RESNET18 = "preactresnet18";
    public static final List<String> ARCHITECTURES = List.of(SMALL_CNN, PREACT_RESNET18);

    public ModelSpec {
        if (!ARCHITECTURES.contains(architecture)) {
            throw new IllegalArgumentException("architecture '" + architecture + "' is unknown; choose one of " + ARCHITECTURES);
        }
        requirePositive("width", width);
        requirePositive("channels", channels);
        requirePositive("height", height);
        requirePositive("imageWidth", imageWidth);
        if (numClasses < 2) throw new IllegalArgumentException("numClasses = " + numClasses + " must be at least 2");
    }

    private static void requirePositive(String field, int v) {
        if (v <= 0) throw new IllegalArgumentException(field + " = " + v + " must be > 0");
    }

    /** The default width of an architecture: 32 for SmallCNN, 16 for PreActResNet-18 (CPU size). */
    public static int defaultWidth(String architecture) {
        return SMALL_CNN.equals(architecture) ? 32 : 16;
    }
}
