package org.fmplab.attack;

import java.util.Map;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.fmplab.data.ImageDataset;
import org.fmplab.data.Subsets;
import org.fmplab.model.Backend;
import org.fmplab.model.TrainConfig;
import org.fmplab.model.TrainResult;
import org.fmplab.model.Trainer;
import org.fmplab.progress.ProgressListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The attacker's own clean classifier: LF optimises its universal pattern against it and LC computes
 * its adversarial perturbations on it. A small CNN without BatchNorm (conv 16 → pool → conv 32 → pool
 * → dense 64 → softmax), so that its input gradients are exact (DL4J's BatchNorm backward is wrong
 * for inference-mode gradients). Trained with the toolkit's one {@link Trainer}.
 */
final class Surrogate {
    private final MultiLayerNetwork net;
    private final int[] shape; // c, h, w, classes

    private Surrogate(MultiLayerNetwork net, int[] shape) {
        this.net = net;
        this.shape = shape;
    }

    /**
     * Trains a surrogate on a class-balanced subset of at most {@code maxImages} images of {@code data}.
     */
    static Surrogate train(ImageDataset data, int maxImages, int epochs, long seed, ProgressListener listener) {
        ImageDataset sub = data.size() <= maxImages ? data
                : data.subset(Subsets.classBalanced(data, (double) maxImages / data.size(), seed));
        int[] shape = {data.channels(), data.height(), data.width(), data.numClasses()};
        Surrogate s = create(shape, seed);
        TrainResult r = new Trainer(TrainConfig.paper(epochs, seed)).withListener(listener).withStage("surrogate")
                .train(s.net.toComputationGraph(), sub);
        s.net.setParams(r.model().params());
        return s;
    }

    /** A surrogate with the weights of {@link #state}. */
    static Surrogate restore(Map<String, INDArray> state, String prefix) {
        INDArray shapeArr = require(state, prefix + "shape");
        INDArray params = require(state, prefix + "params");
        int[] shape = shapeArr.toIntVector();
        Surrogate s = create(shape, 0);
        if (params.length() != s.net.numParams()) {
            throw new IllegalArgumentException(prefix + "params has " + params.length() + " values; the surrogate needs " + s.net.numParams());
        }
        s.net.setParams(params.reshape(1, params.length()).castTo(DataType.FLOAT));
        return s;
    }

    /** The arrays that {@link #restore} needs, under names starting with {@code prefix}. */
    Map<String, INDArray> state(String prefix) {
        return Map.of(prefix + "shape", Nd4j.createFromArray(shape), prefix + "params", net.params().dup());
    }

    /**
     * The gradient of the summed cross-entropy of the images [N,C,H,W] towards {@code labels} with
     * respect to the images.
     */
    INDArray inputGradient(INDArray images, int[] labels) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, labels.length, shape[3]);
        for (int i = 0; i < labels.length; i++) y.putScalar(i, labels[i], 1f);
        return net.calculateGradients(images, y, null, null).getSecond().dup();
    }

    /** Top-1 predictions of a batch. */
    int[] predict(INDArray images) {
        return net.output(images, false).argMax(1).toIntVector();
    }

    private static Surrogate create(int[] shape, long seed) {
        Backend.init();
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Same)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(16).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(32).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(64).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(shape[3])
                        .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build())
                .setInputType(InputType.convolutional(shape[1], shape[2], shape[0]))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return new Surrogate(org.fmplab.model.SeededInit.apply(net, seed), shape.clone());
    }

    static INDArray require(Map<String, INDArray> state, String key) {
        INDArray a = state.get(key);
        if (a == null) throw new IllegalArgumentException("attack state lacks the array '" + key + "'; has " + state.keySet());
        return a;
    }
}
