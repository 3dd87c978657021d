package org.nd4j.nativeblas;

/**
 * Compatibility shim, not part of FMP Lab's API. DL4J 1.0.0-M2.1's oneDNN layer helpers check that
 * oneDNN is in use by looking up {@code org.nd4j.nativeblas.Nd4jCpu$Environment} by name, a class
 * that moved to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment}. Without this class
 * every convolution silently falls back to a ~10x slower Java path. We forward the check to the
 * real class by reflection so the toolkit still compiles against the CUDA backend.
 */
public final class Nd4jCpu {
    private Nd4jCpu() { }

    /** Forwards {@link #isUseMKLDNN()} to the real backend's {@code isUseONEDNN()}. */
    public static final class Environment {
        private static final Environment INSTANCE = new Environment();

        public static Environment getInstance() {
            return INSTANCE;
        }

        public boolean isUseMKLDNN() {
            try {
                Class<?> c = Class.forName("org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment");
                Object env = c.getMethod("getInstance").invoke(null);
                return (Boolean) c.getMethod("isUseONEDNN").invoke(env);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return false;
            }
        }
    }
}
