package io.taclog.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cutting bytes into whole lines: terminators, buffer boundaries, the cap, NUL holes. */
class LineScannerTest {

    private static final int CHUNK = 256 * 1024;
    private static final LineScanner.Limits ANY = new LineScanner.Limits(16 * 1024 * 1024, 1_000_000, Long.MAX_VALUE);

    @TempDir
    Path tmp;

    private final List<SourceLine> out = new ArrayList<>();

    private LineScanner.Result scan(byte[] content, long from, LineScanner.Limits limits,
                                    LineScanner.HolePolicy holes, boolean finalRead, LineScanner.Oversize pending)
            throws IOException {
        Path f = tmp.resolve("f.jsonl");
        Files.write(f, content);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            return new LineScanner(limits.maxLineBytes()).scan(ch, 7, from, content.length, limits, holes, finalRead,
                    pending, out);
        }
    }

    private LineScanner.Result scan(String content) throws IOException {
        return scan(content.getBytes(StandardCharsets.UTF_8), 0, ANY, LineScanner.HolePolicy.ALWAYS, false, null);
    }

    private String text(int i) {
        return new String(out.get(i).content(), StandardCharsets.UTF_8);
    }

    @Test
    void emitsOnlyNewlineTerminatedLinesAndStopsBeforeAPartialOne() throws IOException {
        LineScanner.Result r = scan("a\nbb\ncc");
        assertEquals(2, out.size());
        assertEquals("a", text(0));
        assertEquals("bb", text(1));
        assertEquals(5, r.consumedTo(), "the partial line is left unread");
        assertEquals(2, r.lastLineStart());
        assertEquals(7, out.get(1).fileId());
        assertEquals(2, out.get(1).offset());
        assertEquals(3, out.get(1).length());
    }

    @Test
    void emitsTheUnterminatedLastLineOnlyOnAFinalRead() throws IOException {
        LineScanner.Result r = scan("a\ntail".getBytes(StandardCharsets.UTF_8), 0, ANY, LineScanner.HolePolicy.ALWAYS,
                true, null);
        assertEquals(2, out.size());
        assertEquals("tail", text(1));
        assertEquals(LineFlaw.NO_TERMINATOR, out.get(1).flaw());
        assertEquals(6, r.consumedTo());
    }

    @Test
    void stripsACarriageReturnSplitFromItsNewlineByTheReadBuffer() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("x".repeat(CHUNK - 1).getBytes(StandardCharsets.US_ASCII)); // '\r' at 262143, '\n' at 262144
        b.writeBytes("\r\nnext\r\n".getBytes(StandardCharsets.US_ASCII));
        LineScanner.Result r = scan(b.toByteArray(), 0, ANY, LineScanner.HolePolicy.ALWAYS, false, null);
        assertEquals(2, out.size());
        assertEquals(CHUNK - 1, out.get(0).content().length, "content without the \\r");
        assertEquals(CHUNK + 1, out.get(0).length(), "length on disk with \\r\\n");
        assertEquals("next", text(1));
        assertEquals(b.size(), r.consumedTo());
    }

    @Test
    void stripsAByteOrderMarkAtTheStartOfTheFileOnly() throws IOException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(bom);
        b.writeBytes("{}\n".getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(bom);
        b.writeBytes("{}\n".getBytes(StandardCharsets.US_ASCII));
        scan(b.toByteArray(), 0, ANY, LineScanner.HolePolicy.ALWAYS, false, null);
        assertEquals("{}", text(0));
        assertEquals(6, out.get(0).length(), "the BOM still counts as bytes of the first line");
        assertArrayEquals(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'}, out.get(1).content(),
                "a BOM in the middle of a file is data");
    }

    @Test
    void keepsOnlyTheHeadOfALineOverTheCap() throws IOException {
        LineScanner.Limits cap = new LineScanner.Limits(1024, 100, Long.MAX_VALUE);
        String at = "a".repeat(1024);
        String over = "b".repeat(1025);
        scan((at + "\n" + over + "\nc\n").getBytes(StandardCharsets.US_ASCII), 0, cap, LineScanner.HolePolicy.ALWAYS,
                false, null);
        assertEquals(3, out.size());
        assertEquals(LineFlaw.NONE, out.get(0).flaw());
        assertEquals(LineFlaw.TOO_LONG, out.get(1).flaw());
        assertEquals(LineScanner.HEAD_BYTES, out.get(1).content().length);
        assertEquals(1026, out.get(1).length());
        assertEquals("c", text(2));
    }

    @Test
    void resumesAnOverlongLineStillBeingWrittenWithoutKeepingIt() throws IOException {
        LineScanner.Limits cap = new LineScanner.Limits(1024, 100, Long.MAX_VALUE);
        byte[] start = ("ok\n" + "z".repeat(3000)).getBytes(StandardCharsets.US_ASCII);
        LineScanner.Result first = scan(start, 0, cap, LineScanner.HolePolicy.ALWAYS, false, null);
        assertEquals(1, out.size());
        assertEquals(3, first.consumedTo());
        LineScanner.Oversize pending = first.oversize();
        assertNotNull(pending, "the over-long line is remembered, not re-read from its start");
        assertEquals(3, pending.lineStart());
        out.clear();
        byte[] done = ("ok\n" + "z".repeat(5000) + "\nnext\n").getBytes(StandardCharsets.US_ASCII);
        LineScanner.Result second = scan(done, 3, cap, LineScanner.HolePolicy.ALWAYS, false, pending);
        assertEquals(2, out.size());
        assertEquals(LineFlaw.TOO_LONG, out.get(0).flaw());
        assertEquals(5001, out.get(0).length());
        assertEquals("next", text(1));
        assertNull(second.oversize());
    }

    @Test
    void stopsAtTheLineAndByteBudgets() throws IOException {
        LineScanner.Result r = scan("a\nb\nc\n".getBytes(StandardCharsets.US_ASCII), 0,
                new LineScanner.Limits(1024, 2, Long.MAX_VALUE), LineScanner.HolePolicy.ALWAYS, false, null);
        assertEquals(2, out.size());
        assertEquals(4, r.consumedTo());
        out.clear();
        r = scan("aaaa\nb\nc\n".getBytes(StandardCharsets.US_ASCII), 0, new LineScanner.Limits(1024, 100, 5),
                LineScanner.HolePolicy.ALWAYS, false, null);
        assertEquals(1, out.size());
        assertEquals(5, r.consumedTo());
    }

    @Test
    void cutsTheLineBeforeANulHoleAndCountsTheHoleWhenThePolicyAllows() throws IOException {
        byte[] content = withHole("ok\npart", 10, "next\n");
        LineScanner.Result r = scan(content, 0, ANY, LineScanner.HolePolicy.ALWAYS, false, null);
        assertEquals(3, out.size());
        assertEquals("part", text(1));
        assertEquals(LineFlaw.CUT_BY_NUL, out.get(1).flaw());
        assertEquals(4, out.get(1).length());
        assertEquals("next", text(2));
        assertEquals(10, r.nulBytes());
        assertEquals(1, r.nulRuns());
        assertEquals(content.length, r.consumedTo());
    }

    @Test
    void holdsBeforeANulHoleTheWriterMayStillFill() throws IOException {
        byte[] content = withHole("ok\npart", 10, "next\n");
        LineScanner.Result r = scan(content, 0, ANY, holeStart -> false, false, null);
        assertEquals(1, out.size());
        assertEquals(3, r.consumedTo(), "held at the start of the line the hole cuts");
        assertEquals(0, r.nulBytes());
    }

    @Test
    void skipsAHoleThatReachesTheEndOfFileOnlyOnAFinalRead() throws IOException {
        byte[] content = withHole("ok\n", 10, "");
        LineScanner.Result live = scan(content, 0, ANY, LineScanner.HolePolicy.ALWAYS, false, null);
        assertEquals(3, live.consumedTo());
        out.clear();
        LineScanner.Result last = scan(content, 0, ANY, LineScanner.HolePolicy.ALWAYS, true, null);
        assertEquals(13, last.consumedTo());
        assertEquals(10, last.nulBytes());
    }

    private static byte[] withHole(String before, int nuls, String after) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(before.getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(new byte[nuls]);
        b.writeBytes(after.getBytes(StandardCharsets.US_ASCII));
        return b.toByteArray();
    }
}
