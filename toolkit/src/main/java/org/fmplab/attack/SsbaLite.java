package org.fmplab.attack;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.fmplab.data.ImageDataset;
import org.fmplab.data.Subsets;
import org.fmplab.model.BatchTransform;
import org.fmplab.params.ParamSet;
import org.fmplab.params.ParamSpec;
import org.fmplab.params.Params;
import org.fmplab.params.Seeds;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * SSBA-lite: a sample-specific invisible trigger in the spirit of SSBA (Li et al. 2021), which hides a
 * fixed bit string in every poisoned image with a StegaStamp encoder. Here {@link #prepare} trains a
 * small encoder/decoder pair on the attacker's images (StegaStamp-style: random secrets per image,
 * bit cross-entropy for the decoder plus an L2 penalty on the residual; our addition: the decoder also
 * tells encoded from clean images, so that the residual becomes a detectable signature, which is what a
 * backdoor trigger needs); the encoder's residual is
 * bounded by ±eps (tanh·eps), so triggered images differ from the originals by at most eps in L∞.
 * Poisoned images carry the attack's fixed secret. Differences from SSBA: a 3-layer convolutional
 * encoder instead of StegaStamp's U-Net, no perceptual (LPIPS) or critic losses, an explicit L∞
 * budget instead of an unconstrained residual, and training on the attacker's own data instead of
 * ImageNet. Like SSBA, the poisoned images are one fixed set by default; {@code redraw = true} encodes a
 * fresh rate × batch of every training batch instead (measured: both pass the attack bar, docs/attacks.md).
 */
public final class SsbaLite implements Attack {
    static final String NAME = "ssba-lite";
    /** SSBA-lite's parameters. */
    public static final ParamSet PARAMS = ParamSet.of(NAME,
            ParamSpec.integer("bits", 8, 1, 256, "length of the secret"),
            ParamSpec.realAbove("eps", 12, 0, 255, "L-inf budget of the residual in pixel units"),
            ParamSpec.realAtLeast("lambda", 0.01, 0, "weight of the residual's L2 penalty"),
            ParamSpec.integerAtLeast("epochs", 6, 1, "encoder/decoder epochs"),
            ParamSpec.integerAtLeast("images", 3000, 16, "attacker's images used to train them"),
            ParamSpec.longInt("seed", 0, "seed of the secret, the networks and the batches"),
            ParamSpec.bool("redraw", false, "encode images of every training batch on the fly"));
    private static final int[] E_WIDTHS = {16, 16};
    private static final double LR = 0.001;
    private static final int BATCH = 64;
    private final int bits;
    private final double eps;
    private final double lambda;
    private final int epochs;
    private final int images;
    private final long seed;
    private final boolean redraw;
    private ComputationGraph encoder;
    private int[] shape; // c, h, w
    private double bitAccuracy = Double.NaN;

    /**
     * @param bits   length of the secret, in [1, 256] (default 8)
     * @param eps    L∞ budget of the residual in pixel units, in (0, 255] (default 12)
     * @param lambda weight of the residual's L2 penalty (on residual/eps), ≥ 0 (default 0.01)
     * @param epochs encoder/decoder epochs over the attacker's images, ≥ 1 (default 6)
     * @param images attacker's images used to train them, ≥ 16 (default 3000)
     * @param seed   seed of the secret, the networks and the batches
     * @param redraw encode rate × batch eligible images of every training batch on the fly instead of one
     *               fixed poisoned set
     */
    public SsbaLite(int bits, double eps, double lambda, int epochs, int images, long seed, boolean redraw) {
        this.bits = PARAMS.checked("bits", bits);
        this.eps = PARAMS.checked("eps", eps);
        this.lambda = PARAMS.checked("lambda", lambda);
        this.epochs = PARAMS.checked("epochs", epochs);
        this.images = PARAMS.checked("images", images);
        this.seed = seed;
        this.redraw = redraw;
    }

