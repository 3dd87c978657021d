package org.fmplab.attack;

import java.util.Map;
import org.fmplab.model.BatchTransform;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A backdoor attack says only how an image changes; {@link Poisoner} does the rest (rate, target,
 * victims, labels, indices). Implementations are immutable once {@link #prepare prepared}.
 */
public interface Attack {
    /** Registry name, e.g. "badnets". */
    String name();

    /** The attack's parameters, for manifests and reports. */
    Map<String, Object> params();

    /**
     * Applies the trigger to a batch of images [N,C,H,W] with values in [0,1] and returns the triggered
     * batch (a new array). {@code sampleIds} identify the images (sample-specific attacks may use them
     * as seeds); results must be deterministic given the attack state and the ids.
     */
    INDArray apply(INDArray images, int[] sampleIds);

    /**
     * The trigger used on TEST images (for ASR/RA). Defaults to {@link #apply}; attacks whose training
     * poison differs from their test-time trigger (label-consistent: adversarial perturbation plus
     * trigger when poisoning, trigger only at test time) override it.
     */
    default INDArray applyTest(INDArray images, int[] sampleIds) {
        return apply(images, sampleIds);
    }

    /** True for clean-label attacks: victims are drawn from the target class and keep their labels. */
    default boolean cleanLabel() {
        return false;
    }

    /**
     * Prepares data-dependent state (e.g. a pattern optimised on a surrogate model). Called once by
     * {@link Poisoner} before poisoning; the default does nothing.
     */
    default void prepare(AttackContext context) { }

    /**
     * True for attacks whose poisoned images are re-drawn in every training batch (the WaNet paper's
     * scheme) rather than fixed once: the {@link Poisoner} then leaves the training set clean (no
     * poison indices, {@link PoisonedDataset#onTheFly()}) and {@link #trainingTransform} triggers and
     * relabels round(rate × batch) eligible images of every batch. Such attacks must return a transform.
     */
    default boolean poisonsOnTheFly() {
        return false;
    }

    /**
     * For attacks that also poison batches during training (WaNet, Input-aware): the transform to hand
     * to the {@link org.fmplab.model.Trainer} for training on {@code poisoned}; null otherwise. Label-
     * keeping samples (WaNet noise, Input-aware cross) are drawn from the images that are not poisoned.
     */
    default BatchTransform trainingTransform(PoisonedDataset poisoned) {
        return null;
    }

    /**
     * The data-dependent state this attack needs to reproduce its triggers (a pattern, a flow field,
     * network weights), by array name; empty when the parameters alone determine the trigger.
     * Saved by {@link AttackState}.
     */
    default Map<String, INDArray> state() {
        return Map.of();
    }

    /**
     * Restores the state returned by {@link #state()} on an attack created with the same parameters;
     * afterwards the attack is prepared and produces the same triggered images.
     *
     * @throws IllegalArgumentException if an expected array is missing or has the wrong shape
     */
    default void restoreState(Map<String, INDArray> state) {
        if (!state.isEmpty()) throw new IllegalArgumentException(name() + ": has no state but got " + state.keySet());
    }
}
