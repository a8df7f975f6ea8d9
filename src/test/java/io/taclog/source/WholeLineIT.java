package io.taclog.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.testing.IngestHarness;
import io.taclog.testing.LogWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only whole lines are consumed, and committed offsets survive restarts exactly. */
class WholeLineIT {

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
    void readsAPreexistingFileFromTheStartAndThenItsAppends() {
        try (LogWriter w = LogWriter.append(h.file("app.jsonl"), "a")) {
            w.lines(10);
            assertEquals(10, h.pump());
            w.lines(5);
            assertEquals(5, h.pump());
        }
        h.assertSeenExactlyOnce("a", 15);
        h.assertLedgerProven();
    }

    @Test
    void holdsALastLineWithoutNewlineUntilTheNewlineArrives() {
        try (LogWriter w = LogWriter.append(h.file("app.jsonl"), "a")) {
            w.lines(3);
            w.partial();
            assertEquals(3, h.pump(), "the unterminated fourth line is not emitted");
            h.assertSeenExactlyOnce("a", 3);
            assertTrue(h.tailer().pendingBytes() > 0, "the partial line is known as pending");

            w.raw("\n");
            assertEquals(1, h.pump(), "the completed line is emitted once");
            assertEquals(0, h.pump(), "and not again");
        }
        h.assertSeenExactlyOnce("a", 4);
        assertEquals(4, h.ledger().linesRead());
        h.assertLedgerProven();
    }

    @Test
    void emitsALineWrittenInSeveralPiecesOnceWhenItsNewlineArrives() {
        try (LogWriter w = LogWriter.append(h.file("app.jsonl"), "a")) {
            w.lines(1);
            assertEquals(1, h.pump());
            w.raw("{\"src\":\"a\",");
            assertEquals(0, h.pump());
            w.raw("\"seq\":1");
            assertEquals(0, h.pump());
            w.raw("}\n");
            assertEquals(1, h.pump());
        }
        h.assertSeenExactlyOnce("a", 2);
        h.assertLedgerProven();
    }

    @Test
    void completesAPartialLineAcrossARestartExactlyOnce() {
        try (LogWriter w = LogWriter.append(h.file("app.jsonl"), "a")) {
            w.lines(3);
            w.partial();
            assertEquals(3, h.pump());

            h.restart();
            w.raw("\n");
            w.lines(2);
            assertEquals(3, h.pump(), "the completed line and the two new ones");
        }
        h.assertSeenExactlyOnce("a", 6);
        assertEquals(1, h.ledger().generations().size(), "the restart resumed the same generation");
        h.assertLedgerProven();
    }

    @Test
    void resumesFromCommittedOffsetAfterRestart() {
        Path file = h.file("app.jsonl");
        try (LogWriter w = LogWriter.append(file, "a")) {
            w.lines(100);
            assertEquals(100, h.pump());
            long committed = h.ledger().current(file).committedOffset();

            h.restart();
            w.lines(50);
            assertEquals(50, h.pump(), "only the lines after the committed offset are read");
            assertEquals(committed, h.ledger().commits().get(h.ledger().commits().size() - 1).start(),
                    "the first batch after the restart starts at the committed offset");
        }
        h.assertSeenExactlyOnce("a", 150);
        h.assertLedgerProven();
    }
}