    /** From registry parameters; defaults 8 bits, ε = 12/255, λ = 0.01, 6 epochs on 3,000 images. */
    static SsbaLite from(Params p) {
        return new SsbaLite(p.getInt("bits"), p.getDouble("eps"), p.getDouble("lambda"), p.getInt("epochs"), p.getInt("images"),
                p.getLong("seed"), p.getBool("redraw"));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> params() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bits", bits);
        m.put("eps", eps);
        m.put("lambda", lambda);
        m.put("epochs", epochs);
        m.put("images", images);
        m.put("seed", seed);
        m.put("redraw", redraw);
        return m;
    }

    /** The fixed secret hidden in poisoned images. */
    public int[] secret() {
        SplittableRandom rng = new SplittableRandom(Seeds.ssbaSecret(seed));
        int[] s = new int[bits];
        for (int i = 0; i < bits; i++) s[i] = rng.nextInt(2);
        return s;
    }

    /** Share of secret bits the trained decoder recovered from encoded held-out images (NaN after a restore). */
    public synchronized double bitAccuracy() {
        return bitAccuracy;
    }

    @Override
    public synchronized void prepare(AttackContext context) {
        if (encoder != null) return;
        ImageDataset train = context.train();
        ImageDataset data = train.size() <= images ? train
                : train.subset(Subsets.classBalanced(train, (double) images / train.size(), seed));
        int c = data.channels(), h = data.height(), w = data.width();
        ComputationGraph both = net(c, h, w, true);
        Nets.fit(both, data.size(), BATCH, epochs, seed, context.listener(), NAME + " encoder", (rows, rng) -> {
            int n = rows.length;
            int[][] secrets = new int[n][bits];
            for (int[] s : secrets) for (int b = 0; b < bits; b++) s[b] = rng.nextInt(2);
            boolean[] encoded = new boolean[n];
            for (int i = 0; i < n; i++) encoded[i] = rng.nextBoolean();
            INDArray x = data.features(rows);
            return new MultiDataSet(new INDArray[] {x, bitMaps(secrets, h, w), gate(encoded, c, h, w)},
                    new INDArray[] {decoderTargets(secrets, encoded), Nd4j.zeros(DataType.FLOAT, n, (long) c * h * w)});
        });
        ComputationGraph e = net(c, h, w, false);
        Nets.copyLayers(both, e, "e_");
        encoder = e;
        shape = new int[] {c, h, w};
        bitAccuracy = measureBits(both, data);
    }

    @Override
    public boolean poisonsOnTheFly() {
        return redraw;
    }

    @Override
    public BatchTransform trainingTransform(PoisonedDataset poisoned) {
        return OnTheFlyPoisoning.of(0, poisoned, this, null); // no label-keeping variants: SSBA has none
    }

    /** clip(x + E(x, secret)): the residual is within ±eps. */
    @Override
    public INDArray apply(INDArray x, int[] sampleIds) {
        ComputationGraph e;
        synchronized (this) {
            Check.prepared(NAME, encoder != null);
            e = encoder;
        }
        int n = (int) x.size(0);
        int[][] secrets = new int[n][];
        int[] s = secret();
        java.util.Arrays.fill(secrets, s);
        INDArray residual = e.outputSingle(false, x, bitMaps(secrets, (int) x.size(2), (int) x.size(3)));
        return ImageOps.clip01(x.add(residual));
    }

    @Override
    public synchronized Map<String, INDArray> state() {
        if (encoder == null) return Map.of();
        return Map.of("shape", Nets.shapeArray(shape), "encoder", Nets.weights(encoder));
    }

    @Override
    public synchronized void restoreState(Map<String, INDArray> state) {
        int[] s = Surrogate.require(state, "shape").toIntVector();
        ComputationGraph e = net(s[0], s[1], s[2], false);
        Nets.load(e, Surrogate.require(state, "encoder"), NAME + " encoder");
        encoder = e;
        shape = s;
    }

