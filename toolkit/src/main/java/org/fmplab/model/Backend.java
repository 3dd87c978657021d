package org.fmplab.model;

import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Process-wide ND4J/DL4J setup. DL4J M2.1 ships with its fast (oneDNN/cuDNN) layer helpers switched
 * off; {@link #init()} switches them on before any layer exists, and {@link #check()} verifies that a
 * convolution really runs through them. Set the system property {@code fmplab.helpers=off} to use
 * DL4J's plain Java path instead (about 10x slower; useful to rule out a helper bug).
 */
public final class Backend {
    static final String HELPERS_PROPERTY = "org.eclipse.deeplearning4j.helpers.disable";
    private static volatile boolean initialised;
    /** At most one collection per this many nanoseconds from {@link #releaseNativeMemory()}. */
    static final long NATIVE_GC_WINDOW_NANOS = 1_000_000_000L;
    private static volatile long lastNativeGc = System.nanoTime();

    private Backend() { }

    /** What the backend check found. */
    public record Status(String backend, boolean oneDnnBuilt, boolean helpersEnabled, boolean convHelperActive) {
        /** True when convolutions run on the fast path (oneDNN on CPU, cuDNN on GPU). */
        public boolean fast() {
            return helpersEnabled && convHelperActive;
        }
    }

    /** Enables DL4J's layer helpers unless {@code fmplab.helpers=off}. Idempotent, cheap. */
    public static synchronized void init() {
        if (initialised) return;
        boolean off = "off".equalsIgnoreCase(System.getProperty("fmplab.helpers", "on"));
        if (System.getProperty(HELPERS_PROPERTY) == null) {
            System.setProperty(HELPERS_PROPERTY, off ? "true" : "false");
        }
        initialised = true;
    }

    /**
     * ND4J frees a native buffer only when its Java wrapper is garbage-collected, and arrays made outside
     * workspaces are small on the Java heap, so a loop that allocates outside workspaces (input-gradient
     * graphs, which need workspaces off) can fill the machine's memory long before the Java heap asks
     * for a collection: on the default model, i-BAU grew to 24 GB and was killed. Such loops call this
     * once per step; it collects at most once a second, which bounds native memory to about a second's
     * worth of allocation at a small cost (a collection of a mostly empty heap).
     */
    public static void releaseNativeMemory() {
        long now = System.nanoTime();
        if (now - lastNativeGc < NATIVE_GC_WINDOW_NANOS) return;
        System.gc();
        lastNativeGc = System.nanoTime();
    }

    /** True on ND4J's CPU backend (false on CUDA). */
    public static boolean cpu() {
        return "CPU".equalsIgnoreCase(Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend", ""));
    }

    /** Builds a one-convolution network and reports whether its fast helper is really active. */
    public static Status check() {
        init();
        String backend = Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend", "?");
        String build = "";
        try {
            build = NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo();
        } catch (RuntimeException | LinkageError e) {
            build = "";
        }
        boolean oneDnn = build.contains("HAVE_ONEDNN");
        boolean helpers = "false".equals(System.getProperty(HELPERS_PROPERTY));
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().graphBuilder()
                .addInputs("in").setInputTypes(org.deeplearning4j.nn.conf.inputs.InputType.convolutional(8, 8, 1))
                .addLayer("c", new ConvolutionLayer.Builder(3, 3).nOut(2).convolutionMode(ConvolutionMode.Same).build(), "in")
                .addLayer("o", new org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer(), "c")
                .setOutputs("o").build());
        g.init();
        g.output(Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 1, 8, 8));
        boolean active = g.getLayer("c").getHelper() != null;
        return new Status(backend, oneDnn, helpers, active);
    }
}
