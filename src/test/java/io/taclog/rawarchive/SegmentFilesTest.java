package io.taclog.rawarchive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentFilesTest {

    @TempDir
    Path tmp;

    private SegmentFiles.Written write(String content, long from, long to, Path temp) throws IOException {
        Path source = tmp.resolve("source.jsonl");
        Files.writeString(source, content);
        try (FileChannel ch = FileChannel.open(source, StandardOpenOption.READ)) {
            return SegmentFiles.write(ch, from, to, temp);
        }
    }

    @Test
    void aRangeOfAFileComesBackByteForByteAtItsOffset() throws IOException {
        String content = "{\"a\":1}\n{\"b\":2}\n{\"c\":3}\n";
        SegmentFiles.Written w = write(content, 8, 24, tmp.resolve("t"));
        Path target = tmp.resolve("2026-03/transcripts/s.g1.8-24.jsonl.gz");
        SegmentFiles.publish(tmp.resolve("t"), target, w.sha256(), 16);
        assertFalse(Files.exists(tmp.resolve("t")));
        assertEquals(Files.size(target), w.compressedBytes());
        Path out = tmp.resolve("out");
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            SegmentFiles.inflate(target, 16, w.sha256(), ch, 8);
        }
        byte[] back = Files.readAllBytes(out);
        assertEquals(content.substring(8, 24), new String(back, 8, 16, StandardCharsets.UTF_8));
    }

    @Test
    void aRangeBeyondTheFilesEndIsAnError() {
        assertThrows(java.io.EOFException.class, () -> write("{\"a\":1}\n", 0, 100, tmp.resolve("t")));
    }

    @Test
    void otherBytesAreCorruptBySizeOrChecksum() throws IOException {
        SegmentFiles.Written w = write("{\"a\":1}\n", 0, 8, tmp.resolve("t"));
        CorruptSegmentException size = assertThrows(CorruptSegmentException.class,
                () -> SegmentFiles.verify(tmp.resolve("t"), 9, w.sha256()));
        assertTrue(size.getMessage().contains("holds 8 bytes, its manifest entry says 9"), size.getMessage());
        CorruptSegmentException sha = assertThrows(CorruptSegmentException.class,
                () -> SegmentFiles.verify(tmp.resolve("t"), 8, "0".repeat(64)));
        assertTrue(sha.getMessage().contains("SHA-256"), sha.getMessage());
        Files.writeString(tmp.resolve("junk"), "not gzip");
        assertThrows(CorruptSegmentException.class, () -> SegmentFiles.verify(tmp.resolve("junk"), 8, w.sha256()));
        assertThrows(CorruptSegmentException.class, () -> SegmentFiles.verify(tmp.resolve("none"), 8, w.sha256()));
    }

    @Test
    void aNameTakenBySameBytesIsKeptAndByOtherBytesRefused() throws IOException {
        SegmentFiles.Written w = write("{\"a\":1}\n", 0, 8, tmp.resolve("t1"));
        Path target = tmp.resolve("seg.jsonl.gz");
        SegmentFiles.publish(tmp.resolve("t1"), target, w.sha256(), 8);
        write("{\"a\":1}\n", 0, 8, tmp.resolve("t2"));
        SegmentFiles.publish(tmp.resolve("t2"), target, w.sha256(), 8); // a run that stopped after publishing
        assertFalse(Files.exists(tmp.resolve("t2")));

        SegmentFiles.Written other = write("{\"b\":2}\n", 0, 8, tmp.resolve("t3"));
        RawArchiveRefused e = assertThrows(RawArchiveRefused.class,
                () -> SegmentFiles.publish(tmp.resolve("t3"), target, other.sha256(), 8));
        assertTrue(e.getMessage().contains("already exists with other content"), e.getMessage());
        SegmentFiles.verify(target, 8, w.sha256()); // left as it was
    }
}
