package io.taclog.archive;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One archive run at a time per archive directory (the command and the sidecar's daily check could otherwise both
 * write the same month): an OS lock on a file in it, released when the run ends or its process dies. The raw JSONL
 * archive takes a lock of its own name, so a monthly archive and a raw archive run do not wait for each other.
 */
public final class ArchiveLock implements AutoCloseable {

    static final String NAME = ".taclog-archive.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private ArchiveLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock, or fails at once when another run holds it. */
    static ArchiveLock acquire(Path dir) throws IOException {
        return acquire(dir, NAME);
    }

    /** Takes the lock file {@code name} in {@code dir}, or fails at once when another run holds it. */
    public static ArchiveLock acquire(Path dir, String name) throws IOException {
        FileChannel ch = FileChannel.open(dir.resolve(name), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l;
        try {
            l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
            l = null; // held by another run in this very process (the sidecar's check)
        }
        if (l == null) {
            ch.close();
            throw new IOException("another archive run is writing to " + dir + "; try again when it has finished");
        }
        return new ArchiveLock(ch, l);
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
