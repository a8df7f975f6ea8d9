package io.taclog.model;

import java.time.Instant;

/**
 * Usage of one API response. The same response may be seen several times (one line per content block,
 * a second copy of the transcript); the sink keeps one row per {@code dedupKey} with the largest usage.
 *
 * @param source the format it came from ('claude-stream-json', 'claude-session', 'codex-rollout', ...)
 */
public record ApiCallObserved(StreamRef stream, String dedupKey, String messageId, String requestId, Instant at,
                              String timeSource, String model, String provider, TokenUsage usage, boolean success,
                              String errorMessage, String errorCode, boolean sidechain, String source)
        implements Fact {
}
