package org.fmplab.attack;

import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.graph.ShiftVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
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
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

/**
 * Input-aware dynamic backdoor (Nguyen &amp; Tran 2020): a generator G and a mask network M (small
 * convolutional encoder-decoders) make a different trigger for every image:
 * x' = x + (G(x) − x)·m, m = tanh(20·M(x) − 10)/2 + 0.5. {@link #prepare} follows the paper's two
 * stages on the attacker's data: M is pre-trained alone with the mask density penalty
 * λ_norm·relu(m − density) and the diversity loss, then G is trained together with a classifier on
 * poisoned samples (target label), cross samples (another image's pattern, true label) and clean
 * samples, plus G's diversity loss, with M frozen. The victim model is then trained by the toolkit's
 * {@link org.fmplab.model.Trainer}: in every batch, as in the paper, rate × batch images get their own
 * trigger and the target label and cross ratio × rate × batch others get another image's pattern and
 * keep their label ({@link #trainingTransform(PoisonedDataset)}; {@code redraw = false} poisons one
 * fixed set instead, measured weaker: docs/attacks.md). Difference from the paper: there the
 * victim classifier itself is trained jointly with G; here G is trained with the attacker's own
 * classifier and then fixed.
 */
public final class InputAware implements Attack {
    static final String NAME = "input-aware";
    /** Input-aware's parameters. */
    public static final ParamSet PARAMS = ParamSet.of(NAME,
            ParamSpec.integerAtLeast("mask-epochs", 25, 0, "mask pre-training epochs"),
            ParamSpec.integerAtLeast("epochs", 6, 1, "generator + classifier epochs"),
            ParamSpec.integerAtLeast("images", 3000, 16, "attacker's images used for both stages"),
            ParamSpec.real("cross-ratio", 1, 0, 100, "cross samples per poisoned sample"),
            ParamSpec.realAtLeast("lambda-div", 1, 0, "diversity loss weight"),
            ParamSpec.realAtLeast("lambda-norm", 100, 0, "mask density penalty weight"),
            ParamSpec.realOpen("density", 0.032, 0, 1, "mask density"),
            ParamSpec.longInt("seed", 0, "seed of the networks and batches"),
            ParamSpec.bool("redraw", true, "poison every training batch on the fly (as the paper)"));
    private static final int[] G_WIDTHS = {8, 16, 8};
    private static final int[] M_WIDTHS = {8, 8};
    private static final double MASK_LR = 0.01;
    private static final double JOINT_LR = 0.001;
    private static final int BATCH = 128;
    private final int maskEpochs;
    private final int epochs;
    private final int images;
    private final double crossRatio;
    private final double lambdaDiv;
    private final double lambdaNorm;
    private final double density;
    private final long seed;
    private final boolean redraw;
    private ComputationGraph generator; // G, fixed once prepared
    private ComputationGraph maskNet;   // M with its threshold
    private int[] shape; // c, h, w

    /**
     * @param maskEpochs mask pre-training epochs over the attacker's images, ≥ 0 (paper 25; default 25)
     * @param epochs     generator + classifier epochs, ≥ 1 (default 6)
     * @param images     attacker's images used for both stages, ≥ 16 (default 3000)
     * @param crossRatio cross samples per poisoned sample, ≥ 0 (default 1, as the paper's p_cross = p_attack)
     * @param lambdaDiv  diversity loss weight, ≥ 0 (default 1)
     * @param lambdaNorm mask density penalty weight, ≥ 0 (default 100)
     * @param density    mask density, in (0, 1) (default 0.032)
     * @param seed       seed of the networks and batches
     * @param redraw     poison rate × batch images of every training batch on the fly (as the paper)
     *                   instead of one fixed poisoned set
     */
    public InputAware(int maskEpochs, int epochs, int images, double crossRatio, double lambdaDiv, double lambdaNorm,
                      double density, long seed, boolean redraw) {
        this.maskEpochs = PARAMS.checked("mask-epochs", maskEpochs);
        this.epochs = PARAMS.checked("epochs", epochs);
        this.images = PARAMS.checked("images", images);
        this.crossRatio = PARAMS.checked("cross-ratio", crossRatio);
        this.lambdaDiv = PARAMS.checked("lambda-div", lambdaDiv);
        this.lambdaNorm = PARAMS.checked("lambda-norm", lambdaNorm);
        this.density = PARAMS.checked("density", density);
        this.seed = seed;
        this.redraw = redraw;
    }

