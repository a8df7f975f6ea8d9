package io.taclog.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.testing.IngestHarness;
import io.taclog.testing.Jsonl;
import io.taclog.testing.Ledger;
import io.taclog.testing.LogWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The line cap: a line over it is quarantined with its head and the file goes on; nothing buffers it whole. */
class LongLineIT {

    private static final int CAP = 1024;

    @TempDir
    Path tmp;
    IngestHarness h;

    @AfterEach
    void stop() {
        h.close();
    }

    private IngestHarness withCap(int cap) {
        return IngestHarness.in(tmp).recording()
                .options(o -> o.withLimits(cap, o.batchMaxLines(), o.batchMaxBytes(), o.maxOpenFiles())).start();
    }

    @Test
    void readsALineExactlyAtTheCapAndQuarantinesALineOneByteOver() {
        h = withCap(CAP);
        byte[] small = Jsonl.line("a", 0);
        try (LogWriter w = LogWriter.append(h.file("app.jsonl"), "a")) {
            w.raw(small);
            w.raw(Jsonl.line("a", 1, CAP + 1)); // content exactly at the cap
            w.raw(Jsonl.padded("a", 2, CAP) + "\r\n"); // at the cap, CRLF-terminated
            w.raw(Jsonl.line("a", 3, CAP + 2)); // one byte over
            w.raw(Jsonl.line("a", 4));
            assertEquals(5, h.pump());
        }
        assertEquals(Map.of("a", List.of(0L, 1L, 2L, 4L)), h.seen());
        Ledger l = h.ledger();
        assertEquals(1, l.rejects().size());
        Ledger.Reject r = l.rejects().get(0);
        assertEquals(small.length + (CAP + 1) + (CAP + 2), r.offset(), "the reject names the line's byte offset");
        assertEquals(CAP + 2, r.length(), "and its length on disk, newline included");
        assertTrue(r.error().contains("longer than the line cap"), r.error());
        assertTrue(r.head().startsWith("{\"src\":\"a\",\"seq\":3,\"pad\":\"xxx"), r.head());
        assertTrue(r.head().length() < CAP, "only the head is kept");
        h.assertLedgerProven();
    }

    @Test
    void quarantinesAnOverlongLineStillBeingWrittenAtEndOfFileOnceItEnds() {
        h = withCap(CAP);
        String record = Jsonl.padded("a", 1, 5 * CAP);
        try (LogWriter w = LogWriter.append(h.file("app.jsonl"), "a")) {
            w.lines(1);
            w.raw(record.substring(0, 3 * CAP)); // already over the cap, no newline yet
            assertEquals(1, h.pump());
            assertTrue(h.ledger().rejects().isEmpty(), "an unfinished line is not judged yet");
            w.raw(record.substring(3 * CAP, 4 * CAP));
            assertEquals(0, h.pump());
            h.restart(); // the pending over-long line survives a restart: it is re-scanned, not committed
            w.raw(record.substring(4 * CAP) + "\n");
            w.raw(Jsonl.line("a", 2));
            assertEquals(2, h.pump());
        }
        assertEquals(Map.of("a", List.of(0L, 2L)), h.seen());
        Ledger.Reject r = h.ledger().rejects().get(0);
        assertEquals(Jsonl.line("a", 0).length, r.offset());
        assertEquals(5 * CAP + 1, r.length());
        h.assertLedgerProven();
    }

    @Test
    void quarantinesAMultiMegabyteLineSpanningManyReadBuffersAndGoesOn() {
        h = withCap(1024 * 1024);
        try (LogWriter w = LogWriter.append(h.file("app.jsonl"), "a")) {
            w.lines(1);
            w.raw(Jsonl.line("a", 1, 3 * 1024 * 1024)); // twelve 256 KiB buffers
            w.raw(Jsonl.line("a", 2, 700 * 1024)); // under the cap, still several buffers
            w.raw(Jsonl.line("a", 3));
            assertEquals(4, h.pump());
        }
        assertEquals(Map.of("a", List.of(0L, 2L, 3L)), h.seen());
        assertEquals(1, h.ledger().rejects().size());
        assertEquals(3 * 1024 * 1024, h.ledger().rejects().get(0).length());
        h.assertLedgerProven();
    }
}
