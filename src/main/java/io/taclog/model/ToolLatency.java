package io.taclog.model;

import java.time.Duration;
import java.time.Instant;

/** The time between a tool call and its result: known only when both times were written by the agent. */
public final class ToolLatency {

    private ToolLatency() {
    }

    /** Milliseconds from call to result, or null unless both times are {@link TimeSource#RECORDED}. */
    public static Double millis(Instant call, String callSource, Instant result, String resultSource) {
        if (!TimeSource.RECORDED.equals(callSource) || !TimeSource.RECORDED.equals(resultSource) || call == null
                || result == null) {
            return null;
        }
        return (double) Duration.between(call, result).toMillis();
    }
}
