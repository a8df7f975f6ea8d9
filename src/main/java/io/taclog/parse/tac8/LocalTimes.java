package io.taclog.parse.tac8;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

/**
 * TAC-8's naive local times ({@code 2025-11-02 19:33:12} in tasks.md, ISO with microseconds in META and
 * the API log) in the configured time zone ({@code taclog.coordinator.timezone}).
 */
public final class LocalTimes {

    private static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd")
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .appendPattern("HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
            .toFormatter();

    private final ZoneId zone;

    public LocalTimes(ZoneId zone) {
        this.zone = zone;
    }

    /** The instant of a naive local time, or null when the text is not one. */
    public Instant instant(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return LocalDateTime.parse(text.strip(), FORMAT).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    public ZoneId zone() {
        return zone;
    }
}
