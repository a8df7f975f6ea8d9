package io.taclog.rawarchive;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A generation's archived bytes unpacked into a temporary file at their original offsets (a sparse file before the
 * first one), so that the line scanner reads them exactly as it read the original; each segment's size and SHA-256
 * are checked on the way. The file is deleted when closed.
 */
final class GenerationBytes implements AutoCloseable {

    private final FileChannel channel;
    private final long from;
    private final long to;

    private GenerationBytes(FileChannel channel, long from, long to) {
        this.channel = channel;
        this.from = from;
        this.to = to;
    }

    /** Unpacks the contiguous {@code segments} of one generation into a new file in {@code tempDir}. */
    static GenerationBytes unpack(Path raw, List<ManifestEntry> segments, Path tempDir) throws IOException {
        Path file = Files.createTempFile(tempDir, ".taclog-raw-", ".tmp");
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.DELETE_ON_CLOSE, StandardOpenOption.SPARSE);
        try {
            for (ManifestEntry e : segments) {
                SegmentFiles.inflate(raw.resolve(e.segment()), e.bytes(), e.sha256(), ch, e.from());
            }
            return new GenerationBytes(ch, segments.get(0).from(), segments.get(segments.size() - 1).to());
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    FileChannel channel() {
        return channel;
    }

    long from() {
        return from;
    }

    long to() {
        return to;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
