package io.taclog.ingest;

import io.taclog.source.Tailer;

/**
 * What one tail source last reported about itself, for the metrics endpoint and the "not stuck" check. A source
 * publishes a new value when a poll starts and when it ends (only when metrics are on), so readers on other
 * threads never touch the tailer.
 *
 * @param tail the tailer's figures at the end of the last finished poll (null before the first one)
 * @param pollStartedNanos when the poll now running started; -1 between polls. A live poll lasts milliseconds
 *     unless it reads a backlog or waits for room in the writer's queue
 * @param inFlightSinceNanos since when bytes have been in flight without a break; -1 when none are
 */
public record SourceStats(Tailer.Stats tail, long pollStartedNanos, long inFlightSinceNanos) {

    public static final SourceStats NONE = new SourceStats(null, -1, -1);

    /** A poll starts. */
    public SourceStats polling(long nowNanos) {
        return new SourceStats(tail, nowNanos, inFlightSinceNanos);
    }

    /** A poll ended with the tailer reporting {@code now}. */
    public SourceStats polled(Tailer.Stats now, long nowNanos) {
        long since = now.bytesInFlight() <= 0 ? -1 : inFlightSinceNanos >= 0 ? inFlightSinceNanos : nowNanos;
        return new SourceStats(now, -1, since);
    }

    /**
     * Since when this source has had work the writer has not finished: bytes in flight, or a poll running (reading
     * or waiting for the writer's queue); -1 when it has none.
     */
    public long workPendingSinceNanos() {
        if (pollStartedNanos >= 0 && inFlightSinceNanos >= 0) {
            return Math.min(pollStartedNanos, inFlightSinceNanos);
        }
        return pollStartedNanos >= 0 ? pollStartedNanos : inFlightSinceNanos;
    }

    public long bytesBehind() {
        return tail == null ? 0 : tail.bytesBehind();
    }
}
