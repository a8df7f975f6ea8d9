package io.taclog.query;

import io.taclog.model.Times;
import java.time.Duration;
import java.time.Instant;

/** Durations between stored times. */
final class Durations {

    private Durations() {
    }

    static Double minutesBetween(String from, String to) {
        Instant a = Times.parseOrNull(from);
        Instant b = Times.parseOrNull(to);
        if (a == null || b == null) {
            return null;
        }
        return Duration.between(a, b).toMillis() / 60000.0;
    }
}
