package io.taclog.model;

import java.time.Instant;

/**
 * One side of a Codex review: the parent rollout entering review mode ({@code entered_review_mode}), or a
 * review sub-agent's own rollout starting ({@code session_meta.source = {"subagent":"review"}}). Codex
 * writes no id that links the two; the sink pairs them by time and working directory.
 *
 * @param sourceLine the line it was read from, as {@code <file id>:<byte offset>:<line hash>}: its identity in
 *     {@code codex_reviews} (schema v17). Its time cannot be: a line without a time of its own gets the time it
 *     was read at, which the other review lines of its batch share. Reading the same line again gives the same
 *     value; the same line of a copy of the file (another file id, the same offset and hash) gives the same
 *     {@link #placeInFile}, which is how a copy's review is recognised and not stored twice. Rows stored before the
 *     hash was part of it are {@code <file id>:<byte offset>}.
 * @param reviewAgent true for the sub-agent's rollout, false for the parent entering review mode
 */
public record CodexReviewSeen(StreamRef stream, Instant at, String timeSource, String cwd, boolean reviewAgent,
                              String sourceLine) implements Fact {

    /** The {@link #sourceLine} of the line at {@code offset} of file generation {@code fileId}, of hash {@code hash}. */
    public static String sourceLine(long fileId, long offset, String hash) {
        return fileId + ":" + offset + ":" + hash;
    }

    /**
     * The line's place in any copy of its file ({@code <offset>:<hash>}) of a {@link #sourceLine}; null for a key
     * without a hash (stored before it had one, or 'at <time>' of schema v16).
     */
    public static String placeInFile(String sourceLine) {
        int first = sourceLine == null ? -1 : sourceLine.indexOf(':');
        return first > 0 && sourceLine.indexOf(':', first + 1) > first ? sourceLine.substring(first + 1) : null;
    }
}