    /** From registry parameters; defaults: the paper's losses and 25 mask epochs, 6 generator epochs on 3,000 images. */
    static InputAware from(Params p) {
        return new InputAware(p.getInt("mask-epochs"), p.getInt("epochs"), p.getInt("images"), p.getDouble("cross-ratio"),
                p.getDouble("lambda-div"), p.getDouble("lambda-norm"), p.getDouble("density"), p.getLong("seed"), p.getBool("redraw"));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, Object> params() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mask-epochs", maskEpochs);
        m.put("epochs", epochs);
        m.put("images", images);
        m.put("cross-ratio", crossRatio);
        m.put("lambda-div", lambdaDiv);
        m.put("lambda-norm", lambdaNorm);
        m.put("density", density);
        m.put("seed", seed);
        m.put("redraw", redraw);
        return m;
    }

    @Override
    public synchronized void prepare(AttackContext context) {
        if (generator != null) return;
        ImageDataset train = context.train();
        ImageDataset data = train.size() <= images ? train
                : train.subset(Subsets.classBalanced(train, (double) images / train.size(), seed));
        int c = data.channels(), h = data.height(), w = data.width();
        ComputationGraph m = buildMask(c, h, w, false);
        if (maskEpochs > 0) {
            ComputationGraph mTrain = buildMask(c, h, w, true);
            Nets.fit(mTrain, data.size(), BATCH, maskEpochs, seed, context.listener(), NAME + " mask", (rows, rng) -> {
                INDArray x = data.features(rows);
                return new MultiDataSet(x, x.reshape(rows.length, (long) c * h * w));
            });
            Nets.copyLayers(mTrain, m, "m_");
        }
        ComputationGraph joint = buildJoint(c, h, w, data.numClasses());
        PoisonConfig cfg = context.config();
        Nets.fit(joint, data.size(), BATCH, epochs, Seeds.inputAwareGenerator(seed), context.listener(), NAME + " generator", (rows, rng) -> {
            int n = rows.length;
            int nb = (int) Math.round(cfg.rate() * n), nc = (int) Math.min(n - nb, Math.round(crossRatio * cfg.rate() * n));
            int[] src = rows.clone();
            int[] labels = data.labels(rows);
            for (int k = 0; k < nb; k++) labels[k] = cfg.mode().targetFor(labels[k], cfg.target(), data.numClasses());
            for (int k = nb; k < nb + nc; k++) src[k] = (rows[k] + 1 + rng.nextInt(data.size() - 1)) % data.size();
            INDArray x = data.features(rows), s = data.features(src);
            INDArray mk = m.outputSingle(false, s);
            if (nb + nc < n) mk.get(interval(nb + nc, n)).assign(0);
            INDArray y = org.nd4j.linalg.factory.Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, n, data.numClasses());
            for (int k = 0; k < n; k++) y.putScalar(k, labels[k], 1f);
            return new MultiDataSet(new INDArray[] {x, s, Nets.channels(mk, c)}, new INDArray[] {y, s.reshape(n, (long) c * h * w)});
        });
        ComputationGraph g = buildGenerator(c, h, w);
        Nets.copyLayers(joint, g, "g_");
        generator = g;
        maskNet = m;
        shape = new int[] {c, h, w};
    }

    @Override
    public INDArray apply(INDArray images, int[] sampleIds) {
        return trigger(images, images);
    }

    /** x + (G(src) − x)·m(src): the trigger of {@code src} applied to {@code x}. */
    INDArray trigger(INDArray x, INDArray src) {
        ComputationGraph g, m;
        synchronized (this) {
            Check.prepared(NAME, generator != null);
            g = generator;
            m = maskNet;
        }
        INDArray pattern = g.outputSingle(false, src);
        INDArray mk = Nets.channels(m.outputSingle(false, src), (int) x.size(1));
        return x.add(pattern.subi(x).muli(mk));
    }

    /** The mask m(x) [N,1,H,W] of a batch. */
    public INDArray mask(INDArray x) {
        ComputationGraph m;
        synchronized (this) {
            Check.prepared(NAME, maskNet != null);
            m = maskNet;
        }
        return m.outputSingle(false, x);
    }

    @Override
    public boolean poisonsOnTheFly() {
        return redraw;
    }

    @Override
    public BatchTransform trainingTransform(PoisonedDataset poisoned) {
        // Cross samples: another image's pattern and mask on this image, label kept.
        return OnTheFlyPoisoning.of(crossRatio, poisoned, this, (batch, rows, rng) -> {
            int n = (int) batch.size(0);
            int[] others = new int[rows.length];
            for (int k = 0; k < rows.length; k++) others[k] = n == 1 ? rows[k] : (rows[k] + 1 + rng.nextInt(n - 1)) % n;
            return trigger(OnTheFlyPoisoning.rowsOf(batch, rows), OnTheFlyPoisoning.rowsOf(batch, others));
        });
    }

    @Override
    public synchronized Map<String, INDArray> state() {
        if (generator == null) return Map.of();
        return Map.of("shape", Nets.shapeArray(shape), "generator", Nets.weights(generator), "mask", Nets.weights(maskNet));
    }

    @Override
    public synchronized void restoreState(Map<String, INDArray> state) {
        int[] s = Surrogate.require(state, "shape").toIntVector();
        ComputationGraph g = buildGenerator(s[0], s[1], s[2]);
        ComputationGraph m = buildMask(s[0], s[1], s[2], false);
        Nets.load(g, Surrogate.require(state, "generator"), NAME + " generator");
        Nets.load(m, Surrogate.require(state, "mask"), NAME + " mask");
        generator = g;
        maskNet = m;
        shape = s;
    }

    // G: x -> pattern in [0,1] (sigmoid = tanh/2 + 1/2 up to a factor 2 in the last weights).
    private static String addGenerator(GraphBuilder g, String input, int c) {
        return Nets.convStack(g, "g_", input, G_WIDTHS, c, Activation.SIGMOID);
    }

    // M: x -> raw mask in [0,1] -> tanh(20 m − 10)/2 + 1/2 = sigmoid(40 m − 20).
    private static String addMask(GraphBuilder g, String input) {
        String raw = Nets.convStack(g, "m_", input, M_WIDTHS, 1, Activation.SIGMOID);
        g.addVertex("m_scale", new ScaleVertex(40), raw);
        g.addVertex("m_shift", new ShiftVertex(-20), "m_scale");
        g.addLayer("m_threshold", new ActivationLayer.Builder().activation(Activation.SIGMOID).build(), "m_shift");
        return "m_threshold";
    }

    private ComputationGraph buildGenerator(int c, int h, int w) {
        GraphBuilder g = Nets.builder(seed, JOINT_LR).addInputs("x").setInputTypes(InputType.convolutional(h, w, c));
        g.setOutputs(addGenerator(g, "x", c));
        return Nets.init(g);
    }

    private ComputationGraph buildMask(int c, int h, int w, boolean withLoss) {
        GraphBuilder g = Nets.builder(seed, MASK_LR).addInputs("x").setInputTypes(InputType.convolutional(h, w, c));
        String m = addMask(g, "x");
        if (withLoss) {
            g.addLayer("m_loss", new LossLayer.Builder(new PairDiversityLoss(lambdaDiv, lambdaNorm, density))
                    .activation(Activation.IDENTITY).build(), new CnnToFeedForwardPreProcessor(h, w, 1), m);
            m = "m_loss";
        }
        g.setOutputs(m);
        return Nets.init(g);
    }

    // Inputs x, src (pattern source) and the precomputed mask of src (zero for clean samples).
    private ComputationGraph buildJoint(int c, int h, int w, int classes) {
        InputType t = InputType.convolutional(h, w, c);
        GraphBuilder g = Nets.builder(seed, JOINT_LR).addInputs("x", "src", "mask").setInputTypes(t, t, t);
        String pattern = addGenerator(g, "src", c);
        g.addVertex("diff", new ElementWiseVertex(ElementWiseVertex.Op.Subtract), pattern, "x");
        g.addVertex("masked", new ElementWiseVertex(ElementWiseVertex.Op.Product), "diff", "mask");
        g.addVertex("triggered", new ElementWiseVertex(ElementWiseVertex.Op.Add), "x", "masked");
        g.addLayer("c_0", Nets.conv(16, Activation.RELU), "triggered");
        g.addLayer("c_1", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(), "c_0");
        g.addLayer("c_2", Nets.conv(32, Activation.RELU), "c_1");
        g.addLayer("c_3", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(), "c_2");
        g.addLayer("c_4", new DenseLayer.Builder().nOut(64).activation(Activation.RELU).build(), "c_3");
        g.addLayer("cls", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                .activation(Activation.SOFTMAX).build(), "c_4");
        g.addLayer("div", new LossLayer.Builder(new PairDiversityLoss(lambdaDiv, 0, density))
                .activation(Activation.IDENTITY).build(), new CnnToFeedForwardPreProcessor(h, w, c), pattern);
        g.setOutputs("cls", "div");
        return Nets.init(g);
    }
}
