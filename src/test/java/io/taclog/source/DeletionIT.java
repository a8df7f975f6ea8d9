package io.taclog.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taclog.testing.IngestHarness;
import io.taclog.testing.Ledger;
import io.taclog.testing.LogWriter;
import io.taclog.testing.Sql;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A deleted file is drained through its open handle; a new file at the same path starts from byte 0. */
class DeletionIT {

    private static final String HEADER = "{\"header\":\"session\"}\n";

    @TempDir
    Path tmp;
    IngestHarness h;

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void ingestsTheUnreadDataOfADeletedFileThroughItsOpenHandle() throws IOException {
        h = IngestHarness.in(tmp).recording()
                .options(o -> o.withLimits(o.maxLineBytes(), 3, o.batchMaxBytes(), o.maxOpenFiles())).start();
        Path app = h.file("app.jsonl");
        try (LogWriter w = LogWriter.append(app, "a")) {
            w.lines(10);
            assertEquals(3, h.step(), "one batch of three lines: the file is open, seven lines unread");
            Files.delete(app);
            w.lines(2); // its writer still appends to the deleted inode
            assertEquals(9, h.pump());
            assertEquals(1, h.tailer().openFiles(), "kept open within rotate-wait");
            h.advance(h.options().rotateWait().plusMillis(1));
            assertEquals(0, h.pump());
            assertEquals(0, h.tailer().openFiles(), "closed once drained and quiet");
        }
        h.assertSeenExactlyOnce("a", 12);
        Ledger.Generation g = h.ledger().generation(1);
        assertEquals("detached", g.state());
        assertEquals(12, g.linesRead());
        h.assertLedgerProven();
    }

    @Test
    void readsAFileRecreatedAtTheSamePathWhileRunningFromZero() throws IOException {
        h = IngestHarness.in(tmp).recording().start();
        Path app = h.file("app.jsonl");
        try (LogWriter w = LogWriter.append(app, "a")) {
            w.raw(HEADER).lines(10);
        }
        assertEquals(11, h.pump());
        Files.delete(app);
        try (LogWriter w = LogWriter.append(app, "b")) { // same path, same first line
            w.raw(HEADER).lines(4);
        }
        assertEquals(5, h.pump(), "the new file is read from byte 0, not from the old offset");
        h.advance(h.options().rotateWait().plusMillis(1));
        h.pump();
        Ledger l = h.ledger();
        assertEquals(2, l.generations().size());
        assertEquals(5, l.latest(app).linesRead());
        assertEquals("detached", l.generation(1).state());
        h.assertSeenExactlyOnce("a", 10);
        h.assertSeenExactlyOnce("b", 4);
        h.assertLedgerProven();
    }

    @Test
    void readsAFileRecreatedAtTheSamePathWhileStoppedFromZero() throws IOException {
        h = IngestHarness.in(tmp).recording().start();
        Path app = h.file("app.jsonl");
        try (LogWriter w = LogWriter.append(app, "a")) {
            w.raw(HEADER).lines(10);
        }
        assertEquals(11, h.pump());
        long oldInode = (long) Sql.scalar(h.db(), "SELECT inode FROM ingest_files WHERE file_id = 1");
        h.close();
        Files.delete(app);
        try (LogWriter w = LogWriter.append(app, "b")) { // ext4 usually hands out the freed inode again
            w.raw(HEADER).lines(30);
        }
        h.restart();
        assertEquals(31, h.pump(), "the new content is read whole: the old offset is not applied");
        Ledger l = h.ledger();
        Ledger.Generation fresh = l.latest(app);
        assertEquals(0, fresh.startOffset());
        assertEquals(31, fresh.linesRead());
        if (Sql.scalar(h.db(), "SELECT inode FROM ingest_files WHERE file_id = ?", fresh.fileId()) == oldInode) {
            assertEquals("superseded", l.generation(1).state(), "a reused inode ends the old generation");
        }
        h.assertSeenExactlyOnce("a", 10);
        h.assertSeenExactlyOnce("b", 30);
        h.assertLedgerProven();
    }

    @Test
    void marksAFileDeletedWhileStoppedAsDetachedAtTheNextStart() throws IOException {
        h = IngestHarness.in(tmp).recording().start();
        Path app = h.file("app.jsonl");
        try (LogWriter w = LogWriter.append(app, "a")) {
            w.raw(HEADER).lines(5);
        }
        assertEquals(6, h.pump());
        h.close();
        Files.delete(app);
        h.restart();
        assertEquals(0, h.pump());
        Ledger.Generation g = h.ledger().generation(1);
        assertEquals("detached", g.state(), "not active forever once its file is gone");
        assertEquals(6, g.linesRead(), "its committed lines stay accounted");
    }
}
