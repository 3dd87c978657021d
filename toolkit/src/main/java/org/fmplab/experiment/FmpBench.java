package org.fmplab.experiment;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.fmp.RankConfig;
import org.fmplab.fmp.Ranker;
import org.fmplab.fmp.Ranking;
import org.fmplab.model.Backend;
import org.fmplab.model.FeatureMapLayer;
import org.fmplab.model.FeatureMapLayers;
import org.fmplab.model.ModelSpec;
import org.fmplab.model.Models;
import org.fmplab.model.SeededInit;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code ./fmplab bench fmp [--vs-pytorch] [--sample F] [--probe B] [--batched K]}: FMP ranking speed
 * (channels per second, probe 32, paper settings) of the fast path and of the reference mode on
 * SmallCNN (1×28×28) and PreActResNet-18 width 16 (3×32×32 and 1×28×28). The reference mode is timed
 * on the first ⌈F·C⌉ channels of every layer (F = 0.25 by default) and extrapolated per layer, which
 * is exact up to noise because every channel of a layer costs the same. The sampled channels run in one
 * call (as a full ranking would), so its set-up is counted once, not once per layer. With {@code --vs-pytorch} it
 * also runs {@code bench/fmp_pytorch.py} (our PyTorch version of the released per-channel method,
 * 2 threads, same sampling) on each net right after ours, and prints our speed-up over it.
 */
public final class FmpBench {
    /** One benchmarked network. */
    public record Row(String label, String key, int channels, double fast, double reference, int sampled, double batched) {
        public double ratio() {
            return fast / reference;
        }
    }

    private static final Object[][] NETS = {
            {"SmallCNN", ModelSpec.SMALL_CNN, 32, 1, 28},
            {"PreActResNet-18", ModelSpec.PREACT_RESNET18, 16, 3, 32},
            {"PreActResNet-18", ModelSpec.PREACT_RESNET18, 16, 1, 28}};

    private FmpBench() { }

    public static void main(String[] args) {
        run(System.out, args);
    }

    /** Runs the benchmark, printing to {@code out}; returns the rows. */
    public static List<Row> run(PrintStream out, String... args) {
        boolean vsPytorch = false;
        double sample = 0.25;
        int probe = 32;
        int batched = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--vs-pytorch" -> vsPytorch = true;
                case "--sample" -> sample = Double.parseDouble(args[++i]);
                case "--probe" -> probe = Integer.parseInt(args[++i]);
                case "--batched" -> batched = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option '" + args[i]
                        + "'; usage: bench fmp [--vs-pytorch] [--sample F] [--probe B] [--batched K]");
            }
        }
        if (!(sample > 0 && sample <= 1)) throw new IllegalArgumentException("--sample = " + sample + " must be in (0, 1]");
        Backend.Status st = Backend.check();
        out.printf(Locale.ROOT, "FMP ranking speed: probe %d, α 1/255, ε 4/255, 1 FGSM step; backend %s, oneDNN helpers active: %s%n",
                probe, st.backend(), st.fast());
        List<Row> rows = new ArrayList<>();
        List<String> torch = new ArrayList<>();
        for (Object[] n : NETS) {
            Row r = measure(out, n, probe, sample, batched);
            rows.add(r);
            // PyTorch right after the same net: this machine's speed drifts over minutes, so a ratio
            // between runs far apart in time says more about the machine than about the code.
            String[] key = r.key().split(" ");
            if (vsPytorch) torch.addAll(PytorchBench.runScript("fmp_pytorch.py", Double.toString(sample), Integer.toString(probe), key[0], key[1]));
        }
        out.printf(Locale.ROOT, "(reference mode timed on the first %.0f%% of every layer's channels and extrapolated per layer)%n", 100 * sample);
        if (vsPytorch) comparePytorch(out, rows, torch);
        return rows;
    }

    private static Row measure(PrintStream out, Object[] n, int probe, double sample, int batched) {
        String label = (String) n[0];
        int c = (Integer) n[3];
        int hw = (Integer) n[4];
        ComputationGraph net = Models.build(new ModelSpec((String) n[1], (Integer) n[2], c, hw, hw, 10, 1));
        INDArray x = SeededInit.uniform(new java.util.SplittableRandom(1), probe, c, hw, hw);
        int[] labels = new int[probe];
        for (int i = 0; i < probe; i++) labels[i] = i % 10;
        List<FeatureMapLayer> layers = FeatureMapLayers.of(net);
        int total = FeatureMapLayers.totalChannels(layers);
        RankConfig cfg = RankConfig.paper().withProbeSize(probe);

        new Ranker(cfg).rank(net, head(layers, 0.1), x, labels, 1, null); // warm-up: JIT, oneDNN primitives
        System.gc();
        double fastSeconds = new Ranker(cfg).rank(net, layers, x, labels, 1, null).seconds();

        // One call over the sampled channels of every layer, extrapolated per layer from its own time;
        // the set-up (probe copy of the net, probe-accuracy forward) counted once, as a full ranking pays it.
        List<FeatureMapLayer> part = head(layers, sample);
        System.gc();
        Ranking refPart = new Ranker(cfg.withMode(RankConfig.Mode.REFERENCE)).rank(net, part, x, labels, 1, null);
        double refSeconds = refPart.seconds();
        int sampled = 0;
        for (int i = 0; i < layers.size(); i++) {
            double t = refPart.layerSeconds(part.get(i).name());
            refSeconds += t * layers.get(i).channels() / part.get(i).channels() - t;
            sampled += part.get(i).channels();
        }
        double batchedRate = Double.NaN;
        if (batched > 1) {
            System.gc();
            batchedRate = total / new Ranker(cfg.withChannelsPerPass(batched)).rank(net, layers, x, labels, 1, null).seconds();
        }
        Row r = new Row(label, n[1] + " " + c + "x" + hw + "x" + hw, total, total / fastSeconds, total / refSeconds, sampled, batchedRate);
        out.printf(Locale.ROOT, "%s %dx%dx%d: fast %.1f ch/s, reference %.1f ch/s, %.1fx  (%d channels, fast ranking %.1f s)%s%n",
                label, c, hw, hw, r.fast(), r.reference(), r.ratio(), total, fastSeconds,
                batched > 1 ? String.format(Locale.ROOT, "; %d channels per pass: %.1f ch/s", batched, batchedRate) : "");
        return r;
    }

    /** The first ⌈fraction·C⌉ channels of each layer (a FeatureMapLayer with fewer channels ranks only those). */
    private static List<FeatureMapLayer> head(List<FeatureMapLayer> layers, double fraction) {
        List<FeatureMapLayer> out = new ArrayList<>();
        for (FeatureMapLayer l : layers) {
            int k = Math.max(1, (int) Math.ceil(fraction * l.channels()));
            out.add(new FeatureMapLayer(l.name(), k, l.consumerBns(), l.hasBias(), l.feedsSum()));
        }
        return out;
    }

    private static void comparePytorch(PrintStream out, List<Row> rows, List<String> torchLines) {
        out.println();
        out.println("PyTorch 1.13, 2 threads: bench/fmp_pytorch.py (the released per-channel method, same nets, probe and sampling; each run right after ours):");
        for (String line : torchLines) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 5) continue;
            String key = f[0] + " " + f[1];
            double torch = Double.parseDouble(f[2]);
            for (Row r : rows) {
                if (!r.key().equals(key)) continue;
                out.printf(Locale.ROOT, "%s %s: PyTorch %.1f ch/s, ours fast %.1f ch/s, %.1fx%n", r.label(), f[1], torch, r.fast(), r.fast() / torch);
            }
        }
    }
}
