package io.taclog.model.coordinator;

import io.taclog.model.Fact;

/**
 * A session ends. A reason already set to 'signal' (TAC-8 S01 before R13) is kept unless
 * {@code overrideReason} is set.
 *
 * @param atLastLine the end was inferred from what came next (a new banner, a truncated log): the
 *     session ends at its last line seen, not at {@code when}
 */
public record SessionEnded(String sessionId, Stamp when, String exitReason, boolean overrideReason,
                           boolean atLastLine) implements Fact {
}
