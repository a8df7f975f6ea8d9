package io.taclog.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.testing.IngestHarness;
import io.taclog.testing.Jsonl;
import io.taclog.testing.LogWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File identity is (device, inode) plus the first line; it is only known once a whole first line exists. */
class IdentityIT {

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
    void ingestsTwoFilesWithTheSameFirstLineBoth() {
        try (LogWriter a = LogWriter.append(h.file("one.jsonl"), "a");
             LogWriter b = LogWriter.append(h.file("two.jsonl"), "b")) {
            a.raw(HEADER).lines(10);
            b.raw(HEADER).lines(10);
            assertEquals(22, h.pump());
        }
        assertEquals(2, h.ledger().generations().size());
        h.assertSeenExactlyOnce("a", 10);
        h.assertSeenExactlyOnce("b", 10);
        h.assertLedgerProven();
    }

    @Test
    void ingestsTwoIdenticalFilesBoth() throws IOException {
        try (LogWriter a = LogWriter.append(h.file("one.jsonl"), "a")) {
            a.lines(10);
        }
        Files.copy(h.file("one.jsonl"), h.file("two.jsonl"));
        assertEquals(20, h.pump());
        assertEquals(2, h.ledger().generations().size());
        assertEquals(2, h.seen().get("a").stream().filter(s -> s == 9).count(), "each copy's lines once");
        h.assertLedgerProven();
    }

    @Test
    void startsAZeroByteFileOnceItHoldsAWholeLine() {
        try (LogWriter w = LogWriter.append(h.file("app.jsonl"), "a")) {
            assertEquals(0, h.pump());
            assertTrue(h.ledger().generations().isEmpty(), "an empty file has no identity yet");
            w.partial();
            assertEquals(0, h.pump());
            assertTrue(h.ledger().generations().isEmpty(), "nor a file whose first line is incomplete");
            w.raw("\n").lines(2);
            assertEquals(3, h.pump());
        }
        assertEquals(1, h.ledger().generations().size());
        h.assertSeenExactlyOnce("a", 3);
        h.assertLedgerProven();
    }

    @Test
    void readsAPartialFirstLineLongerThanTheIdentityWindowOnceComplete() {
        String record = Jsonl.padded("a", 0, 10_000);
        try (LogWriter w = LogWriter.append(h.file("app.jsonl"), "a")) {
            w.raw(record.substring(0, 6000));
            assertEquals(0, h.pump());
            w.raw(record.substring(6000) + "\n");
            assertEquals(1, h.pump());
        }
        h.assertSeenExactlyOnce("a", 1);
        h.assertLedgerProven();
    }

    @Test
    void doesNotReadAFileAgainWhenItIsRenamedWithinTheWatchedTree() throws IOException {
        try (LogWriter w = LogWriter.append(h.file("app.jsonl"), "a")) {
            w.lines(5);
            assertEquals(5, h.pump());
            Files.createDirectories(h.file("archive"));
            Files.move(h.file("app.jsonl"), h.file("archive").resolve("app-old.jsonl"));
            assertEquals(0, h.pump());
            w.lines(1);
            assertEquals(1, h.pump());
        }
        assertEquals(1, h.ledger().generations().size());
        h.assertSeenExactlyOnce("a", 6);
        h.assertLedgerProven();
    }
}
