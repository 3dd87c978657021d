package org.fmplab.experiment;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.model.Backend;
import org.fmplab.model.BatchStatsHelper;
import org.fmplab.model.ModelSpec;
import org.fmplab.model.KeptOutputConvolution;
import org.fmplab.model.Models;
import org.fmplab.model.SeededInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code ./fmplab bench train}: training throughput (images/s, batch 128, warmed-up JVM) of SmallCNN
 * and PreActResNet-18 (width 16 and 64) on 1×28×28 and 3×32×32 input. Each net is timed in several
 * rounds; in each round ours, then every baseline asked for (the same net without one of our speed-ups,
 * same seed), then PyTorch ({@code bench/train_pytorch.py}) with {@code --vs-pytorch}, so that all see this
 * machine's speed drift alike; the medians over the rounds are printed, and written to
 * {@code DIR/bench-train.csv} with {@code --out DIR}.
 */
public final class TrainBench {
    /** One measured configuration (median images/s of ours). */
    public record Row(String net, int width, String input, double imagesPerSecond) {
        public String key() {
            return net + "/" + width + "/" + input;
        }
    }

    /** A way to build the net under test: ours (the default) or a baseline without one of our speed-ups. */
    public enum Variant {
        /** What training uses: {@link Models#build(ModelSpec)} and {@link BatchStatsHelper}, as Trainer does. */
        OURS("ours", s -> withBatchStats(Models.build(s))),
        /** Ours without {@link BatchStatsHelper}: DL4J's BatchNorm helper. */
        DL4J_BATCHNORM("DL4J's BatchNorm", Models::build),
        /** Ours with DL4J's BatchNorm and our ReLU layer instead of the fused BatchNorm+ReLU ({@link Models.Layers#UNFUSED}). */
        UNFUSED("unfused BN+ReLU", s -> withBatchStats(Models.build(s, Models.Layers.UNFUSED))),
        /** Ours with DL4J's own convolution, BatchNorm and ReLU layers ({@link Models.Layers#DL4J}): the code before issue 24. */
        DL4J_LAYERS("DL4J's layers", s -> withBatchStats(Models.build(s, Models.Layers.DL4J))),
        /** Ours with DL4J's convolution backward ({@code conv2d_bp}) whatever {@code fmplab.conv-backward} says. */
        DL4J_CONV_BACKWARD("DL4J's conv backward", s -> {
            ComputationGraph net = withBatchStats(Models.build(s));
            KeptOutputConvolution.setForwardBackward(net, false);
            return net;
        });

        final String label;
        final Function<ModelSpec, ComputationGraph> build;

        Variant(String label, Function<ModelSpec, ComputationGraph> build) {
            this.label = label;
            this.build = build;
        }

        private static ComputationGraph withBatchStats(ComputationGraph net) {
            BatchStatsHelper.install(net);
            return net;
        }
    }

    private TrainBench() { }

