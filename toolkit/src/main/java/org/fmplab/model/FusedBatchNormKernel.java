package org.fmplab.model;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.normalization.BatchNormalizationHelper;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * BatchNorm followed by ReLU on contiguous NCHW float arrays, in Java loops over the arrays' native memory,
 * channels split over as many threads as ND4J computes with ({@code OMP_NUM_THREADS}, which the study runner
 * sets per task; each channel's sums in one thread, in a fixed order: deterministic). Per channel, training forward: one sweep for the mean and variance (sums of x − p for a
 * pivot p from the channel, so large offsets lose nothing), one for {@code y = max(0, a·x + b)};
 * backward: one sweep for Σg and Σg·(x − μ) with {@code g = dL/dy · [a·x + b > 0]} (the forward's mask
 * recomputed from the same float expression), one for
 * {@code dL/dx = γ/σ · (g − Σg/M − (x − μ)/σ² · Σg·(x − μ)/M)}. Sums are accumulated per row of H·W values in
 * float, then in double.
 *
 * <p>Used as the helper of {@link FusedBatchNormRelu.Impl}: DL4J's BatchNorm layer hands it the
 * parameters and reads back the batch statistics for its running averages.
 */
final class FusedBatchNormKernel implements BatchNormalizationHelper {
    private static final int THREADS = Math.max(1, Nd4j.getEnvironment().maxThreads());
    private static final ForkJoinPool POOL = THREADS > 1 ? new ForkJoinPool(THREADS) : null;

    private INDArray mean;
    private INDArray var;
    // Of the last training forward, for the backward: per-channel a, b of the mask, μ and 1/σ.
    private float[] scale = new float[0];
    private float[] shift = new float[0];
    private float[] mu = new float[0];
    private double[] invStd = new double[0];

