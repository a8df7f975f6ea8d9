package io.taclog.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ArchiveMonthTest {

    @Test
    void aMonthIsYyyyMmInUtc() {
        ArchiveMonth m = ArchiveMonth.parse("2026-01");
        assertEquals("2026-01", m.toString());
        assertEquals("2026-01-01T00:00:00.000Z", m.fromText());
        assertEquals("2026-02-01T00:00:00.000Z", m.untilText());
        assertEquals("logs-2026-01.db", m.fileName());
        assertEquals(ArchiveMonth.parse("2026-02"), m.next());
        assertEquals(ArchiveMonth.parse("2027-01"), ArchiveMonth.parse("2026-12").next());
        assertEquals(m, ArchiveMonth.of(Instant.parse("2026-01-31T23:59:59.999Z")));
        assertEquals(m.next(), ArchiveMonth.of(Instant.parse("2026-02-01T00:00:00Z")));
    }

    @Test
    void anythingElseIsRefusedWithWhatWasExpected() {
        for (String bad : new String[] {"2026-1", "2026-13", "2026-00", "26-01", "2026/01", "January", "", "2026-01-05"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ArchiveMonth.parse(bad));
            assertTrue(e.getMessage().contains("is not a month"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> ArchiveMonth.parse(null));
    }

    @Test
    void aMonthIsCompleteAtItsEndAndOldEnoughKeepDaysLater() {
        ArchiveMonth jan = ArchiveMonth.parse("2026-01");
        assertFalse(jan.complete(Instant.parse("2026-01-31T23:59:59Z")));
        assertTrue(jan.complete(Instant.parse("2026-02-01T00:00:00Z")));
        assertFalse(jan.endedDaysBefore(Instant.parse("2026-03-02T23:59:59Z"), 30));
        assertTrue(jan.endedDaysBefore(Instant.parse("2026-03-03T00:00:00Z"), 30));
        assertTrue(jan.endedDaysBefore(Instant.parse("2026-02-01T00:00:00Z"), 0));
    }
}
