package io.taclog.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.taclog.testing.Await;
import io.taclog.testing.IngestHarness;
import io.taclog.testing.LogCapture;
import io.taclog.testing.LogWriter;
import io.taclog.testing.Sql;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Readers never block the writer; a locked database means retry, never drop. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DatabaseConcurrencyIT {

    private static final DatabaseSettings SHORT_BUSY_TIMEOUT = new DatabaseSettings(200, 10, 100, 2048, DatabaseSettings.DEFAULT_PAGE_SIZE);

    @TempDir
    Path tmp;
    IngestHarness h;
    final ExecutorService pumpThread = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        pumpThread.shutdownNow();
        h.close();
    }

    @Test
    void aLongReadTransactionNeitherBlocksTheWriterNorSeesHalfABatch() throws Exception {
        h = IngestHarness.in(tmp).recording().settings(SHORT_BUSY_TIMEOUT)
                .options(o -> o.withLimits(o.maxLineBytes(), 500, o.batchMaxBytes(), o.maxOpenFiles())).start();
        try (LogWriter w = LogWriter.append(h.file("app.jsonl"), "a");
             Connection reader = Sql.connect(h.db());
             Statement s = reader.createStatement()) {
            w.lines(1000);
            assertEquals(1000, h.pump());
            s.execute("BEGIN");
            long seenBefore = Sql.scalar(reader, "SELECT COUNT(*) FROM test_seen");
            assertEquals(1000, seenBefore);

            w.lines(20_000);
            assertEquals(20_000, h.pump(), "forty commits while the reader holds its snapshot");
            assertEquals(seenBefore, Sql.scalar(reader, "SELECT COUNT(*) FROM test_seen"),
                    "the reader's snapshot is stable");
            assertEquals(1000, Sql.scalar(reader, "SELECT SUM(lines_read) FROM ingest_ledger"),
                    "and consistent: rows and ledger of the same commits");
            s.execute("COMMIT");
            assertEquals(21_000, Sql.scalar(reader, "SELECT COUNT(*) FROM test_seen"));
        }
        h.assertSeenExactlyOnce("a", 21_000);
        h.assertLedgerProven();
    }

    @Test
    void retriesAWriteLockHeldLongerThanTheBusyTimeoutAndCommitsEverythingOnceReleased() throws Exception {
        h = IngestHarness.in(tmp).recording().settings(SHORT_BUSY_TIMEOUT).start();
        try (LogWriter w = LogWriter.append(h.file("app.jsonl"), "a");
             LogCapture log = LogCapture.of(Database.class);
             Connection locker = Sql.connect(h.db());
             Statement s = locker.createStatement()) {
            w.lines(5000);
            s.execute("BEGIN IMMEDIATE");
            CompletableFuture<Integer> pump = CompletableFuture.supplyAsync(h::pump, pumpThread);

            Await.until(Duration.ofSeconds(20), () -> log.contains("is busy or locked"),
                    "the writer gives up waiting after its busy timeout and starts retrying");
            assertFalse(pump.isDone(), "nothing commits while another connection holds the write lock");
            assertEquals(0, Sql.scalar(locker, "SELECT COUNT(*) FROM ingest_commits"));

            s.execute("COMMIT");
            assertEquals(5000, pump.get(30, TimeUnit.SECONDS));
        }
        h.assertSeenExactlyOnce("a", 5000);
        h.assertLedgerProven();
    }

    @Test
    void handlesATruncationThatHappensWhileACommitIsBlocked() throws Exception {
        h = IngestHarness.in(tmp).recording().settings(SHORT_BUSY_TIMEOUT).start();
        Path app = h.file("app.jsonl");
        try (LogWriter a = LogWriter.append(app, "a");
             LogCapture log = LogCapture.of(Database.class);
             Connection locker = Sql.connect(h.db());
             Statement s = locker.createStatement()) {
            a.lines(5);
            assertEquals(5, h.pump());
            a.lines(5);
            s.execute("BEGIN IMMEDIATE");
            CompletableFuture<Integer> pump = CompletableFuture.supplyAsync(h::pump, pumpThread);
            Await.until(Duration.ofSeconds(20), () -> log.contains("is busy or locked"),
                    "the batch holding a5..a9 is blocked in its commit");

            try (FileChannel ch = FileChannel.open(app, StandardOpenOption.WRITE)) {
                ch.truncate(0);
            }
            try (LogWriter b = LogWriter.append(app, "b")) {
                b.lines(3);
            }
            s.execute("COMMIT");
            pump.get(30, TimeUnit.SECONDS);
        }
        h.pump();
        h.assertSeenExactlyOnce("a", 10);
        h.assertSeenExactlyOnce("b", 3);
        assertEquals("superseded", h.ledger().generation(1).state());
        h.assertLedgerProven();
    }
}
