package io.taclog.validate;

import io.taclog.source.FileKey;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * A copy of the raw files that validate reads instead of the originals (which may be gone): the raw JSONL archive.
 * It hands out a generation's committed bytes at their original offsets, checked against the copy's own checksums.
 */
public interface ArchivedCopies {

    /** A generation's bytes from the copy; closing it releases them. */
    interface Copy extends Closeable {
        FileChannel channel();
    }

    /**
     * The outcome of a look-up: the copy of a generation's bytes {@code [start, committed)}, or (copy null) why the
     * copy does not hold them all.
     */
    record Lookup(Copy copy, String missing) {
    }

    /**
     * Looks a generation up by its id and identity.
     *
     * @throws IOException when the copy holds the bytes but they are not what it says it holds (a corrupt segment)
     */
    Lookup open(long fileId, String kind, FileKey key, String firstLineHash, long start, long committed)
            throws IOException;
}
