package io.taclog.model;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * The one time format of the database: UTC ISO-8601 with milliseconds and a 'Z'
 * ({@code 2026-11-24T16:58:35.123Z}). Fixed width, so text order is time order, and SQLite's date
 * functions read it.
 */
public final class Times {

    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Times() {
    }

    public static String format(Instant t) {
        return t == null ? null : FORMAT.format(t.truncatedTo(ChronoUnit.MILLIS));
    }

    /** Parses an ISO-8601 instant with an offset or 'Z'; null when absent or unreadable. */
    public static Instant parseOrNull(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    /** Seconds since the epoch (possibly fractional) as an instant. */
    public static Instant fromEpochSeconds(double seconds) {
        long whole = (long) Math.floor(seconds);
        long nanos = Math.round((seconds - whole) * 1_000_000_000L);
        return Instant.ofEpochSecond(whole, Math.min(nanos, 999_999_999L));
    }
}
