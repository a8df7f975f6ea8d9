package io.taclog.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.source.LineFlaw;
import io.taclog.source.SourceLine;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The quarantine record of a line that failed to store shows the same start whether its bytes were kept whole. */
class QuarantineHeadTest {

    @Test
    void theHeadOfALineIsTheHeadOfItsKeptHead() {
        for (String text : new String[] {"a".repeat(5000), "\u00e9\u4e2d\ud83d\ude00".repeat(400), "short\u0001line"}) {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            SourceLine line = new SourceLine(1, 0, b.length + 1, b, LineFlaw.NONE);
            assertEquals(BatchWriter.head(line), BatchWriter.head(line.headOnly()), text.substring(0, 5));
        }
        String head = BatchWriter.head(new SourceLine(1, 0, 5001, "a".repeat(5000).getBytes(StandardCharsets.UTF_8),
                LineFlaw.NONE).headOnly());
        assertTrue(head.endsWith("..."), "a cut line says so");
        assertEquals(303, head.length());
    }
}
