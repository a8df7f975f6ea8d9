package io.taclog.source;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * The two content fingerprints of file identity: the hash of the first line (or of the first 4 KiB when
 * the first line is longer), and the offset marker, a hash of the last bytes before a committed offset.
 */
public final class Fingerprints {

    /** Bytes of a long first line that identify a file. */
    public static final int IDENTITY_BYTES = 4096;
    /** Bytes before a committed offset that the marker covers (at most; never more than the last line). */
    public static final int MARKER_BYTES = 32;

    private Fingerprints() {
    }

    /** First-line hash of a file of {@code size} bytes; null while the first line is not complete. */
    public static String firstLineHash(FileChannel ch, long size) throws IOException {
        int n = (int) Math.min(size, IDENTITY_BYTES);
        byte[] head = LineScanner.read(ch, 0, n);
        for (int i = 0; i < head.length; i++) {
            if (head[i] == '\n') {
                return Hashes.shortSha256(head, 0, i + 1);
            }
        }
        return head.length >= IDENTITY_BYTES ? Hashes.shortSha256(head, 0, head.length) : null;
    }

    /** True when the bytes before {@code offset} still hash to {@code marker} (or there is no marker). */
    public static boolean markerMatches(FileChannel ch, long offset, String marker, int markerLength)
            throws IOException {
        if (markerLength <= 0 || marker == null) {
            return true;
        }
        if (offset < markerLength) {
            return false;
        }
        byte[] m = LineScanner.read(ch, offset - markerLength, markerLength);
        return m.length == markerLength && Hashes.shortSha256(m, 0, m.length).equals(marker);
    }

    /** Length of the marker for a range ending at {@code end} whose last line starts at {@code lastLineStart}. */
    public static int markerLength(long end, long lastLineStart) {
        return (int) Math.min(MARKER_BYTES, end - lastLineStart);
    }

    public static String marker(FileChannel ch, long end, int length) throws IOException {
        byte[] m = LineScanner.read(ch, end - length, length);
        return Hashes.shortSha256(m, 0, m.length);
    }
}
