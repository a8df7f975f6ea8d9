package io.taclog.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.testing.IngestHarness;
import io.taclog.testing.Ledger;
import io.taclog.testing.LogWriter;
import io.taclog.testing.Sql;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rename rotation: a renamed file is never read again from the start, and its old handle is drained. */
class RotationIT {

    @TempDir
    Path tmp;
    IngestHarness h;

    @AfterEach
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void followsARenameToAMatchingNameWhileTheOldHandleKeepsWriting() throws IOException {
        h = IngestHarness.in(tmp).recording().start();
        Path app = h.file("app.jsonl");
        Path rotated = h.file("app.1.jsonl");
        try (LogWriter old = LogWriter.append(app, "a")) {
            old.lines(10);
            assertEquals(10, h.pump());

            old.lines(5); // unread when the rotation happens
            Files.move(app, rotated);
            old.lines(5); // still written through the old descriptor
            try (LogWriter fresh = LogWriter.append(app, "b")) {
                fresh.lines(10);
                assertEquals(20, h.pump());

                old.lines(5);
                fresh.lines(5);
                assertEquals(10, h.pump());
            }
        }
        h.assertSeenExactlyOnce("a", 25);
        h.assertSeenExactlyOnce("b", 15);
        Ledger l = h.ledger();
        assertEquals(2, l.generations().size(), "one generation per inode, none re-read: " + l.generations());
        Ledger.Generation a = l.current(rotated);
        assertEquals(0, a.startOffset());
        assertEquals(25, a.linesRead());
        assertEquals(List.of(rotated.toString(), app.toString()), pathsSeen(a.fileId()), "both paths are recorded");
        h.assertLedgerProven();
    }

    @Test
    void drainsARenamedFileThatLeftTheWatchedPathsThroughItsHandle() throws IOException {
        h = IngestHarness.in(tmp).recording().start();
        Path app = h.file("app.jsonl");
        Path rotated = h.file("app.jsonl.1"); // no longer matches *.jsonl
        try (LogWriter old = LogWriter.append(app, "a")) {
            old.lines(10);
            assertEquals(10, h.pump());

            old.lines(5);
            Files.move(app, rotated);
            try (LogWriter fresh = LogWriter.append(app, "b")) {
                fresh.lines(10);
                assertEquals(15, h.pump(), "the 5 unread lines of the rotated file and the 10 of the new one");
                assertEquals(2, h.tailer().openFiles(), "the rotated file is kept open within rotate-wait");

                old.lines(5);
                old.partial(); // its writer dies mid-line: the last line never gets a newline
                assertEquals(5, h.pump(), "writes to the old handle are still read");

                h.advance(h.options().rotateWait().plusMillis(1));
                assertEquals(1, h.pump(), "after rotate-wait the unterminated last line is taken as it is");
                assertEquals(1, h.tailer().openFiles(), "and the drained handle is closed");

                old.lines(1);
                fresh.lines(1);
                assertEquals(1, h.pump(), "a file that left the watched paths is not followed after it was drained");
            }
        }
        h.assertSeenExactlyOnce("a", 21);
        h.assertSeenExactlyOnce("b", 11);
        Ledger l = h.ledger();
        assertEquals(2, l.generations().size(), l.toString());
        Ledger.Generation a = l.generation(1);
        Ledger.Generation b = l.generation(2);
        assertEquals("detached", a.state(), "drained and closed; it keeps the last path it was seen at");
        assertEquals(21, a.linesRead());
        assertEquals("active", b.state());
        assertEquals(11, b.linesRead());
        h.assertLedgerProven();
    }

    @Test
    void readsEveryLineOnceThroughSuccessiveRotationsThatDeleteTheOldest() throws IOException {
        h = IngestHarness.in(tmp).recording().start();
        Path app = h.file("app.jsonl");
        Path one = h.file("app.1.jsonl");
        Path two = h.file("app.2.jsonl");
        LogWriter current = LogWriter.append(app, "g0");
        int generations = 6;
        try {
            for (int g = 0; g < generations; g++) {
                current.lines(20);
                if (g % 2 == 0) {
                    h.pump(); // every other rotation happens with unread lines in every file
                }
                current.lines(3);
                Files.deleteIfExists(two);
                if (Files.exists(one)) {
                    Files.move(one, two);
                }
                Files.move(app, one);
                current.lines(2); // the writer has not reopened yet
                current.close();
                if (g < generations - 1) {
                    current = LogWriter.append(app, "g" + (g + 1));
                }
            }
            h.pump();
            h.advance(h.options().rotateWait().plusMillis(1));
            h.pump();
        } finally {
            current.close();
        }
        for (int g = 0; g < generations; g++) {
            h.assertSeenExactlyOnce("g" + g, 25);
        }
        assertEquals(2, h.tailer().openFiles(), "deleted files were closed once drained; app.1 and app.2 remain");
        assertTrue(h.ledger().generations().stream().noneMatch(x -> x.state().equals("superseded")));
        h.assertLedgerProven();
    }

    @Test
    void resumesARotationThatHappenedWhileStopped() throws IOException {
        h = IngestHarness.in(tmp).recording().start();
        Path app = h.file("app.jsonl");
        Path rotated = h.file("app.1.jsonl");
        try (LogWriter old = LogWriter.append(app, "a")) {
            old.lines(10);
            assertEquals(10, h.pump());
            long offset = h.ledger().current(app).committedOffset();
            h.close();

            old.lines(4); // written while taclog is down, then rotated away
            Files.move(app, rotated);
            try (LogWriter fresh = LogWriter.append(app, "b")) {
                fresh.lines(7);
            }
            h.restart();
            assertEquals(11, h.pump(), "the 4-line tail of the rotated file and the 7 lines of the new file");

            Ledger l = h.ledger();
            Ledger.Generation a = l.current(rotated);
            assertEquals(0, a.startOffset(), "same generation as before the restart");
            assertEquals(offset, l.commits(a.fileId()).get(1).start(), "resumed at its committed offset");
            assertEquals(14, a.linesRead());
            assertEquals(7, l.current(app).linesRead());
        }
        h.assertSeenExactlyOnce("a", 14);
        h.assertSeenExactlyOnce("b", 7);
        h.assertLedgerProven();
    }

    @Test
    void doesNotReReadAFileRenamedWhileItsHandleWasClosedForIdleness() throws IOException {
        h = IngestHarness.in(tmp).recording().start();
        Path app = h.file("app.jsonl");
        try (LogWriter w = LogWriter.append(app, "a")) {
            w.lines(10);
            assertEquals(10, h.pump());
            h.advance(h.options().idleClose().plusMillis(1));
            h.pump();
            assertEquals(0, h.tailer().openFiles(), "a quiet, fully read file is closed");

            Files.move(app, h.file("renamed.jsonl"));
            assertEquals(0, h.pump());
            w.lines(5);
            assertEquals(5, h.pump(), "reopened after it grew, at its committed offset");
        }
        h.assertSeenExactlyOnce("a", 15);
        assertEquals(1, h.ledger().generations().size());
        assertEquals(h.file("renamed.jsonl").toString(), h.ledger().generations().get(0).path());
        h.assertLedgerProven();
    }

    private List<String> pathsSeen(long fileId) {
        return Sql.rows(h.db(), "SELECT path FROM ingest_file_paths WHERE file_id = ? "
                + "ORDER BY first_seen_at, path", fileId).stream().map(m -> (String) m.get("path")).sorted().toList();
    }

}
