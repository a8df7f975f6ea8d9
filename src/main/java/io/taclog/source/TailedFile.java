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
    /** Next byte to read; equals {@link #committed} between batches. */
    long readPos;
    String committedState;
    String marker;
    int markerLength;

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

    void adopt(FileRegistry.StoredFile stored) {
        fileId = stored.fileId();
        committed = stored.committedOffset();
        readPos = committed;
        committedState = stored.parseState();
        marker = stored.marker();
        markerLength = stored.markerLength();
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
        oversize = null;
        holeStart = -1;
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
