package org.fmplab.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Arrays;
import org.fmplab.data.ImageDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The shared poisoning mechanism, with BadNets as the trigger. */
class PoisonerTest {

    @ParameterizedTest
    @CsvSource({"0.1, 200", "0.05, 190", "0.333, 150", "0.5, 111"})
    void poisonsRoundRateTimesN(double rate, int n) {
        ImageDataset data = Tiny.data(n, 3);
        PoisonedDataset p = new Poisoner(Attacks.create("badnets"), new PoisonConfig(rate, 0, LabelMode.ALL_TO_ALL, 0)).poison(data, null);
        assertEquals(Math.round(rate * n), p.poisonCount());
        assertEquals(p.poisonCount(), Arrays.stream(p.poisonIndices()).distinct().count());
    }

    @Test
    void allToOneRelabelsNonTargetVictimsToTheTarget() {
        ImageDataset data = Tiny.train();
        PoisonedDataset p = new Poisoner(Attacks.create("badnets"), new PoisonConfig(0.2, 3, LabelMode.ALL_TO_ONE, 0)).poison(data, null);
        boolean[] victim = new boolean[data.size()];
        for (int i : p.poisonIndices()) {
            victim[i] = true;
            assertNotEquals(3, data.label(i));
            assertEquals(3, p.dataset().label(i));
        }
        for (int i = 0; i < data.size(); i++) {
            if (!victim[i]) {
                assertEquals(data.label(i), p.dataset().label(i));
                assertArrayEquals(data.image(i), p.dataset().image(i));
            }
        }
    }

    @Test
    void allToAllMapsLabelToNextClass() {
        ImageDataset data = Tiny.train();
        PoisonedDataset p = new Poisoner(Attacks.create("badnets"), new PoisonConfig(0.3, 0, LabelMode.ALL_TO_ALL, 0)).poison(data, null);
        for (int i : p.poisonIndices()) assertEquals((data.label(i) + 1) % 10, p.dataset().label(i));
        BackdoorTestSet bd = new Poisoner(Attacks.create("badnets"), p.config()).backdoorTestSet(data);
        assertEquals(data.size(), bd.images().size(), "all-to-all: every test image has a target other than its label");
        int[] t = bd.targets();
        for (int k = 0; k < t.length; k++) assertEquals((bd.images().label(k) + 1) % 10, t[k]);
    }

    @Test
    void sameSeedSamePoisonedSetOtherSeedAnother() {
        ImageDataset data = Tiny.train();
        int[] a = new Poisoner(Attacks.create("badnets"), new PoisonConfig(0.1, 0, LabelMode.ALL_TO_ONE, 7)).poison(data, null).poisonIndices();
        int[] b = new Poisoner(Attacks.create("badnets"), new PoisonConfig(0.1, 0, LabelMode.ALL_TO_ONE, 7)).poison(data, null).poisonIndices();
        int[] c = new Poisoner(Attacks.create("badnets"), new PoisonConfig(0.1, 0, LabelMode.ALL_TO_ONE, 8)).poison(data, null).poisonIndices();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void poisonedPixelsAreTheTriggeredImagesRoundedToBytes() {
        ImageDataset data = Tiny.train();
        Attack sig = Attacks.create("sig", java.util.Map.of("dirty", true));
        PoisonedDataset p = new Poisoner(sig, PoisonConfig.paper(0)).poison(data, null);
        int i = p.poisonIndices()[0];
        INDArray expected = sig.apply(data.features(new int[] {i}), new int[] {i});
        byte[] got = p.dataset().image(i);
        for (int k = 0; k < got.length; k++) assertEquals(Math.round(expected.getFloat(k) * 255f), got[k] & 0xFF);
    }

    @Test
    void backdoorTestSetHoldsTriggeredNonTargetImagesWithTrueLabels() {
        ImageDataset test = Tiny.data(50, 9);
        BackdoorTestSet bd = new Poisoner(Attacks.create("badnets"), PoisonConfig.paper(0)).backdoorTestSet(test);
        assertEquals(45, bd.images().size());
        for (int k = 0; k < bd.images().size(); k++) {
            assertNotEquals(0, bd.images().label(k));
            assertEquals(0, bd.targets()[k]);
            assertEquals(255, bd.images().pixel(k, 0, Tiny.SIZE - 1, Tiny.SIZE - 1));
        }
    }
}
