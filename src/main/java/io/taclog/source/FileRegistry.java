package io.taclog.source;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Durable knowledge about file generations: identity, committed offset and parser state.
 *
 * <p>The tailer only reads from it and records identity events; committed offsets move only in the
 * writer's batch transaction, together with the rows they produced. Identity events may become durable
 * later than they are recorded (with the next batch, or at {@link #flush()}): losing them in a crash is
 * harmless, since the next start derives them again from the files.
 */
public interface FileRegistry {

    /** Generation states. */
    String ACTIVE = "active";
    String DETACHED = "detached";
    String SUPERSEDED = "superseded";

    /**
     * A stored file generation.
     *
     * @param startOffset first byte this generation accounts for (non-zero for an adopted copy)
     * @param parseState parser state at {@code committedOffset}, or null
     */
    record StoredFile(long fileId, String kind, FileKey key, String firstLineHash, String path, long startOffset,
                      long committedOffset, String marker, int markerLength, String state, String parseState) {
    }

    /** The newest generation of (kind, device, inode) that is not superseded. */
    Optional<StoredFile> findCurrent(String kind, FileKey key);

    /** Generations of a kind still marked active (to notice files that vanished while taclog was stopped). */
    List<StoredFile> findActive(String kind);

    /** Superseded generations with this first-line hash (candidates for adopting a copy). */
    List<StoredFile> findSuperseded(String kind, String firstLineHash);

    /** Creates a generation starting at {@code startOffset}. */
    StoredFile register(String kind, FileKey key, String firstLineHash, Path path, long startOffset,
                        String startParseState, Long adoptedFrom);

    /** Records that a generation was seen at {@code path} (rename, rotation). */
    void recordPath(long fileId, Path path);

    /** Changes a generation's state, with a human-readable reason. */
    void markState(long fileId, String state, String reason);

    /** Re-reads a generation (after a failed batch, to resume from what is really committed). */
    Optional<StoredFile> reload(long fileId);

    /**
     * Makes identity changes durable now. Changes normally travel with the next committed batch; a source
     * with nothing to commit calls this so that they do not wait indefinitely.
     */
    void flush();
}