    @Override
    public INDArray preOutput(INDArray x, boolean training, long[] shape, INDArray gamma, INDArray beta,
                              INDArray globalMean, INDArray globalVar, double decay, double eps,
                              CNN2DFormat format, LayerWorkspaceMgr mgr) {
        checkInput(x, format);
        INDArray in = contiguous(x);
        int n = (int) in.size(0), c = (int) in.size(1), hw = (int) (in.size(2) * in.size(3));
        float[] g = read(gamma, c), b = read(beta, c);
        INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, in.shape(), 'c');
        FloatBuffer xs = floats(in), ys = floats(out);
        if (!training) {
            float[] m = read(globalMean, c), v = read(globalVar, c);
            float[] a = new float[c], s = new float[c];
            for (int ch = 0; ch < c; ch++) {
                double k = g[ch] / Math.sqrt(v[ch] + eps);
                a[ch] = (float) k;
                s[ch] = (float) (b[ch] - m[ch] * k);
            }
            channels(c, ch -> normalise(xs, ys, n, c, hw, ch, a[ch], s[ch]));
            return out;
        }
        if (scale.length != c) {
            scale = new float[c];
            shift = new float[c];
            mu = new float[c];
            invStd = new double[c];
            // Read by DL4J after this layer's backward pass, outside the forward pass's workspaces.
            try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
                mean = Nd4j.createUninitialized(DataType.FLOAT, c);
                var = Nd4j.createUninitialized(DataType.FLOAT, c);
            }
        }
        float[] batchVar = new float[c];
        long count = (long) n * hw;
        channels(c, ch -> {
            float[] row = new float[hw];
            float p = xs.get(ch * hw);
            double s1 = 0, s2 = 0;
            for (int i = 0; i < n; i++) {
                xs.get((i * c + ch) * hw, row, 0, hw);
                // four partial sums: independent additions pipeline (one chain waits on each add)
                float a1 = 0, a2 = 0, b1 = 0, b2 = 0, c1 = 0, c2 = 0, d1 = 0, d2 = 0;
                int j = 0;
                for (; j + 3 < hw; j += 4) {
                    float u = row[j] - p, v = row[j + 1] - p, w = row[j + 2] - p, z = row[j + 3] - p;
                    a1 += u;
                    a2 += u * u;
                    b1 += v;
                    b2 += v * v;
                    c1 += w;
                    c2 += w * w;
                    d1 += z;
                    d2 += z * z;
                }
                for (; j < hw; j++) {
                    float u = row[j] - p;
                    a1 += u;
                    a2 += u * u;
                }
                s1 += (a1 + b1) + (c1 + d1);
                s2 += (a2 + b2) + (c2 + d2);
            }
            double dm = s1 / count, v = Math.max(0, s2 / count - dm * dm), m = p + dm;
            double is = 1 / Math.sqrt(v + eps), k = g[ch] * is;
            mu[ch] = (float) m;
            batchVar[ch] = (float) v;
            invStd[ch] = is;
            scale[ch] = (float) k;
            shift[ch] = (float) (b[ch] - m * k);
            normalise(xs, ys, n, c, hw, ch, scale[ch], shift[ch]);
        });
        floats(mean).put(0, mu);
        floats(var).put(0, batchVar);
        return out;
    }

    /** Runs {@code body} for channels 0 … c − 1, in parallel when ND4J uses several threads. */
    private static void channels(int c, IntConsumer body) {
        if (POOL == null || c == 1) {
            for (int ch = 0; ch < c; ch++) body.accept(ch);
        } else {
            POOL.submit(() -> IntStream.range(0, c).parallel().forEach(body)).join();
        }
    }

    /** {@code y = max(0, a·x + b)} over channel {@code ch}. */
    private static void normalise(FloatBuffer xs, FloatBuffer ys, int n, int c, int hw, int ch, float a, float b) {
        float[] row = new float[hw];
        for (int i = 0; i < n; i++) {
            int at = (i * c + ch) * hw;
            xs.get(at, row, 0, hw);
            for (int j = 0; j < hw; j++) row[j] = relu(row[j] * a + b);
            ys.put(at, row, 0, hw);
        }
    }

    // Branch-free on the bits (a float comparison is a branch on x86, mispredicted half the time here).

    /** max(z, 0): z with a clear sign bit, else +0. */
    private static float relu(float z) {
        int bits = Float.floatToRawIntBits(z);
        return Float.intBitsToFloat(bits & ~(bits >> 31));
    }

    /** e where z > 0 (ReLU's derivative), else +0: the sign of (bits − 1) | bits is clear only for positive z. */
    private static float masked(float z, float e) {
        int bits = Float.floatToRawIntBits(z);
        return Float.intBitsToFloat(Float.floatToRawIntBits(e) & (~((bits - 1) | bits) >> 31));
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray input, INDArray epsilon, long[] shape, INDArray gamma,
                                                     INDArray beta, INDArray dGammaView, INDArray dBetaView,
                                                     double eps, CNN2DFormat format, LayerWorkspaceMgr mgr) {
        checkInput(input, format);
        INDArray in = contiguous(input), dy = contiguous(epsilon);
        int n = (int) in.size(0), c = (int) in.size(1), hw = (int) (in.size(2) * in.size(3));
        if (scale.length != c) throw new IllegalStateException("backward pass without a training forward pass of " + c + " channels");
        float[] g = read(gamma, c);
        INDArray dx = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, DataType.FLOAT, in.shape(), 'c');
        FloatBuffer xs = floats(in), es = floats(dy), ds = floats(dx);
        float[] dGamma = new float[c], dBeta = new float[c];
        long count = (long) n * hw;
        channels(c, ch -> {
            float[] xr = new float[hw], er = new float[hw];
            float a = scale[ch], b = shift[ch], m = mu[ch];
            double sg = 0, sgx = 0;
            for (int i = 0; i < n; i++) {
                int at = (i * c + ch) * hw;
                xs.get(at, xr, 0, hw);
                es.get(at, er, 0, hw);
                // the masked gradient, then four partial sums (as in the forward statistics)
                for (int j = 0; j < hw; j++) er[j] = masked(xr[j] * a + b, er[j]);
                float a1 = 0, a2 = 0, b1 = 0, b2 = 0, c1 = 0, c2 = 0, d1 = 0, d2 = 0;
                int j = 0;
                for (; j + 3 < hw; j += 4) {
                    a1 += er[j];
                    a2 += er[j] * (xr[j] - m);
                    b1 += er[j + 1];
                    b2 += er[j + 1] * (xr[j + 1] - m);
                    c1 += er[j + 2];
                    c2 += er[j + 2] * (xr[j + 2] - m);
                    d1 += er[j + 3];
                    d2 += er[j + 3] * (xr[j + 3] - m);
                }
                for (; j < hw; j++) {
                    a1 += er[j];
                    a2 += er[j] * (xr[j] - m);
                }
                sg += (a1 + b1) + (c1 + d1);
                sgx += (a2 + b2) + (c2 + d2);
            }
            double is = invStd[ch], k = g[ch] * is;
            dBeta[ch] = (float) sg;
            dGamma[ch] = (float) (sgx * is);
            float kf = (float) k, c1 = (float) (k * sg / count), c2 = (float) (k * is * is * sgx / count);
            for (int i = 0; i < n; i++) {
                int at = (i * c + ch) * hw;
                xs.get(at, xr, 0, hw);
                es.get(at, er, 0, hw);
                for (int j = 0; j < hw; j++) er[j] = kf * masked(xr[j] * a + b, er[j]) - c1 - (xr[j] - m) * c2;
                ds.put(at, er, 0, hw);
            }
        });
        Gradient grad = new DefaultGradient();
        if (dGammaView != null) {
            write(dGammaView, dGamma);
            grad.setGradientFor(BatchNormalizationParamInitializer.GAMMA, dGammaView);
        }
        if (dBetaView != null) {
            write(dBetaView, dBeta);
            grad.setGradientFor(BatchNormalizationParamInitializer.BETA, dBetaView);
        }
        return new Pair<>(grad, dx);
    }

    private static void checkInput(INDArray x, CNN2DFormat format) {
        if (x.rank() != 4 || format != CNN2DFormat.NCHW || x.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("FusedBatchNormRelu takes rank-4 NCHW float input, got rank " + x.rank()
                    + ", " + format + ", " + x.dataType() + ", shape " + Arrays.toString(x.shape()));
        }
        if (x.length() > Integer.MAX_VALUE) throw new IllegalArgumentException("FusedBatchNormRelu input of " + x.length() + " values (at most 2^31 - 1)");
    }

    private static INDArray contiguous(INDArray x) {
        return x.ordering() == 'c' && Shape.hasDefaultStridesForShape(x) ? x : x.dup('c');
    }

    /** The native memory of contiguous float array {@code a}, index 0 at its first element. */
    private static FloatBuffer floats(INDArray a) {
        FloatBuffer all = a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
        return all.slice((int) a.offset(), (int) a.length());
    }

    /** The {@code c} values of a parameter vector ([1, C] or [C]). */
    private static float[] read(INDArray p, int c) {
        if (p.length() != c) throw new IllegalArgumentException("parameter of " + p.length() + " values for " + c + " channels");
        INDArray f = contiguous(p.dataType() == DataType.FLOAT ? p : p.castTo(DataType.FLOAT));
        float[] out = new float[c];
        floats(f).get(0, out);
        return out;
    }

    private static void write(INDArray view, float[] values) {
        if (view.ordering() == 'c' && Shape.hasDefaultStridesForShape(view) && view.dataType() == DataType.FLOAT) {
            floats(view).put(0, values);
        } else {
            view.assign(Nd4j.createFromArray(values).reshape(view.shape()));
        }
    }

    @Override
    public INDArray getMeanCache(DataType dataType) {
        return mean;
    }

    @Override
    public INDArray getVarCache(DataType dataType) {
        return var;
    }

    @Override
    public boolean checkSupported(double eps, boolean fixedGammaBeta) {
        return !fixedGammaBeta;
    }

    @Override
    public boolean checkSupported() {
        return true;
    }

    @Override
    public Map<String, Long> helperMemoryUse() {
        return Map.of();
    }
}
