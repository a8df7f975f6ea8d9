package io.taclog.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written fast paths of {@link Times} agree with java.time on every input shape. */
class TimesTest {

    private static final DateTimeFormatter REFERENCE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Test
    void formatsLikeTheGeneralFormatterOverManyRandomInstants() {
        Random r = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            Instant t = Instant.ofEpochSecond(r.nextLong(0, 253_402_300_799L), r.nextInt(1_000_000_000));
            assertEquals(REFERENCE.format(t.truncatedTo(ChronoUnit.MILLIS)), Times.format(t), t.toString());
        }
        assertEquals("1970-01-01T00:00:00.000Z", Times.format(Instant.EPOCH));
        assertEquals("1969-12-31T23:59:59.999Z", Times.format(Instant.EPOCH.minusMillis(1)));
        assertNull(Times.format(null));
    }

    @Test
    void readsEveryShapeExactlyAsJavaTimeDoes() {
        for (String s : new String[] {"2026-02-02T05:25:51.777Z", "2026-02-02T05:25:51Z", "2026-02-02T05:25:51.1Z",
            "2025-12-13T18:47:34.123456789Z", "2026-02-02T05:25:51.777+02:00", "2026-02-02T05:25:51-05:30",
            "2024-02-29T00:00:00Z", "2026-02-02T05:25:51.777z", "", " ", "2026-02-30T00:00:00Z",
            "2025-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-02-02T24:00:00Z", "2026-02-02T05:25:51.Z",
            "2026-02-02 05:25:51Z", "2026-02-02T05:25:51", "yesterday", "2026-02-02T05:25:5xZ",
            "2025-12-13T18:47:34.1234567891Z", "2026-02-02T05:25:51+18:00", "2026-02-02T05:25:51+19:00",
            "+12026-02-02T05:25:51Z", "2026-02-02T05:25:60Z", "[trimmed for fixture]", " 2026-02-02T05:25:51Z",
            "-2026-02-02T05:25:51Z", "-12026-02-02T05:25:51Z", "T05:25:51Z", "\u0662026-02-02T05:25:51Z"}) {
            assertEquals(reference(s), Times.parseOrNull(s), s);
        }
    }

    /** What Times.parseOrNull did before its fast path: OffsetDateTime, then Instant, else null. */
    private static Instant reference(String s) {
        if (s.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }
}
