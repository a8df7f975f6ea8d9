package io.taclog.source;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** One open file the tailer follows: its handle, registry generation and read positions. */
final class TailedFile {

    final FileKey key;
    Path path;
    FileChannel channel;

    /** Registry id of the current generation, or -1 while its first line is not complete yet. */
    long fileId = -1;
    /** Durable position: everything before it is committed. */
    long committed;
    String committedState;
    String marker;
    int markerLength;
    /**
     * Next byte to read. Ahead of {@link #committed} while batches are on their way to the writer (read and
     * parsed, not committed yet); equal to it when nothing is in flight.
     */
    long readPos;
    /** Parser state at {@link #readPos}: the start state of the next batch. */
    String readState;
    /** Marker of the bytes before {@link #readPos}, to notice a rewrite before reading on. */
    String readMarker;
    int readMarkerLength;

    /** Not found under any watched path any more (rotated away or deleted): drain, then close. */
    boolean detached;
    long lastGrowthNanos;
    long lastSize = -1;
    LineScanner.Oversize oversize;
    long holeStart = -1;
    long holeSeenNanos;

    TailedFile(FileKey key, Path path, FileChannel channel, long nowNanos) {
        this.key = key;
        this.path = path;
        this.channel = channel;
        this.lastGrowthNanos = nowNanos;
    }

    boolean registered() {
        return fileId >= 0;
    }

    /** Nothing of the file is in flight: every byte read is committed (or was given back). */
    boolean settled() {
        return readPos == committed;
    }

    /** Read and committed to the last size seen, nothing in flight: safe to close and forget the handle. */
    boolean caughtUp() {
        return channel != null && lastSize >= 0 && readPos >= lastSize && settled();
    }

    void adopt(FileRegistry.StoredFile stored) {
        fileId = stored.fileId();
        committed = stored.committedOffset();
        readPos = committed;
        committedState = stored.parseState();
        marker = stored.marker();
        markerLength = stored.markerLength();
        rewindToCommitted();
    }

    /** Forgets what was read beyond the committed offset (a batch failed or was discarded). */
    void rewindToCommitted() {
        readPos = committed;
        readState = committedState;
        readMarker = marker;
        readMarkerLength = markerLength;
        oversize = null;
        holeStart = -1;
    }

    void resetToUnregistered() {
        fileId = -1;
        committed = 0;
        readPos = 0;
        committedState = null;
        marker = null;
        markerLength = 0;
        rewindToCommitted();
    }

    void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing a read-only handle cannot lose data
            }
            channel = null;
        }
    }
}
