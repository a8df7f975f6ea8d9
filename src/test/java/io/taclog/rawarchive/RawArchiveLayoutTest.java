package io.taclog.rawarchive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RawArchiveLayoutTest {

    @Test
    void aSegmentIsNamedByMonthKindFileGenerationAndRange() {
        assertEquals("2026-03/transcripts/5c0375b4.g17.0-81234.jsonl.gz", RawArchiveLayout.segmentName("2026-03",
                "transcripts", "/home/u/.claude/projects/-x/5c0375b4.jsonl", 17, 0, 81234));
        assertEquals("2026-03/coordinator-log/coordinator.g3.100-200.log.gz", RawArchiveLayout.segmentName("2026-03",
                "coordinator-log", "/srv/tac8/coordinator.log", 3, 100, 200));
    }

    @Test
    void namesAreSafeShortAndNeverHidden() {
        assertEquals("2026-03/transcripts/a_b_c.g1.0-1.gz", RawArchiveLayout.segmentName("2026-03", "transcripts",
                "/w/a b:c", 1, 0, 1));
        assertEquals("2026-03/transcripts/f.hidden.g1.0-1.jsonl.gz", RawArchiveLayout.segmentName("2026-03",
                "transcripts", "/w/.hidden.jsonl", 1, 0, 1));
        String longName = "x".repeat(300) + ".jsonl";
        assertEquals("2026-03/transcripts/" + "x".repeat(80) + ".g1.0-1.jsonl.gz",
                RawArchiveLayout.segmentName("2026-03", "transcripts", "/w/" + longName, 1, 0, 1));
    }

    @Test
    void theMonthIsTheUtcMonthOfWriting() {
        assertEquals("2026-01", RawArchiveLayout.month(Instant.parse("2026-01-31T23:59:59.999Z")));
        assertEquals("2026-02", RawArchiveLayout.month(Instant.parse("2026-02-01T00:00:00Z")));
    }
}
