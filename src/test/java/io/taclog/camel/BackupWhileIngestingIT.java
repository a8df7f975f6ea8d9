package io.taclog.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.cli.Main;
import io.taclog.config.TaclogConfig;
import io.taclog.testing.Await;
import io.taclog.testing.Ledger;
import io.taclog.testing.LogWriter;
import io.taclog.testing.Sql;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups taken while the sidecar commits lines appended meanwhile: every copy opens, passes quick_check and
 * holds exactly the rows its committed offsets account for; the maintenance route runs optimize meanwhile.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class BackupWhileIngestingIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    @Test
    void aBackupTakenWhileIngestingOpensAndValidates() throws Exception {
        Path watch = Files.createDirectories(tmp.resolve("logs"));
        Path db = tmp.resolve("taclog.db");
        TaclogConfig config = TaclogConfig.load(Optional.empty(), Map.of(
                "taclog.db", db.toString(),
                "taclog.watch", watch.toString(),
                "taclog.batch.max-wait-ms", "20",
                "taclog.batch.max-lines", "20",
                "taclog.scan-interval-ms", "50",
                "taclog.maintenance.check-interval-ms", "100"));
        AtomicBoolean writing = new AtomicBoolean(true);
        try (LogWriter a = LogWriter.append(watch.resolve("a.jsonl"), "a");
             RunningSidecar sidecar = RunningSidecar.start(config)) {
            a.lines(200);
            Await.until(WAIT, () -> linesRead(db) >= 200, "the first lines are committed");
            Thread appender = new Thread(() -> {
                while (writing.get()) {
                    a.lines(5);
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // pace, not a wait for a condition
                }
            }, "appender");
            appender.start();
            long before = linesRead(db);
            int copies = 0;
            long lastCopyLines = -1;
            try {
                for (int i = 0; i < 5; i++) {
                    Path copy = tmp.resolve("copy-" + i + ".db");
                    Run r = run("backup", "--db", db.toString(), "--to", copy.toString());
                    assertEquals(Main.OK, r.code, r.out + r.err);
                    checkCopy(copy, watch);
                    lastCopyLines = Sql.scalar(copy, "SELECT SUM(lines_read) FROM ingest_ledger");
                    copies++;
                }
            } finally {
                writing.set(false);
                appender.join();
            }
            assertEquals(5, copies);
            assertTrue(lastCopyLines > before, "the copies saw the sidecar commit meanwhile (" + before + " -> "
                    + lastCopyLines + ")");
            assertEquals(5, Sql.scalar(db, "SELECT COUNT(*) FROM backups"), "each backup recorded");
            Await.until(WAIT, () -> sidecar.runtime.maintenance().optimizeRuns() > 0,
                    "the maintenance route ran PRAGMA optimize");
        }
    }

    /** The copy opens, is sound, and its ledger, offsets and commit ranges agree with each other. */
    private static void checkCopy(Path copy, Path watch) {
        assertEquals("ok", Sql.rows(copy, "PRAGMA quick_check").get(0).values().iterator().next());
        Ledger.read(copy).assertConsistent(); // every committed offset is covered by commit ranges and ledger rows
        assertEquals(Sql.scalar(copy, "SELECT SUM(lines_read) FROM ingest_ledger"),
                Sql.scalar(copy, "SELECT SUM(lines) FROM ingest_commits"));
        assertEquals(Sql.scalar(copy, "SELECT MAX(committed_offset) FROM ingest_files"),
                Sql.scalar(copy, "SELECT MAX(end_offset) FROM ingest_commits"));
        Run v = run("validate", "--db", copy.toString(), "--watch", watch.toString());
        assertEquals(Main.OK, v.code, v.out + v.err);
    }

    private static long linesRead(Path db) {
        return Sql.scalar(db, "SELECT COALESCE(SUM(lines_read), 0) FROM ingest_ledger");
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
