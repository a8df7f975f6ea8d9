package io.taclog.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.testing.IngestHarness;
import io.taclog.testing.Jsonl;
import io.taclog.testing.Ledger;
import io.taclog.testing.LogWriter;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bytes that are not plain LF-terminated UTF-8 JSON: CRLF, BOM, invalid UTF-8, blank lines, torn records. */
class EncodingIT {

    private static final int READ_CHUNK = 256 * 1024;

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
    void readsACrlfSplitAcrossTheReadBufferBoundaryAsOneLine() {
        try (LogWriter w = LogWriter.append(h.file("app.jsonl"), "a")) {
            w.raw(Jsonl.padded("big", 0, READ_CHUNK - 1) + "\r\n"); // '\r' is byte 262143, '\n' byte 262144
            w.raw(Jsonl.line("a", 0));
            assertEquals(2, h.pump());
        }
        assertEquals(Map.of("a", List.of(0L), "big", List.of(0L)), h.seen());
        assertTrue(h.ledger().rejects().isEmpty(), h.ledger().rejects().toString());
        h.assertLedgerProven();
    }

    @Test
    void stripsAUtf8ByteOrderMarkAtTheStartOfTheFile() {
        try (LogWriter w = LogWriter.append(h.file("app.jsonl"), "a")) {
            w.raw(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
            w.lines(2);
            assertEquals(2, h.pump());
        }
        h.assertSeenExactlyOnce("a", 2);
        assertTrue(h.ledger().rejects().isEmpty(), h.ledger().rejects().toString());
        h.assertLedgerProven();
    }

    @Test
    void quarantinesInvalidUtf8AndGoesOn() {
        ByteArrayOutputStream bad = new ByteArrayOutputStream();
        bad.writeBytes(Jsonl.utf8("{\"src\":\"a\",\"seq\":1,\"text\":\""));
        bad.write(0xFF);
        bad.writeBytes(Jsonl.utf8("\"}\n"));
        try (LogWriter w = LogWriter.append(h.file("app.jsonl"), "a")) {
            w.raw(Jsonl.line("a", 0)).raw(bad.toByteArray()).raw(Jsonl.line("a", 2));
            assertEquals(3, h.pump());
        }
        assertEquals(Map.of("a", List.of(0L, 2L)), h.seen());
        Ledger.Reject r = h.ledger().rejects().get(0);
        assertTrue(r.error().contains("invalid UTF-8"), r.error());
        assertEquals(Jsonl.line("a", 0).length, r.offset());
        assertEquals(bad.size(), r.length());
        h.assertLedgerProven();
    }

    @Test
    void countsEmptyAndWhitespaceOnlyLinesAsSkipped() {
        try (LogWriter w = LogWriter.append(h.file("app.jsonl"), "a")) {
            w.lines(1).raw("\n").raw("   \n").raw("\t\r\n").raw("\r\n").lines(1).raw("\n");
            assertEquals(7, h.pump());
        }
        Ledger l = h.ledger();
        assertEquals(5, l.skipped("empty line"));
        assertEquals(7, l.linesRead());
        assertEquals(2, l.generations().get(0).withRows());
        h.assertSeenExactlyOnce("a", 2);
        h.assertLedgerProven();
    }

    @Test
    void recoversAWholeRecordGluedToATornOneAndQuarantinesTheFragment() {
        String torn = "{\"src\":\"t\",\"seq\":0,\"b";
        try (LogWriter w = LogWriter.append(h.file("app.jsonl"), "a")) {
            w.lines(1);
            w.raw(torn + Jsonl.record("a", 1) + "\n");
            w.raw("{\"a\":1,\"b{\"type\":\"x\"}\n"); // recovered record has no handler: a counted skip
            w.lines(0).raw(Jsonl.line("a", 2));
            assertEquals(4, h.pump());
        }
        h.assertSeenExactlyOnce("a", 3);
        Ledger l = h.ledger();
        Ledger.Generation g = l.generations().get(0);
        assertEquals(2, g.fragments(), "fragments_recovered");
        assertEquals(0, g.rejected(), "the lines themselves are accounted by their recovered record");
        assertEquals(1, l.skipped("no handler"));
        List<Ledger.Reject> fragments = l.rejects("fragment");
        assertEquals(2, fragments.size());
        assertEquals(Jsonl.line("a", 0).length, fragments.get(0).offset());
        assertEquals(torn.length(), fragments.get(0).length(), "the fragment is the torn prefix only");
        h.assertLedgerProven();
    }

    @Test
    void quarantinesLinesThatAreNotJsonObjects() {
        try (LogWriter w = LogWriter.append(h.file("app.jsonl"), "a")) {
            w.raw("plain text\n").raw("[1,2,3]\n").raw("{\"src\":\"a\",\"seq\":\n").lines(1);
            assertEquals(4, h.pump());
        }
        List<String> errors = h.ledger().rejects().stream().map(Ledger.Reject::error).toList();
        assertEquals(3, errors.size(), errors.toString());
        assertEquals("not JSON", errors.get(0));
        assertTrue(errors.get(1).contains("array"), errors.get(1));
        assertTrue(errors.get(2).startsWith("invalid JSON"), errors.get(2));
        h.assertSeenExactlyOnce("a", 1);
        h.assertLedgerProven();
    }
}
