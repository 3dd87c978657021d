package org.fmplab.params;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The named derivations reproduce the arithmetic they replaced (seed + 4, seed ^ 0x51ED, ...): a change
 * here would silently change every published number.
 */
class SeedsTest {
    @Test
    void derivationsKeepTheirHistoricValues() {
        for (long s : new long[] {0, 1, 7, -3, 123_456_789_012L}) {
            assertEquals(s + 1, Seeds.poisoning(s));
            assertEquals(s + 2, Seeds.modelInit(s));
            assertEquals(s + 3, Seeds.training(s));
            assertEquals(s + 4, Seeds.defenderSubset(s));
            assertEquals(s + 5, Seeds.defense(s));
            assertEquals(s + 6, Seeds.control(s));
            assertEquals(s * 31 + 2, Seeds.epochOrder(s, 2));
            assertEquals(s + 3, Seeds.pass(s, 3));
            assertEquals(s + 2, Seeds.round(s, 2));
            assertEquals(s * 1000 + 9, Seeds.perClass(s, 9));
            assertEquals(s + 1, Seeds.nadStudent(s));
            assertEquals(s + 1, Seeds.fmpSizeSearch(s));
            assertEquals(s + 2, Seeds.fmpFineTune(s));
            assertEquals(s ^ 0x51ED, Seeds.heldOutSplit(s));
            assertEquals(s ^ 0x6A09E667F3BCC909L, Seeds.probeStart(s));
            assertEquals(s ^ 0x55BA, Seeds.ssbaSecret(s));
            assertEquals(s + 7, Seeds.ssbaBitCheck(s));
            assertEquals(s + 1, Seeds.inputAwareGenerator(s));
        }
    }

    @Test
    void aRunsStreamsAreDistinct() {
        Set<Long> streams = LongStream.of(Seeds.poisoning(0), Seeds.modelInit(0), Seeds.training(0), Seeds.defenderSubset(0),
                Seeds.defense(0), Seeds.control(0)).boxed().collect(Collectors.toSet());
        assertEquals(6, streams.size());
    }
}
