package io.taclog.model;

import java.time.Instant;

/**
 * One side of a Codex review: the parent rollout entering review mode ({@code entered_review_mode}), or a
 * review sub-agent's own rollout starting ({@code session_meta.source = {"subagent":"review"}}). Codex
 * writes no id that links the two; the sink pairs them by time and working directory.
 *
 * @param sourceLine the line it was read from, as {@code <file id>:<byte offset>}: its identity in
 *     {@code codex_reviews} (schema v17). Its time cannot be: a line without a time of its own gets the time it
 *     was read at, which the other review lines of its batch share. Reading the same line again gives the same
 *     value.
 * @param reviewAgent true for the sub-agent's rollout, false for the parent entering review mode
 */
public record CodexReviewSeen(StreamRef stream, Instant at, String timeSource, String cwd, boolean reviewAgent,
                              String sourceLine) implements Fact {

    /** The {@link #sourceLine} of the line at {@code offset} of file generation {@code fileId}. */
    public static String sourceLine(long fileId, long offset) {
        return fileId + ":" + offset;
    }
}
