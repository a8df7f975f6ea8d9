package io.taclog.testing;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A log-writing process's open file descriptor: it keeps writing to the same inode whatever happens to the
 * path (rename, delete, truncate). An appending writer ({@code O_APPEND}) writes at the end; a positional
 * one writes at its own offset, so after a truncation it leaves a NUL hole, as a real non-append writer does.
 */
public final class LogWriter implements Closeable {

    private final FileChannel channel;
    private final boolean append;
    private final String src;
    private long nextSeq;

    private LogWriter(FileChannel channel, boolean append, String src, long firstSeq) {
        this.channel = channel;
        this.append = append;
        this.src = src;
        this.nextSeq = firstSeq;
    }

    /** Opens (creating) {@code path} with O_APPEND; records are tagged {@code src}, numbered from 0. */
    public static LogWriter append(Path path, String src) {
        return open(path, src, 0, true);
    }

    /** Opens (creating) {@code path} without O_APPEND, positioned at its current end. */
    public static LogWriter positional(Path path, String src) {
        return open(path, src, 0, false);
    }

    public static LogWriter open(Path path, String src, long firstSeq, boolean append) {
        try {
            FileChannel ch = append
                    ? FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                            StandardOpenOption.APPEND)
                    : FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (!append) {
                ch.position(ch.size());
            }
            return new LogWriter(ch, append, src, firstSeq);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code n} whole lines, one write() each. */
    public LogWriter lines(int n) {
        for (int i = 0; i < n; i++) {
            raw(Jsonl.line(src, nextSeq++));
        }
        return this;
    }

    /** Writes {@code n} whole lines of exactly {@code size} bytes each. */
    public LogWriter lines(int n, int size) {
        for (int i = 0; i < n; i++) {
            raw(Jsonl.line(src, nextSeq++, size));
        }
        return this;
    }

    /** Writes the next record without its newline (a line still being written); returns its seq. */
    public long partial() {
        raw(Jsonl.utf8(Jsonl.record(src, nextSeq)));
        return nextSeq++;
    }

    public LogWriter raw(String text) {
        return raw(Jsonl.utf8(text));
    }

    public LogWriter raw(byte[] bytes) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                channel.write(b);
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lines written so far (the next seq). */
    public long written() {
        return nextSeq;
    }

    public String src() {
        return src;
    }

    /** Where a positional writer writes next. */
    public long position() {
        try {
            return channel.position();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public boolean appending() {
        return append;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
