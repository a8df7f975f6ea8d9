package io.taclog.model.coordinator;

import io.taclog.model.TimeSource;
import java.time.Instant;

/**
 * When a coordinator fact happened and how that is known.
 *
 * @param provisional the time is the read time of a backfilled line that carries none; the backfill
 *     replaces it with an estimate when it finishes (then {@code time_source} becomes 'estimated')
 */
public record Stamp(Instant at, String timeSource, boolean provisional) {

    public static Stamp recorded(Instant at) {
        return new Stamp(at, TimeSource.RECORDED, false);
    }

    public static Stamp observed(Instant at) {
        return new Stamp(at, TimeSource.OBSERVED, false);
    }
}
