package org.fmplab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.Test;

class RunConfigTest {
    @Test
    void badOptionsAreNamedByTheFlagTheUserTyped() {
        expect("--rate = 1.5 must be in (0, 1]", "--rate", "1.5");
        expect("--defender-fraction = 1.0 must be in (0, 1)", "--defender-fraction", "1");
        expect("--epochs = 0 must be >= 1", "--epochs", "0");
        expect("--batch = 0 must be >= 1", "--batch", "0");
        expect("--lr = 0.0 must be > 0", "--lr", "0");
        expect("--train-limit = -1 must be >= 0", "--train-limit", "-1");
        expect("--rate = 'ten' is not a number", "--rate", "ten");
        var e = assertThrows(IllegalArgumentException.class, () -> Main.parseRun(new Args(new String[] {"--model", "vgg"}, Set.of("quick"))));
        assertTrue(e.getMessage().startsWith("--model = 'vgg' is unknown"), e.getMessage());
    }

    @Test
    void theDeclaredDefaultsAreTheRunDefaults() {
        RunConfig d = RunConfig.defaults();
        assertEquals(d.poisonRate(), RunConfig.OPTIONS.read(java.util.Map.of()).getDouble("rate"));
        assertEquals(d.epochs(), RunConfig.OPTIONS.read(java.util.Map.of()).getInt("epochs"));
        assertEquals(d.batchSize(), RunConfig.OPTIONS.read(java.util.Map.of()).getInt("batch"));
        assertEquals(d.defenderFraction(), RunConfig.OPTIONS.read(java.util.Map.of()).getDouble("defender-fraction"));
        assertEquals(d.trainLimit(), RunConfig.OPTIONS.read(java.util.Map.of()).getInt("train-limit"));
    }

    private static void expect(String message, String flag, String value) {
        Executable parse = () -> Main.parseRun(new Args(new String[] {flag, value}, Set.of("quick")));
        assertEquals(message, assertThrows(IllegalArgumentException.class, parse).getMessage());
    }
}