    // Share of correctly decoded secret bits on up to 512 images encoded with the fixed secret.
    private double measureBits(ComputationGraph both, ImageDataset data) {
        int n = Math.min(512, data.size());
        int[] idx = Subsets.randomSample(data.size(), n, Seeds.ssbaBitCheck(seed));
        int[][] secrets = new int[n][];
        java.util.Arrays.fill(secrets, secret());
        boolean[] all = new boolean[n];
        java.util.Arrays.fill(all, true);
        INDArray decoded = both.output(false, data.features(idx), bitMaps(secrets, data.height(), data.width()),
                gate(all, data.channels(), data.height(), data.width()))[0].get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, bits));
        INDArray truth = decoderTargets(secrets, all).get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(0, bits));
        INDArray hits = decoded.gt(0.5).castTo(DataType.FLOAT).eq(truth).castTo(DataType.FLOAT);
        return hits.meanNumber().doubleValue();
    }

    // Secrets as K constant channel maps [N,K,H,W], the encoder's second input.
    private INDArray bitMaps(int[][] secrets, int h, int w) {
        INDArray maps = Nd4j.zeros(DataType.FLOAT, secrets.length, bits, h, w);
        for (int i = 0; i < secrets.length; i++) {
            for (int b = 0; b < bits; b++) {
                if (secrets[i][b] == 1) maps.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i), org.nd4j.linalg.indexing.NDArrayIndex.point(b)).assign(1);
            }
        }
        return maps;
    }

    // Decoder targets [N, bits + 1]: encoded rows -> (secret, 1); clean rows -> (1/2 ... 1/2, 0).
    private INDArray decoderTargets(int[][] secrets, boolean[] encoded) {
        INDArray v = Nd4j.zeros(DataType.FLOAT, secrets.length, bits + 1);
        for (int i = 0; i < secrets.length; i++) {
            for (int b = 0; b < bits; b++) v.putScalar(i, b, encoded[i] ? secrets[i][b] : 0.5f);
            v.putScalar(i, bits, encoded[i] ? 1f : 0f);
        }
        return v;
    }

    // 1 where the residual is added (encoded rows), 0 for clean rows, [N,C,H,W].
    private static INDArray gate(boolean[] encoded, int c, int h, int w) {
        INDArray g = Nd4j.zeros(DataType.FLOAT, encoded.length, c, h, w);
        for (int i = 0; i < encoded.length; i++) if (encoded[i]) g.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)).assign(1);
        return g;
    }

    // Encoder (x, secret maps) -> residual in ±eps. For training also a gate input (residual on/off per
    // image), the decoder (secret bits + "is encoded") and the residual penalty.
    private ComputationGraph net(int c, int h, int w, boolean training) {
        GraphBuilder g = Nets.builder(seed, LR);
        if (training) {
            g.addInputs("x", "bits", "gate").setInputTypes(InputType.convolutional(h, w, c), InputType.convolutional(h, w, bits),
                    InputType.convolutional(h, w, c));
        } else {
            g.addInputs("x", "bits").setInputTypes(InputType.convolutional(h, w, c), InputType.convolutional(h, w, bits));
        }
        g.addVertex("e_in", new MergeVertex(), "x", "bits");
        String r = Nets.convStack(g, "e_", "e_in", E_WIDTHS, c, Activation.TANH);
        g.addVertex("residual", new ScaleVertex(eps / 255), r);
        if (!training) {
            g.setOutputs("residual");
            return Nets.init(g);
        }
        g.addVertex("gated", new ElementWiseVertex(ElementWiseVertex.Op.Product), "residual", "gate");
        g.addVertex("encoded", new ElementWiseVertex(ElementWiseVertex.Op.Add), "x", "gated");
        g.addLayer("d_0", new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(16).activation(Activation.RELU).build(), "encoded");
        g.addLayer("d_1", new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(32).activation(Activation.RELU).build(), "d_0");
        g.addLayer("d_2", new DenseLayer.Builder().nOut(64).activation(Activation.RELU).build(), "d_1");
        g.addLayer("decoded", new OutputLayer.Builder(LossFunctions.LossFunction.XENT).nOut(bits + 1)
                .activation(Activation.SIGMOID).build(), "d_2");
        // λ·mean(r²), on the residual in pixel-scale units so that λ is comparable across budgets.
        g.addVertex("r_scaled", new ScaleVertex(Math.sqrt(lambda) * 255 / eps), "residual");
        g.addLayer("r_loss", new LossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build(),
                new CnnToFeedForwardPreProcessor(h, w, c), "r_scaled");
        g.setOutputs("decoded", "r_loss");
        return Nets.init(g);
    }
}