    /**
     * Measures the nets whose key ({@code net/width/CxHxW}) starts with one of {@code only} (all when empty),
     * {@code rounds} rounds of {@code steps} steps each, against {@code baselines} and, with {@code vsPytorch},
     * PyTorch; writes {@code outDir/bench-train.csv} when {@code outDir} is not null.
     */
    public static List<Row> run(PrintStream out, int batch, int steps, int rounds, boolean vsPytorch,
                                List<Variant> baselines, List<String> only, Path outDir) {
        Backend.Status st = Backend.check();
        out.printf(Locale.ROOT, "backend %s, oneDNN built: %s, layer helpers: %s, conv helper active: %s, layers: %s%n",
                st.backend(), st.oneDnnBuilt(), st.helpersEnabled(), st.convHelperActive(), Models.defaultLayers());
        List<Row> rows = new ArrayList<>();
        List<String> csv = new ArrayList<>(List.of("net,width,input,ours_img_s,pytorch_img_s,ratio"));
        int[][] inputs = {{1, 28, 28}, {3, 32, 32}};
        Object[][] nets = {{ModelSpec.SMALL_CNN, 32}, {ModelSpec.PREACT_RESNET18, 16}, {ModelSpec.PREACT_RESNET18, 64}};
        for (Object[] n : nets) {
            for (int[] in : inputs) {
                String arch = (String) n[0];
                int width = (Integer) n[1];
                String input = in[0] + "x" + in[1] + "x" + in[2];
                String key = arch + "/" + width + "/" + input;
                if (!only.isEmpty() && only.stream().noneMatch(key::startsWith)) continue;
                ModelSpec spec = new ModelSpec(arch, width, in[0], in[1], in[2], 10, 1);
                Map<Variant, ComputationGraph> variants = new LinkedHashMap<>();
                variants.put(Variant.OURS, Variant.OURS.build.apply(spec));
                for (Variant v : baselines) variants.put(v, v.build.apply(spec));
                INDArray x = SeededInit.uniform(new java.util.SplittableRandom(1), batch, in[0], in[1], in[2]);
                INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 10);
                for (int i = 0; i < batch; i++) y.putScalar(i, i % 10, 1f);
                DataSet ds = new DataSet(x, y);
                int s = arch.equals(ModelSpec.PREACT_RESNET18) && width == 64 ? Math.max(2, steps / 3) : steps;
                Map<Variant, double[]> imgS = new LinkedHashMap<>();
                double[] torch = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    for (Map.Entry<Variant, ComputationGraph> e : variants.entrySet()) {
                        imgS.computeIfAbsent(e.getKey(), k -> new double[rounds])[r] = batch / secondsPerStep(e.getValue(), ds, s, r == 0);
                    }
                    if (vsPytorch) torch[r] = PytorchBench.trainingImagesPerSecond(arch, width, input, steps);
                    out.printf(Locale.ROOT, "  round %d %-16s width %-3d %-8s", r + 1, arch, width, input);
                    for (Map.Entry<Variant, double[]> e : imgS.entrySet()) out.printf(Locale.ROOT, "  %s %.1f", e.getKey().label, e.getValue()[r]);
                    if (vsPytorch) out.printf(Locale.ROOT, "  PyTorch %.1f", torch[r]);
                    out.println(" img/s");
                }
                double ours = median(imgS.get(Variant.OURS));
                Row row = new Row(arch, width, input, ours);
                rows.add(row);
                out.printf(Locale.ROOT, "%-16s width %-3d %-8s %8.1f img/s  (%.0f ms/step, median of %d rounds)%n",
                        arch, width, input, ours, 1000.0 * batch / ours, rounds);
                for (Variant v : baselines) {
                    double b = median(imgS.get(v));
                    // Ratio of the medians of the per-round ratios: each round's pair saw the same machine.
                    double[] ratios = new double[rounds];
                    for (int r = 0; r < rounds; r++) ratios[r] = imgS.get(Variant.OURS)[r] / imgS.get(v)[r];
                    out.printf(Locale.ROOT, "%-16s width %-3d %-8s   vs %s: %8.1f img/s, ours/theirs %.2fx (median of per-round ratios)%n",
                            arch, width, input, v.label, b, median(ratios));
                }
                if (vsPytorch) {
                    double t = median(torch);
                    out.printf(Locale.ROOT, "%-16s width %-3d %-8s   vs PyTorch: %8.1f img/s, ratio %.2fx%n", arch, width, input, t, ours / t);
                    csv.add(String.format(Locale.ROOT, "%s,%d,%s,%.1f,%.1f,%.3f", arch, width, input, ours, t, ours / t));
                } else {
                    csv.add(String.format(Locale.ROOT, "%s,%d,%s,%.1f,,", arch, width, input, ours));
                }
                variants.clear();
                release();
            }
        }
        if (outDir != null) {
            try {
                Files.createDirectories(outDir);
                Files.write(outDir.resolve("bench-train.csv"), csv);
                out.println("wrote " + outDir.resolve("bench-train.csv"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return rows;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    // Seconds per training step, after 3 warm-up steps in the first round.
    private static double secondsPerStep(ComputationGraph net, DataSet ds, int steps, boolean warmUp) {
        if (warmUp) for (int i = 0; i < 3; i++) net.fit(ds);
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) net.fit(ds);
        return (System.nanoTime() - t0) / 1e9 / steps;
    }

    // Each net is measured from a clean slate, as a single training run would see it, not after the
    // workspaces and unreclaimed native buffers of the nets measured before it.
    private static void release() {
        Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();
        System.gc();
    }
}
