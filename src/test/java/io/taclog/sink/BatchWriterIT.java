package io.taclog.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.ingest.ParsedBatch;
import io.taclog.source.TailBatch;
import io.taclog.testing.IngestHarness;
import io.taclog.testing.Jsonl;
import io.taclog.testing.Ledger;
import io.taclog.testing.LogWriter;
import io.taclog.testing.Sql;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rows, ledger and offsets commit in one transaction, in order per file, and at most once. */
class BatchWriterIT {

    @TempDir
    Path tmp;
    IngestHarness h;

    @AfterEach
    void stop() {
        h.close();
    }

    /** Everything a commit touches, as text, to compare before and after. */
    private List<String> snapshot() {
        List<String> out = new ArrayList<>();
        for (String table : List.of("ingest_files", "ingest_ledger", "ingest_commits", "ingest_skips",
                "ingest_rejects", "test_seen")) {
            Sql.rows(h.db(), "SELECT * FROM " + table + " ORDER BY 1, 2").forEach(r -> out.add(table + " " + r));
        }
        return out;
    }

    @Test
    void refusesToCommitTheSameBatchTwiceAndChangesNothing() {
        h = IngestHarness.in(tmp).recording().start();
        try (LogWriter w = LogWriter.append(h.file("app.jsonl"), "a")) {
            w.lines(10);
        }
        TailBatch batch = h.nextBatch();
        ParsedBatch parsed = h.parser().parse(batch);
        h.commit(batch, parsed);
        List<String> before = snapshot();

        assertThrows(StaleBatchException.class, () -> h.writer().commit(parsed));
        assertEquals(before, snapshot(), "the replayed batch left no trace");
        h.assertSeenExactlyOnce("a", 10);
        h.assertLedgerProven();
    }

    @Test
    void rollsBackRowsLedgerAndOffsetsTogetherWhenTheTransactionFailsAndReReadsTheLinesOnce() {
        AtomicBoolean crash = new AtomicBoolean(true);
        h = IngestHarness.in(tmp).beforeWrite(s -> {
            if (s.seq() == 5 && crash.getAndSet(false)) {
                throw new SimulatedCrash(); // after rows 0..4 were inserted in this transaction
            }
        }).start();
        try (LogWriter w = LogWriter.append(h.file("app.jsonl"), "a")) {
            w.lines(10);
        }
        TailBatch batch = h.nextBatch();
        List<String> before = snapshot();
        assertThrows(SimulatedCrash.class, () -> h.commit(batch, h.parser().parse(batch)));
        assertEquals(before, snapshot(), "no row, no ledger count and no offset of the failed batch remains");
        assertEquals(0, Sql.scalar(h.db(), "SELECT committed_offset FROM ingest_files"));

        assertEquals(10, h.pump(), "the tailer rewound to the committed offset and reads the lines again");
        h.assertSeenExactlyOnce("a", 10);
        assertEquals(10, h.ledger().linesRead());
        h.assertLedgerProven();
    }

    @Test
    void quarantinesARecordThatCannotBeStoredAndStoresTheRestOfItsBatch() {
        h = IngestHarness.in(tmp).failingFor(s -> s.seq() == 3).start();
        try (LogWriter w = LogWriter.append(h.file("app.jsonl"), "a")) {
            w.lines(10);
        }
        assertEquals(10, h.pump());
        assertEquals(List.of(0L, 1L, 2L, 4L, 5L, 6L, 7L, 8L, 9L), h.seen().get("a"));
        Ledger l = h.ledger();
        Ledger.Generation g = l.generations().get(0);
        assertEquals(9, g.withRows());
        assertEquals(1, g.rejected());
        Ledger.Reject r = l.rejects().get(0);
        assertTrue(r.error().startsWith("rows could not be stored: CHECK constraint failed"), r.error());
        assertEquals(3L * Jsonl.line("a", 0).length, r.offset(), "the failing line's own offset");
        h.assertLedgerProven();
    }

    @Test
    void refusesALaterBatchOfAFileBeforeAnEarlierOne() {
        h = IngestHarness.in(tmp).recording()
                .options(o -> o.withLimits(o.maxLineBytes(), 4, o.batchMaxBytes(), o.maxOpenFiles())).start();
        try (LogWriter w = LogWriter.append(h.file("app.jsonl"), "a")) {
            w.lines(10);
        }
        TailBatch first = h.nextBatch();
        ParsedBatch firstParsed = h.parser().parse(first);
        TailBatch second = h.nextBatch();
        assertEquals(first.ranges().get(0).end(), second.ranges().get(0).start());

        assertThrows(StaleBatchException.class, () -> h.commit(second, h.parser().parse(second)));
        assertEquals(0, Sql.scalar(h.db(), "SELECT COUNT(*) FROM test_seen"));
        h.commit(first, firstParsed);
        assertEquals(6, h.pump(), "the lines of the refused batch are read again after the earlier one");
        h.assertSeenExactlyOnce("a", 10);
        h.assertLedgerProven();
    }

    /** Stands for the process dying in the middle of a transaction. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash() {
            super("simulated crash inside the write transaction");
        }
    }
}
