package io.taclog.model.coordinator;

import io.taclog.model.Fact;

/**
 * A session ends. A reason already set to 'signal' (TAC-8 S01 before R13) is kept unless
 * {@code overrideReason} is set.
 */
public record SessionEnded(String sessionId, Stamp when, String exitReason, boolean overrideReason)
        implements Fact {
}
