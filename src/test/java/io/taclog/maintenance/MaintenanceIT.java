package io.taclog.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.cli.Main;
import io.taclog.model.Times;
import io.taclog.sink.Database;
import io.taclog.sink.DatabaseSettings;
import io.taclog.testing.Ledger;
import io.taclog.testing.LogWriter;
import io.taclog.testing.Sql;
import io.taclog.testing.coordinator.MutableClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sidecar's upkeep on a real database: old commit ranges merged (validate still passes), optimize on time. */
class MaintenanceIT {

    static final Instant NOW = Instant.parse("2030-06-01T12:00:00Z");

    @TempDir
    Path tmp;
    Path db;
    Path logs;

    @BeforeEach
    void backfillInSmallBatches() throws Exception {
        logs = Files.createDirectories(tmp.resolve("logs"));
        try (LogWriter a = LogWriter.append(logs.resolve("a.jsonl"), "a");
             LogWriter b = LogWriter.append(logs.resolve("b.jsonl"), "b")) {
            a.lines(200);
            b.lines(50);
        }
        db = tmp.resolve("taclog.db");
        assertEquals(Main.OK, run("backfill", "--db", db.toString(), "--watch", logs.toString(),
                "--set", "taclog.batch.max-lines=10"));
    }

    @Test
    void oldRangesAreMergedRecentOnesKeptAndValidateStillPasses() throws Exception {
        long fileA = Sql.scalar(db, "SELECT file_id FROM ingest_files WHERE path LIKE '%a.jsonl'");
        assertEquals(20, Sql.scalar(db, "SELECT COUNT(*) FROM ingest_commits WHERE file_id = ?", fileA));
        // the first 15 ranges of a and all of b are 40 days old; a's last 5 are recent
        String old = Times.format(NOW.minus(Duration.ofDays(40)));
        Sql.exec(db, "UPDATE ingest_commits SET committed_at = '" + Times.format(NOW.minus(Duration.ofDays(1))) + "'");
        Sql.exec(db, "UPDATE ingest_commits SET committed_at = '" + old + "' WHERE file_id <> " + fileA
                + " OR start_offset < (SELECT start_offset FROM ingest_commits WHERE file_id = " + fileA
                + " ORDER BY start_offset LIMIT 1 OFFSET 15)");
        List<Map<String, Object>> recentBefore = Sql.rows(db, "SELECT * FROM ingest_commits WHERE committed_at > ? "
                + "ORDER BY file_id, start_offset", old);
        assertEquals(5, recentBefore.size());

        MutableClock clock = new MutableClock(NOW);
        try (Database d = Database.open(db, DatabaseSettings.defaults())) {
            Maintenance m = new Maintenance(d, clock, Duration.ZERO, Duration.ofDays(30), true);
            m.run();
            assertEquals(14 + 4, m.compactedRows(), "15 ranges of a became 1, 5 of b became 1");
            m.run();
            assertEquals(18, m.compactedRows(), "not due again within the hour");
        }
        assertEquals(recentBefore, Sql.rows(db, "SELECT * FROM ingest_commits WHERE committed_at > ? "
                + "ORDER BY file_id, start_offset", old), "recent rows untouched");
        assertEquals(2, Sql.scalar(db, "SELECT COUNT(*) FROM ingest_commits WHERE committed_at <= ?", old));
        Ledger.read(db).assertConsistent();
        assertEquals(Main.OK, run("validate", "--db", db.toString(), "--watch", logs.toString()));
    }

    @Test
    void aGapIsNotMergedAway() throws Exception {
        long fileA = Sql.scalar(db, "SELECT file_id FROM ingest_files WHERE path LIKE '%a.jsonl'");
        Sql.exec(db, "UPDATE ingest_commits SET committed_at = '2000-01-01T00:00:00.000Z'",
                "DELETE FROM ingest_commits WHERE file_id = " + fileA + " AND start_offset = (SELECT start_offset "
                        + "FROM ingest_commits WHERE file_id = " + fileA + " ORDER BY start_offset LIMIT 1 OFFSET 9)");
        try (Database d = Database.open(db, DatabaseSettings.defaults())) {
            new Maintenance(d, new MutableClock(NOW), Duration.ZERO, Duration.ofDays(30), true).run();
        }
        assertEquals(2, Sql.scalar(db, "SELECT COUNT(*) FROM ingest_commits WHERE file_id = ?", fileA),
                "the ranges before and after the gap stay apart, so validate still sees the gap");
        assertEquals(Main.FAILURE, run("validate", "--db", db.toString(), "--watch", logs.toString()));
    }

    @Test
    void optimizeRunsAtTheFirstCheckThenOncePerInterval() throws Exception {
        Sql.exec(db, "DROP TABLE IF EXISTS sqlite_stat1");
        MutableClock clock = new MutableClock(NOW);
        try (Database d = Database.open(db, DatabaseSettings.defaults())) {
            Maintenance m = new Maintenance(d, clock, Duration.ofMinutes(360), Duration.ZERO, true);
            m.run();
            assertEquals(1, m.optimizeRuns());
            assertTrue(Sql.scalar(db, "SELECT COUNT(*) FROM sqlite_stat1") > 0, "statistics were gathered");
            clock.advance(Duration.ofMinutes(359));
            m.run();
            assertEquals(1, m.optimizeRuns(), "not due yet");
            clock.advance(Duration.ofMinutes(1));
            m.run();
            assertEquals(2, m.optimizeRuns());
            assertEquals(0, m.compactedRows(), "commit-log-days 0 keeps every row");
        }
        assertEquals(25, Sql.scalar(db, "SELECT COUNT(*) FROM ingest_commits"));
    }

    @Test
    void aBackfillDoesNoMaintenance() throws Exception {
        Sql.exec(db, "UPDATE ingest_commits SET committed_at = '2000-01-01T00:00:00.000Z'");
        try (Database d = Database.open(db, DatabaseSettings.defaults())) {
            Maintenance m = new Maintenance(d, new MutableClock(NOW), Duration.ofMinutes(1), Duration.ofDays(1), false);
            m.run();
            assertEquals(0, m.optimizeRuns());
        }
        assertEquals(25, Sql.scalar(db, "SELECT COUNT(*) FROM ingest_commits"));
    }

    private static int run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(out, true, StandardCharsets.UTF_8));
    }
}
