package io.taclog.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.source.FileRange;
import io.taclog.source.LineFlaw;
import io.taclog.source.SourceFile;
import io.taclog.source.SourceLine;
import io.taclog.source.TailBatch;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A parsed batch waits for its commit; what it keeps of its lines' bytes meanwhile is only what a quarantine
 * record could still need.
 */
class BatchParserTest {

    private final BatchParser parser = new BatchParser(List.of(SourceKindParser.generic("transcripts")), true);

    @Test
    void keepsAllBytesOfARejectedLineAndOnlyTheHeadOfOthers() {
        String longLine = "{\"type\":\"note\",\"text\":\"" + "x".repeat(5000) + "\"}";
        String broken = "{\"type\":\"note\",\"text\":\"" + "y".repeat(3000);
        List<SourceLine> lines = new ArrayList<>();
        long offset = 0;
        for (String l : new String[] {longLine, broken, "{\"type\":\"short\"}"}) {
            byte[] b = l.getBytes(StandardCharsets.UTF_8);
            lines.add(new SourceLine(1, offset, b.length + 1, b, LineFlaw.NONE));
            offset += b.length + 1;
        }
        TailBatch batch = new TailBatch(lines, List.of(new FileRange(1, 0, offset, 3, 0, 0, null, 0)),
                Map.of(1L, new SourceFile(1, "/logs/a.jsonl", "transcripts")), new HashMap<>(),
                Instant.parse("2026-01-01T00:00:00Z"));

        List<ParsedLine> parsed = parser.parse(batch).lines();

        assertTrue(batch.lines().isEmpty(), "the batch lets its lines go once parsed");
        assertEquals(SourceLine.HEAD_BYTES, parsed.get(0).line().content().length, "a long usable line: its head");
        assertEquals(longLine.length() + 1L, parsed.get(0).line().length(), "its place in the file is kept");
        assertInstanceOf(LineOutcome.Rejected.class, parsed.get(1).outcome());
        assertEquals(broken.length(), parsed.get(1).line().content().length, "a rejected line: every byte");
        assertEquals("{\"type\":\"short\"}".length(), parsed.get(2).line().content().length, "a short line is kept");
    }
}
