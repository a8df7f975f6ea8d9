package io.taclog.sink;

/**
 * A batch's start offset no longer matches the committed offset of its file: another commit got
 * there first (or the batch is a replay). The batch is rolled back whole and the file re-read from
 * what is committed.
 */
public final class StaleBatchException extends RuntimeException {

    public StaleBatchException(long fileId, long expectedStart) {
        super("file " + fileId + ": committed offset is not " + expectedStart + "; batch discarded, re-reading");
    }
}
