package org.fmplab.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code ./fmplab params}: the listing comes from each method's one declaration. */
class ParamsCommandTest {
    @Test
    void listsTheDeclaredKeysOfTheNamedMethods() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        assertEquals(0, Main.params(new String[] {"badnets", "fmp"}, new PrintStream(buf, true, StandardCharsets.UTF_8)));
        String text = buf.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("attack badnets") && text.contains("defense fmp"), text);
        for (String key : org.fmplab.fmp.FmpConfig.PARAMS.names()) assertTrue(text.contains(key), key + " missing from\n" + text);
        assertFalse(text.contains("defense ft"), "only the named methods: " + text);
    }
}
