package io.taclog.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.testing.IngestHarness;
import io.taclog.testing.Jsonl;
import io.taclog.testing.Ledger;
import io.taclog.testing.LogWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file truncated and rewritten by a new writer while an old writer (no O_APPEND) keeps writing at its
 * old offset: the new writer's lines, a NUL hole, the old writer's lines. TAC-8 does this to a task's log
 * at every spawn.
 */
class NulHoleIT {

    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final String TORN = "{\"src\":\"b\",\"seq\":2,\"tor";

    @TempDir
    Path tmp;
    IngestHarness h;

    @AfterEach
    void stop() {
        h.close();
    }

    private IngestHarness withGrace(Duration grace) {
        return IngestHarness.in(tmp).recording()
                .options(o -> o.withTimings(o.scanInterval(), o.rotateWait(), o.idleClose(), grace)).start();
    }

    @Test
    void recoversTheWholeLinesOfBothWritersAndQuarantinesTheFragmentCutByTheHole() throws IOException {
        h = withGrace(Duration.ZERO);
        Path app = h.file("app.jsonl");
        try (LogWriter old = LogWriter.positional(app, "a")) {
            old.lines(5, 100);
            assertEquals(5, h.pump());
            long oldOffset = old.position();

            truncate(app);
            long fragmentAt;
            try (LogWriter fresh = LogWriter.positional(app, "b")) {
                fresh.lines(2);
                fragmentAt = fresh.position();
                fresh.raw(TORN); // the new writer is cut off mid-record
            }
            old.lines(2, 100); // lands at the old offset, after a hole
            long holeEnd = oldOffset;
            long holeStart = fragmentAt + TORN.length();

            assertEquals(5, h.pump(), "b0, b1, the fragment, a5, a6");
            Ledger l = h.ledger();
            assertEquals("superseded", l.generation(1).state());
            Ledger.Generation g = l.current(app);
            assertEquals(holeEnd - holeStart, g.nulBytes(), "the hole is skipped and counted");
            assertEquals(1, g.nulRuns());
            assertEquals(1, l.rejects().size());
            Ledger.Reject r = l.rejects().get(0);
            assertEquals(fragmentAt, r.offset());
            assertEquals(TORN.length(), r.length());
            assertTrue(r.error().startsWith("line cut by a run of NUL bytes"), r.error());

            old.lines(1, 100);
            assertEquals(1, h.pump(), "the old writer goes on appending at its own offset");
        }
        h.assertSeenExactlyOnce("a", 8);
        h.assertSeenExactlyOnce("b", 2);
        h.assertLedgerProven();
    }

    @Test
    void holdsAHoleFollowedByDataForTheGraceSoItsWriterCanFillIt() throws IOException {
        h = withGrace(GRACE);
        Path app = h.file("app.jsonl");
        try (LogWriter old = LogWriter.positional(app, "a")) {
            old.lines(5, 100);
            assertEquals(5, h.pump());
            long holeEnd = old.position();

            truncate(app);
            try (LogWriter fresh = LogWriter.positional(app, "b")) {
                fresh.lines(2);
                fresh.raw(TORN);
                old.lines(2, 100);
                assertEquals(2, h.pump(), "b0 and b1; the torn record before the hole is held, not quarantined");
                assertTrue(h.ledger().rejects().isEmpty());

                fresh.raw("ing\":1}\n").raw(Jsonl.line("b", 3)); // the writer completes its line inside the hole
                assertEquals(2, h.pump(), "b2 (completed) and b3; the rest of the hole is held again");
                h.advance(GRACE.minusSeconds(1));
                assertEquals(0, h.pump(), "still within the grace");
                long holeStart = fresh.position();

                h.advance(Duration.ofSeconds(2));
                assertEquals(2, h.pump(), "after the grace the hole is skipped: a5 and a6");
                assertEquals(holeEnd - holeStart, h.ledger().current(app).nulBytes());
            }
        }
        assertTrue(h.ledger().rejects().isEmpty(), h.ledger().rejects().toString());
        h.assertSeenExactlyOnce("a", 7);
        h.assertSeenExactlyOnce("b", 4);
        h.assertLedgerProven();
    }

    @Test
    void holdsAHoleAtTheHeadOfACopytruncatedFileForTheGraceThenSkipsIt() throws IOException {
        h = withGrace(GRACE);
        Path app = h.file("app.jsonl");
        try (LogWriter w = LogWriter.positional(app, "a")) {
            w.lines(5, 100);
            assertEquals(5, h.pump());
            truncate(app);
            w.lines(2, 100);
            assertEquals(0, h.pump(), "a hole followed by data waits for the grace");
            h.advance(GRACE);
            assertEquals(2, h.pump());
        }
        assertEquals(500, h.ledger().current(app).nulBytes());
        h.assertSeenExactlyOnce("a", 7);
        h.assertLedgerProven();
    }

    @Test
    void backfillSkipsAHoleAtOnce() throws IOException {
        h = IngestHarness.in(tmp).recording()
                .options(o -> o.withTimings(o.scanInterval(), o.rotateWait(), o.idleClose(), GRACE).withOneShot(true))
                .start();
        Path app = h.file("app.jsonl");
        try (LogWriter w = LogWriter.positional(app, "a")) {
            w.lines(1);
        }
        try (FileChannel ch = FileChannel.open(app, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(Jsonl.line("a", 1)), 4096);
        }
        assertEquals(2, h.pump(), "a one-shot read never waits for a hole to fill");
        assertEquals(4096 - Jsonl.line("a", 0).length, h.ledger().current(app).nulBytes());
        h.assertSeenExactlyOnce("a", 2);
        h.assertLedgerProven();
    }

    private static void truncate(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
    }
}
