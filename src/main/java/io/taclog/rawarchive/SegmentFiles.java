package io.taclog.rawarchive;

import io.taclog.source.Hashes;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * Segment files: a byte range of a source file compressed with gzip (the JDK's zlib: no dependency, readable with
 * zcat anywhere), written under a temporary name, forced to disk and then given its name with a hard link, which never
 * replaces a file that is there. Reading one back checks its size and the SHA-256 of its bytes.
 */
final class SegmentFiles {

    private static final int BUFFER = 1 << 16;

    private SegmentFiles() {
    }

    /** What a written segment holds: the SHA-256 of the uncompressed bytes and the size of the file. */
    record Written(String sha256, long compressedBytes) {
    }

    /**
     * Compresses {@code [from, to)} of {@code source} into {@code temp} (created new) and forces it to disk. Fails
     * when the source ends before {@code to}.
     */
    static Written write(FileChannel source, long from, long to, Path temp) throws IOException {
        MessageDigest sha = Hashes.sha256();
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            OutputStream raw = Channels.newOutputStream(out);
            GZIPOutputStream gz = new GZIPOutputStream(raw, BUFFER);
            ByteBuffer buf = ByteBuffer.allocate(BUFFER);
            long pos = from;
            while (pos < to) {
                buf.clear().limit((int) Math.min(BUFFER, to - pos));
                int n = source.read(buf, pos);
                if (n < 0) {
                    throw new EOFException("the file ends at byte " + pos + ", before " + to);
                }
                sha.update(buf.array(), 0, n);
                gz.write(buf.array(), 0, n);
                pos += n;
            }
            gz.finish();
            gz.flush();
            out.force(true);
            return new Written(HexFormat.of().formatHex(sha.digest()), out.size());
        }
    }

    /**
     * Gives the written temporary file its name. When the name is taken by a segment with the same bytes (a run
     * that stopped after publishing it), that one stays and the temporary file goes; any other file there is left
     * as it is and refused. The caller forces the target's folder (once for all the segments it publishes).
     */
    static void publish(Path temp, Path target, String sha256, long bytes) throws IOException {
        Files.createDirectories(target.getParent());
        try {
            Files.createLink(target, temp);
        } catch (FileAlreadyExistsException e) {
            checkExisting(target, sha256, bytes);
        }
        Files.delete(temp);
    }

    /** A file already at a segment's name must hold exactly the segment's bytes. */
    static void checkExisting(Path target, String sha256, long bytes) {
        try {
            verify(target, bytes, sha256);
        } catch (IOException e) {
            throw new RawArchiveRefused("segment file " + target + " already exists with other content ("
                    + e.getMessage() + "); it is left as it is: move it away if it is not the archive's");
        }
    }

    /** Decompresses a segment and checks its size and SHA-256. */
    static void verify(Path segment, long bytes, String sha256) throws IOException {
        inflate(segment, bytes, sha256, null, 0);
    }

    /**
     * Decompresses a segment into {@code out} at {@code position} (null: only check it), checking that it holds
     * exactly {@code bytes} bytes whose SHA-256 is {@code sha256}.
     */
    static void inflate(Path segment, long bytes, String sha256, FileChannel out, long position) throws IOException {
        MessageDigest sha = Hashes.sha256();
        long total = 0;
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(segment), BUFFER),
                BUFFER)) {
            byte[] b = new byte[BUFFER];
            for (int n = in.read(b); n >= 0; n = in.read(b)) {
                if (total + n > bytes) {
                    throw new CorruptSegmentException("segment " + segment + " holds more than the " + bytes
                            + " bytes its manifest entry says");
                }
                sha.update(b, 0, n);
                if (out != null) {
                    ByteBuffer w = ByteBuffer.wrap(b, 0, n);
                    long at = position + total;
                    while (w.hasRemaining()) {
                        at += out.write(w, at);
                    }
                }
                total += n;
            }
        } catch (NoSuchFileException e) {
            throw new CorruptSegmentException("segment " + segment + " is missing", e);
        } catch (ZipException | EOFException e) {
            throw new CorruptSegmentException("segment " + segment + " cannot be decompressed: " + e.getMessage(), e);
        }
        if (total != bytes) {
            throw new CorruptSegmentException("segment " + segment + " holds " + total + " bytes, its manifest entry "
                    + "says " + bytes);
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (!actual.equals(sha256)) {
            throw new CorruptSegmentException("segment " + segment + ": the SHA-256 of its bytes is " + actual
                    + ", its manifest entry says " + sha256);
        }
    }
}
