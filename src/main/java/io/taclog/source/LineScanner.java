package io.taclog.source;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts a region of a file into whole lines.
 *
 * <p>Only lines that end with {@code \n} are emitted; a trailing partial line is left unread so the
 * next scan starts at its first byte. Lines longer than the cap are reported with their head only and
 * never buffered whole. Runs of NUL bytes (holes left by a truncated file that an old writer still
 * writes to) are skipped once the {@link HolePolicy} allows it; the bytes before a hole become a
 * {@link LineFlaw#CUT_BY_NUL} fragment. The consumed position only ever advances to just after an
 * emitted line, so a hole is never committed before the data that follows it.
 *
 * <p>One instance owns one reusable buffer and is used by one thread at a time.
 */
public final class LineScanner {

    /** Bytes of an over-long line kept for the quarantine record. */
    public static final int HEAD_BYTES = 512;
    private static final int CHUNK = 256 * 1024;
    private static final VarHandle LONGS =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /** Decides whether a run of NUL bytes that is followed by data may be skipped now. */
    @FunctionalInterface
    public interface HolePolicy {
        HolePolicy ALWAYS = holeStart -> true;

        boolean canSkip(long holeStart);
    }

    /** Stop conditions for one scan. */
    public record Limits(int maxLineBytes, int maxLines, long maxBytes) {
    }

    /** An over-long line whose end has not been seen yet; lets the next scan resume without re-reading it. */
    public record Oversize(long lineStart, long scannedTo, byte[] head) {
    }

    /**
     * What one scan consumed.
     *
     * @param consumedTo offset just after the last emitted line ({@code from} if none)
     * @param lastLineStart start of the last emitted line (for the offset marker)
     * @param oversize pending over-long line at the end of the data, or null
     */
    public record Result(long consumedTo, int lines, long nulBytes, int nulRuns, long lastLineStart,
                         Oversize oversize) {
    }

    private final int maxLineBytes;
    private byte[] buf = new byte[CHUNK];
    private FileChannel channel;
    private long bufStart;
    private int bufLen;
    private long eof;

    public LineScanner(int maxLineBytes) {
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * Scans {@code [from, eof)} of {@code channel}, appending lines to {@code out}.
     *
     * @param finalRead the file can no longer grow: emit a last unterminated line and skip trailing NULs
     * @param pending an over-long line found by an earlier scan that started at {@code from}, or null
     */
    public Result scan(FileChannel channel, long fileId, long from, long eof, Limits limits, HolePolicy holes,
                       boolean finalRead, Oversize pending, List<SourceLine> out) throws IOException {
        this.channel = channel;
        this.eof = eof;
        this.bufStart = from;
        this.bufLen = 0;
        Emitted e = new Emitted(out, from);
        long lineStart = from;
        long pos = from;
        boolean discarding = false;
        byte[] head = null;
        if (pending != null && pending.lineStart() == from && pending.scannedTo() <= eof) {
            discarding = true;
            head = pending.head();
            pos = pending.scannedTo();
            bufStart = pos;
        }
        final long lineLimit = (long) limits.maxLineBytes() + 1; // content may be followed by \r

        while (true) {
            if (pos >= bufStart + bufLen && !fill(discarding ? pos : lineStart)) {
                break;
            }
            int i = (int) (pos - bufStart);
            if (discarding) {
                int nl = indexOfNewline(i);
                if (nl < 0) {
                    pos = bufStart + bufLen;
                    continue;
                }
                long end = bufStart + nl + 1;
                e.line(new SourceLine(fileId, lineStart, end - lineStart, head, LineFlaw.TOO_LONG), end);
                lineStart = end;
                pos = end;
                discarding = false;
                head = null;
                if (e.budgetReached(limits)) {
                    break;
                }
                continue;
            }
            int j = indexOfNewlineOrNul(i);
            long at = bufStart + j;
            if (j == bufLen) {
                pos = at;
                if (pos - lineStart > lineLimit) {
                    discarding = true;
                    head = copy(lineStart, Math.min(HEAD_BYTES, (int) (pos - lineStart)));
                }
                continue;
            }
            if (buf[j] == '\n') {
                long end = at + 1;
                e.line(makeLine(fileId, lineStart, at, end), end);
                lineStart = end;
                pos = end;
                if (e.budgetReached(limits)) {
                    break;
                }
                continue;
            }
            // A NUL byte: find the end of the run (it may extend past the buffer).
            long runStart = at;
            byte[] fragment = runStart > lineStart ? copy(lineStart, (int) (runStart - lineStart)) : null;
            pos = skipNuls(runStart);
            boolean runReachesEof = pos < 0;
            if (runReachesEof ? !finalRead : !holes.canSkip(runStart)) {
                break; // hold at lineStart: the hole may still be filled by its writer
            }
            if (runReachesEof) {
                pos = eof;
            }
            if (fragment != null) {
                e.line(new SourceLine(fileId, lineStart, runStart - lineStart, stripBom(lineStart, fragment),
                        LineFlaw.CUT_BY_NUL), runStart);
            }
            e.hole(pos - runStart);
            lineStart = pos;
            if (runReachesEof) {
                e.commitHoles(pos); // finalRead: nothing follows the hole, so it can be committed on its own
                break;
            }
            if (fragment != null && e.budgetReached(limits)) {
                break;
            }
        }

        Oversize oversize = null;
        if (discarding) {
            if (finalRead) {
                e.line(new SourceLine(fileId, lineStart, eof - lineStart, head, LineFlaw.TOO_LONG), eof);
            } else {
                oversize = new Oversize(lineStart, pos, head);
            }
        } else if (finalRead && lineStart < eof && e.consumed == lineStart && e.lines < limits.maxLines()) {
            byte[] rest = readRange(lineStart, (int) (eof - lineStart));
            e.line(new SourceLine(fileId, lineStart, eof - lineStart, stripBom(lineStart, stripCr(rest)),
                    LineFlaw.NO_TERMINATOR), eof);
        }
        this.channel = null;
        return new Result(e.consumed, e.lines, e.nulBytes, e.nulRuns, e.lastLineStart, oversize);
    }

    /**
     * What a scan has emitted so far. Skipped NUL runs count only once a line after them is emitted (or at
     * a final read): a hole is never committed before the data that follows it.
     */
    private static final class Emitted {
        final List<SourceLine> out;
        final long from;
        long consumed;
        long lastLineStart;
        int lines;
        long nulBytes;
        int nulRuns;
        long pendingNulBytes;
        int pendingNulRuns;

        Emitted(List<SourceLine> out, long from) {
            this.out = out;
            this.from = from;
            this.consumed = from;
            this.lastLineStart = from;
        }

        void line(SourceLine l, long end) {
            out.add(l);
            lines++;
            commitHoles(end);
            lastLineStart = l.offset();
        }

        void hole(long bytes) {
            pendingNulBytes += bytes;
            pendingNulRuns++;
        }

        void commitHoles(long end) {
            nulBytes += pendingNulBytes;
            nulRuns += pendingNulRuns;
            pendingNulBytes = 0;
            pendingNulRuns = 0;
            consumed = end;
        }

        boolean budgetReached(Limits limits) {
            return lines >= limits.maxLines() || consumed - from >= limits.maxBytes();
        }
    }

    /** Index of the first '\n' or NUL at or after {@code from} in the buffer, or bufLen. */
    private int indexOfNewlineOrNul(int from) {
        byte[] b = buf;
        int limit = bufLen;
        int j = from;
        // eight bytes at a time while none is '\n' or NUL (lines are long: tool outputs of many KB)
        while (j + 8 <= limit) {
            long w = (long) LONGS.get(b, j);
            long x = w ^ NEWLINES;
            if (((((w - ONES) & ~w) | ((x - ONES) & ~x)) & HIGH_BITS) != 0) {
                break;
            }
            j += 8;
        }
        while (j < limit) {
            byte c = b[j];
            if (c == '\n' || c == 0) {
                break;
            }
            j++;
        }
        return j;
    }

    /** Position of the first byte after the NUL run starting at {@code runStart}, or -1 if it reaches EOF. */
    private long skipNuls(long runStart) throws IOException {
        long pos = runStart;
        while (true) {
            int k = (int) (pos - bufStart);
            while (k < bufLen && buf[k] == 0) {
                k++;
            }
            pos = bufStart + k;
            if (k < bufLen) {
                return pos;
            }
            if (!fill(pos)) {
                return -1;
            }
        }
    }

    /** Reads {@code length} bytes at {@code position} (used for identity hashes and offset markers). */
    public static byte[] read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(length);
        while (bb.hasRemaining()) {
            int n = channel.read(bb, position + bb.position());
            if (n < 0) {
                break;
            }
        }
        return bb.position() == length ? bb.array() : Arrays.copyOf(bb.array(), bb.position());
    }

    private SourceLine makeLine(long fileId, long lineStart, long newlineAt, long end) throws IOException {
        long contentEnd = newlineAt;
        int lenWithCr = (int) (newlineAt - lineStart);
        if (lenWithCr > 0 && buf[(int) (newlineAt - 1 - bufStart)] == '\r') {
            contentEnd--;
        }
        long contentLength = contentEnd - lineStart;
        int bomSkip = lineStart == 0 && startsWithBom(lineStart, contentLength) ? BOM.length : 0;
        if (contentLength - bomSkip > maxLineBytes) {
            return new SourceLine(fileId, lineStart, end - lineStart, copy(lineStart, HEAD_BYTES), LineFlaw.TOO_LONG);
        }
        int off = (int) (lineStart - bufStart) + bomSkip;
        byte[] content = Arrays.copyOfRange(buf, off, off + (int) contentLength - bomSkip);
        return new SourceLine(fileId, lineStart, end - lineStart, content, LineFlaw.NONE);
    }

    private boolean startsWithBom(long lineStart, long contentLength) {
        if (contentLength < BOM.length) {
            return false;
        }
        int off = (int) (lineStart - bufStart);
        return buf[off] == BOM[0] && buf[off + 1] == BOM[1] && buf[off + 2] == BOM[2];
    }

    private static byte[] stripBom(long lineStart, byte[] content) {
        if (lineStart == 0 && content.length >= 3 && content[0] == BOM[0] && content[1] == BOM[1]
                && content[2] == BOM[2]) {
            return Arrays.copyOfRange(content, 3, content.length);
        }
        return content;
    }

    private static byte[] stripCr(byte[] content) {
        if (content.length > 0 && content[content.length - 1] == '\r') {
            return Arrays.copyOf(content, content.length - 1);
        }
        return content;
    }

    private int indexOfNewline(int from) {
        byte[] b = buf;
        for (int i = from; i < bufLen; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private byte[] copy(long start, int length) {
        int off = (int) (start - bufStart);
        int n = Math.min(length, bufLen - off);
        return Arrays.copyOfRange(buf, off, off + n);
    }

    private byte[] readRange(long start, int length) throws IOException {
        if (start >= bufStart && start + length <= bufStart + bufLen) {
            return copy(start, length);
        }
        return read(channel, start, length);
    }

    /**
     * Makes sure bytes after the buffered ones are loaded, keeping {@code [keepFrom, ...)}. Returns false
     * at the end of the scanned region.
     */
    private boolean fill(long keepFrom) throws IOException {
        long bufEnd = bufStart + bufLen;
        if (bufEnd >= eof) {
            return false;
        }
        if (keepFrom > bufStart) {
            int keep = (int) (bufEnd - keepFrom);
            System.arraycopy(buf, (int) (keepFrom - bufStart), buf, 0, keep);
            bufStart = keepFrom;
            bufLen = keep;
        }
        if (bufLen == buf.length) {
            long needed = (long) maxLineBytes + 2 + CHUNK;
            int grown = (int) Math.min(Math.max((long) buf.length * 2, CHUNK),
                    Math.min(needed, Integer.MAX_VALUE - 16));
            if (grown <= buf.length) {
                throw new IllegalStateException("line buffer cannot grow beyond " + buf.length + " bytes");
            }
            buf = Arrays.copyOf(buf, grown);
        }
        int want = (int) Math.min(buf.length - bufLen, eof - (bufStart + bufLen));
        int n = channel.read(ByteBuffer.wrap(buf, bufLen, want), bufStart + bufLen);
        if (n <= 0) {
            return false;
        }
        bufLen += n;
        return true;
    }

    /** Drops a grown buffer so an idle scanner does not pin up to the line cap in memory. */
    public void trim() {
        if (buf.length > CHUNK) {
            buf = new byte[CHUNK];
        }
    }
}
