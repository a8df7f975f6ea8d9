package io.taclog.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.testing.IngestHarness;
import io.taclog.testing.Ledger;
import io.taclog.testing.LogWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Truncation and copytruncate: the file restarts as a new generation from byte 0, the copy is not read twice. */
class TruncationIT {

    private static final String HEADER = "{\"header\":\"session\"}\n";

    @TempDir
    Path tmp;
    IngestHarness h;

    @BeforeEach
    void start() {
        h = IngestHarness.in(tmp).recording().start();
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void copytruncateUnderAStaleWriterSkipsAndCountsTheNulHole() throws IOException {
        Path app = h.file("app.jsonl");
        try (LogWriter w = LogWriter.positional(app, "a")) { // no O_APPEND, like a plain open(path, "w")
            w.lines(10);
            assertEquals(10, h.pump());
            long hole = w.position();

            Files.copy(app, h.file("app.jsonl.1")); // logrotate's copy does not match *.jsonl
            truncate(app);
            w.lines(5); // written at the writer's old offset: [0, hole) is now NUL bytes
            assertEquals(0, readByte(app, 0), "the head of the file is a hole");

            assertEquals(5, h.pump(), "only the new lines; no garbage line made of NUL bytes");
            Ledger l = h.ledger();
            Ledger.Generation before = l.generation(1);
            Ledger.Generation after = l.current(app);
            assertEquals("superseded", before.state());
            assertEquals(10, before.linesRead());
            assertEquals(5, after.linesRead());
            assertEquals(hole, after.nulBytes(), "the hole is counted in nul_bytes_skipped");
            assertEquals(1, after.nulRuns());
            assertTrue(l.rejects().isEmpty(), "nothing quarantined: " + l.rejects());
        }
        h.assertSeenExactlyOnce("a", 15);
        h.assertLedgerProven();
    }

    @Test
    void copytruncateUnderAnAppendingWriterReadsTheNewContentFromZero() throws IOException {
        Path app = h.file("app.jsonl");
        try (LogWriter w = LogWriter.append(app, "a")) {
            w.lines(10);
            assertEquals(10, h.pump());
            Files.copy(app, h.file("app.jsonl.1"));
            truncate(app);
            assertEquals(0, h.pump(), "an empty file has nothing to read yet");
            w.lines(3);
            assertEquals(3, h.pump());
        }
        Ledger l = h.ledger();
        assertEquals("superseded", l.generation(1).state());
        assertEquals(3, l.current(app).linesRead());
        assertEquals(0, l.nulBytes());
        h.assertSeenExactlyOnce("a", 13);
        h.assertLedgerProven();
    }

    @Test
    void detectsATruncationRegrownPastTheOldOffsetBeforeTheNextPoll() throws IOException {
        Path app = h.file("app.jsonl");
        try (LogWriter w = LogWriter.append(app, "a")) {
            w.raw(HEADER).lines(5);
            assertEquals(6, h.pump());
        }
        long oldOffset = h.ledger().current(app).committedOffset();
        truncate(app);
        try (LogWriter w = LogWriter.append(app, "b")) { // same first line, longer than before
            w.raw(HEADER).lines(20);
        }
        assertTrue(Files.size(app) > oldOffset,
                "the file is larger than the committed offset: a size check alone misses it");

        assertEquals(21, h.pump(), "the whole file is read again as a new generation");
        Ledger l = h.ledger();
        Ledger.Generation old = l.generation(1);
        assertEquals("superseded", old.state());
        assertTrue(old.stateReason().contains("changed"), old.stateReason());
        assertEquals(21, l.current(app).linesRead());
        assertEquals(0, l.current(app).startOffset());
        h.assertSeenExactlyOnce("a", 5);
        h.assertSeenExactlyOnce("b", 20);
        h.assertLedgerProven();
    }

    @Test
    void detectsAFileRewrittenInPlaceWhileStopped() throws IOException {
        Path app = h.file("app.jsonl");
        try (LogWriter w = LogWriter.append(app, "a")) {
            w.raw(HEADER).lines(5);
        }
        assertEquals(6, h.pump());
        h.close();
        truncate(app);
        try (LogWriter w = LogWriter.append(app, "b")) { // same inode, same first line
            w.raw(HEADER).lines(10);
        }
        h.restart();
        assertEquals(11, h.pump());
        Ledger l = h.ledger();
        assertEquals("superseded", l.generation(1).state());
        assertEquals(11, l.current(app).linesRead());
        h.assertSeenExactlyOnce("a", 5);
        h.assertSeenExactlyOnce("b", 10);
        h.assertLedgerProven();
    }

    /** The copy sorts before ("app.1.jsonl") or after ("app.jsonl.bak.jsonl") the original in a directory walk. */
    @ParameterizedTest
    @ValueSource(strings = {"app.1.jsonl", "app.jsonl.bak.jsonl"})
    void copytruncateWhileStoppedAdoptsTheCopyAtTheOldOffset(String copyName) throws IOException {
        Path app = h.file("app.jsonl");
        Path copy = h.file(copyName);
        try (LogWriter w = LogWriter.append(app, "a")) {
            w.lines(10);
            assertEquals(10, h.pump());
            long offset = h.ledger().current(app).committedOffset();
            h.close();

            w.lines(4); // unread when logrotate copies the file
            Files.copy(app, copy);
            truncate(app);
            w.lines(3); // new content of the original
            h.restart();
            assertEquals(7, h.pump(), "the copy's 4 unread lines and the 3 new ones; the copy is not read from 0");

            Ledger l = h.ledger();
            Ledger.Generation original = l.generation(1);
            Ledger.Generation adopted = l.current(copy);
            assertEquals("superseded", original.state());
            assertEquals(offset, adopted.startOffset(), "the copy resumes at the original's committed offset");
            assertEquals(original.fileId(), adopted.adoptedFrom());
            assertEquals(4, adopted.linesRead());
            Ledger.Generation fresh = l.current(app);
            assertEquals(0, fresh.startOffset());
            assertNull(fresh.adoptedFrom());
            assertEquals(3, fresh.linesRead());
        }
        h.assertSeenExactlyOnce("a", 17);
        h.assertLedgerProven();
    }

    @Test
    void copytruncateBetweenTwoScansAdoptsACopyWhoseNameStillMatches() throws IOException {
        Path app = h.file("app.jsonl");
        Path copy = h.file("app.1.jsonl"); // sorts before app.jsonl in the directory walk
        try (LogWriter w = LogWriter.append(app, "a")) {
            w.lines(10);
            assertEquals(10, h.pump());
            w.lines(4);
            Files.copy(app, copy);
            truncate(app);
            w.lines(3);
            assertEquals(7, h.pump(), "the copy's 4 unread lines and the 3 new ones; the copy is not read from 0");
        }
        Ledger l = h.ledger();
        assertEquals("superseded", l.generation(1).state());
        assertEquals(l.generation(1).committedOffset(), l.current(copy).startOffset());
        assertEquals(3, l.current(app).linesRead());
        h.assertSeenExactlyOnce("a", 17);
        h.assertLedgerProven();
    }

    private static int readByte(Path file, long at) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return LineScanner.read(ch, at, 1)[0];
        }
    }

    private static void truncate(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
    }
}
