package io.taclog.model;

import java.time.Instant;

/**
 * One side of a Codex review: the parent rollout entering review mode ({@code entered_review_mode}), or a
 * review sub-agent's own rollout starting ({@code session_meta.source = {"subagent":"review"}}). Codex
 * writes no id that links the two; the sink pairs them by time and working directory.
 *
 * @param reviewAgent true for the sub-agent's rollout, false for the parent entering review mode
 */
public record CodexReviewSeen(StreamRef stream, Instant at, String timeSource, String cwd, boolean reviewAgent)
        implements Fact {
}
