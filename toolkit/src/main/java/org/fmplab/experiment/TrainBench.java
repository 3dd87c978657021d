package org.fmplab.experiment;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.model.Backend;
import org.fmplab.model.BatchStatsHelper;
import org.fmplab.model.ModelSpec;
import org.fmplab.model.Models;
import org.fmplab.model.SeededInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code ./fmplab bench train}: training throughput (images/s, batch 128, warmed-up JVM) of SmallCNN
 * and PreActResNet-18 (width 16 and 64) on 1×28×28 and 3×32×32 input; with {@code --vs-pytorch} each
 * net is also timed in PyTorch ({@code bench/train_pytorch.py}) right after ours, and the ratio printed;
 * with {@code --vs-dl4j-batchnorm}, against DL4J's own BatchNorm helper.
 */
public final class TrainBench {
    /** One measured configuration. */
    public record Row(String net, int width, String input, double imagesPerSecond) {
        public String key() {
            return net + "/" + width + "/" + input;
        }
    }

    private TrainBench() { }

    /**
     * Measures every net, printing to {@code out}; {@code vsPytorch} adds the PyTorch figure and ratio per
     * net; {@code vsDl4jBatchNorm} also times a copy of each net on DL4J's own BatchNorm helper (without
     * {@link BatchStatsHelper}), alternating with ours, and prints the ratio.
     */
    public static List<Row> run(PrintStream out, int batch, int steps, boolean vsPytorch, boolean vsDl4jBatchNorm) {
        Backend.Status st = Backend.check();
        out.printf(Locale.ROOT, "backend %s, oneDNN built: %s, layer helpers: %s, conv helper active: %s%n",
                st.backend(), st.oneDnnBuilt(), st.helpersEnabled(), st.convHelperActive());
        List<Row> rows = new ArrayList<>();
        int[][] inputs = {{1, 28, 28}, {3, 32, 32}};
        Object[][] nets = {{ModelSpec.SMALL_CNN, 32}, {ModelSpec.PREACT_RESNET18, 16}, {ModelSpec.PREACT_RESNET18, 64}};
        for (Object[] n : nets) {
            for (int[] in : inputs) {
                String arch = (String) n[0];
                int width = (Integer) n[1];
                ComputationGraph net = Models.build(new ModelSpec(arch, width, in[0], in[1], in[2], 10, 1));
                ComputationGraph dl4jBn = vsDl4jBatchNorm ? net.clone() : null;
                BatchStatsHelper.install(net); // as Trainer does
                INDArray x = SeededInit.uniform(new java.util.SplittableRandom(1), batch, in[0], in[1], in[2]);
                INDArray y = Nd4j.zeros(DataType.FLOAT, batch, 10);
                for (int i = 0; i < batch; i++) y.putScalar(i, i % 10, 1f);
                DataSet ds = new DataSet(x, y);
                int s = arch.equals(ModelSpec.PREACT_RESNET18) && width == 64 ? Math.max(2, steps / 3) : steps;
                String input = in[0] + "x" + in[1] + "x" + in[2];
                double ours = batch / secondsPerStep(net, ds, s);
                if (dl4jBn != null) {
                    // Alternate the two (ours, DL4J's, ours, DL4J's) so both see this machine's speed drift.
                    double plain = batch / secondsPerStep(dl4jBn, ds, s);
                    ours = (ours + batch / secondsPerStep(net, ds, s)) / 2;
                    plain = (plain + batch / secondsPerStep(dl4jBn, ds, s)) / 2;
                    out.printf(Locale.ROOT, "%-16s width %-3d %-8s BatchNorm statistics: ours %8.1f img/s, DL4J's %8.1f img/s, ratio %.2fx%n",
                            arch, width, input, ours, plain, ours / plain);
                }
                Row r = new Row(arch, width, input, ours);
                rows.add(r);
                out.printf(Locale.ROOT, "%-16s width %-3d %-8s %8.1f img/s  (%.0f ms/step)%n", arch, width, r.input(),
                        r.imagesPerSecond(), 1000.0 * batch / r.imagesPerSecond());
                release();
                // PyTorch right after the same net: this machine's speed drifts over minutes.
                if (vsPytorch) PytorchBench.compareTraining(out, r, steps);
            }
        }
        return rows;
    }

    // Seconds per training step after 3 warm-up steps.
    private static double secondsPerStep(ComputationGraph net, DataSet ds, int steps) {
        for (int i = 0; i < 3; i++) net.fit(ds);
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
