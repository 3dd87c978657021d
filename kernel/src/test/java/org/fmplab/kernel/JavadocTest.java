package org.fmplab.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class JavadocTest {
    /** The toolkit's own sources, as the build copies them next to the kernel jar. */
    private final Javadoc docs = new Javadoc(Path.of("../toolkit/src/main/java"));

    @Test
    void aToolkitClassAndItsConstructorShowTheClassJavadoc() {
        String doc = docs.forSignature("org.fmplab.experiment.Tutorial");
        assertTrue(doc.startsWith("The notebooks' shared set-up, one call in their first cell: Tutorial T = Tutorial.fromEnvironment();"), doc);
        assertEquals(doc, docs.forSignature("org.fmplab.experiment.Tutorial(boolean quick, int epochs, int limit, int testLimit, long seed, RunConfig config)"));
    }

    @Test
    void aMethodShowsItsOwnJavadoc() {
        String doc = docs.forSignature("Tutorial Tutorial.fromEnvironment()");
        assertEquals("The settings from FMPLAB_QUICK, FMPLAB_EPOCHS and FMPLAB_LIMIT.", doc);
    }

    @Test
    void nonToolkitSymbolsHaveNone() {
        assertNull(docs.forSignature("int Math.max(int a, int b)"));
        assertNull(new Javadoc(Path.of("/no/such/dir")).forSignature("org.fmplab.experiment.Tutorial"));
    }

    @Test
    void markupBecomesPlainText() {
        assertEquals("Uses x and Y.\n\nSecond < third.", Javadoc.clean(" * Uses {@code x} and {@link Y}.\n * <p>Second &lt; third.\n "));
    }
}
