package org.fmplab.defense;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.fmplab.data.ImageDataset;
import org.fmplab.model.BatchTransform;
import org.fmplab.progress.ProgressListener;
import org.fmplab.prune.FineTuning;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * NAD's student training, built so that it runs through the shared {@link FineTuning} (the one
 * {@link org.fmplab.model.Trainer}): a training copy of the network whose only output is a
 * {@link DistillationLoss} over [logits | distilled feature maps], and a {@link BatchTransform} that
 * appends the teacher's attention maps of each batch to its labels. After training, the weights are
 * copied back into a network with the original architecture.
 *
 * <p>The original output layer (dense + softmax + cross-entropy) becomes a dense layer with the same
 * weights producing logits; the loss applies the softmax. The student trains in training mode (BN with
 * batch statistics), the teacher gives its maps in inference mode, as in NAD.
 */
final class AttentionDistillation {
    static final String LOGITS = "nad_logits";
    static final String LOSS = "nad_loss";
    private final List<String> layers;
    private final double[] betas;
    private final double p;

    AttentionDistillation(List<String> layers, double[] betas, double p) {
        if (layers.isEmpty() || layers.size() != betas.length) {
            throw new IllegalArgumentException("NAD needs one beta per distilled layer, got layers " + layers + " and " + betas.length + " betas");
        }
        this.layers = List.copyOf(layers);
        this.betas = betas.clone();
        this.p = p;
    }

    /** Trains a copy of {@code student} to follow {@code teacher}'s attention on {@code data}; returns the original architecture. */
    ComputationGraph distil(ComputationGraph student, ComputationGraph teacher, ImageDataset data, FineTuning ft, long seed,
                            ProgressListener listener) {
        ComputationGraph training = trainingGraph(student, data);
        BatchTransform withTeacher = (b, rng) -> new BatchTransform.Batch(b.features(),
                Nd4j.concat(1, b.labels(), teacherMaps(teacher, b.features())), b.indices());
        ComputationGraph trained = ft.run(training, data, seed, listener, "distil", withTeacher, null);
        return copyBack(trained, student);
    }

    /** The teacher's normalised attention maps of a batch, concatenated: [N, Σ P_l]. */
    INDArray teacherMaps(ComputationGraph teacher, INDArray x) {
        INDArray[] f = Activations.forward(teacher, x, layers);
        INDArray[] maps = new INDArray[f.length];
        for (int i = 0; i < f.length; i++) maps[i] = DistillationLoss.attentionMap(f[i], p);
        return Nd4j.concat(1, maps);
    }

    /** The training graph: original vertices, logits, flattened feature maps, merge, distillation loss. */
    ComputationGraph trainingGraph(ComputationGraph net, ImageDataset like) {
        ComputationGraphConfiguration conf = net.getConfiguration();
        if (conf.getNetworkOutputs().size() != 1) throw new IllegalArgumentException("NAD needs a network with one output");
        String out = conf.getNetworkOutputs().get(0);
        GraphVertex outVertex = net.getVertex(out);
        if (!(outVertex.hasLayer() && outVertex.getLayer().conf().getLayer() instanceof OutputLayer ol)) {
            throw new IllegalArgumentException("NAD needs a dense softmax OutputLayer as the network output, got '" + out + "'");
        }
        INDArray[] f = Activations.forward(net, like.features(new int[] {0}), layers);
        int[] channels = new int[f.length];
        int[] positions = new int[f.length];
        TransferLearning.GraphBuilder b = new TransferLearning.GraphBuilder(net.clone())
                .removeVertexAndConnections(out)
                .addLayer(LOGITS, new DenseLayer.Builder().nIn(ol.getNIn()).nOut(ol.getNOut()).activation(Activation.IDENTITY).build(),
                        conf.getVertexInputs().get(out).toArray(new String[0]));
        List<String> merged = new ArrayList<>(List.of(LOGITS));
        for (int i = 0; i < f.length; i++) {
            if (f[i].rank() != 4) throw new IllegalArgumentException("NAD layer '" + layers.get(i) + "' is not a feature map (rank " + f[i].rank() + ")");
            channels[i] = (int) f[i].size(1);
            positions[i] = (int) (f[i].size(2) * f[i].size(3));
            String flat = "nad_flat" + i;
            b.addVertex(flat, new PreprocessorVertex(new CnnToFeedForwardPreProcessor(f[i].size(2), f[i].size(3), f[i].size(1))), layers.get(i));
            merged.add(flat);
        }
        b.addVertex("nad_merge", new MergeVertex(), merged.toArray(new String[0]));
        b.addLayer(LOSS, new LossLayer.Builder(new DistillationLoss((int) ol.getNOut(), channels, positions, betas, p))
                .activation(Activation.IDENTITY).build(), "nad_merge");
        b.setOutputs(LOSS);
        ComputationGraph g = b.build();
        Layer src = net.getLayer(out);
        g.getLayer(LOGITS).setParams(src.params().dup());
        return g;
    }

    /** A network with {@code like}'s architecture and the trained weights (BN running statistics included). */
    static ComputationGraph copyBack(ComputationGraph trained, ComputationGraph like) {
        ComputationGraph out = like.clone();
        String output = like.getConfiguration().getNetworkOutputs().get(0);
        for (Layer l : out.getLayers()) {
            String name = l.conf().getLayer().getLayerName();
            Layer src = trained.getLayer(name.equals(output) ? LOGITS : name);
            if (l.numParams() > 0) l.setParams(src.params().dup());
        }
        return out;
    }

    /**
     * The default distilled feature maps: the outputs of stages 2–4 on PreActResNet-18 (as BackdoorBench's
     * NAD), otherwise the activation of the last three conv layers (on SmallCNN relu2–relu4, or bn2–bn4 with
     * its ReLU fused).
     */
    static List<String> defaultLayers(ComputationGraph net) {
        var v = net.getConfiguration().getVertices();
        if (v.containsKey("s2b2_add") && v.containsKey("s3b2_add") && v.containsKey("s4b2_add")) return List.of("s2b2_add", "s3b2_add", "s4b2_add");
        var convs = org.fmplab.model.FeatureMapLayers.of(net);
        List<String> out = new ArrayList<>();
        for (int i = Math.max(0, convs.size() - 3); i < convs.size(); i++) out.add(Activations.channelOutput(net, convs.get(i).name()));
        return out;
    }
}
