package io.taclog.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.taclog.archive.ArchiveMonth;
import io.taclog.config.TaclogConfig;
import io.taclog.testing.ArchiveCorpus;
import io.taclog.testing.Await;
import io.taclog.testing.Sql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `taclog run` with taclog.archive.enabled archives the months older than keep-days at its first maintenance check,
 * while it follows the very files those months were read from: nothing is read twice. Off (the default), it never
 * archives.
 */
class ArchiveSidecarIT {

    @TempDir
    Path tmp;

    Map<String, String> settings(Path db, boolean enabled, long keepDays) {
        Map<String, String> s = new HashMap<>(ArchiveCorpus.settings());
        s.put("taclog.db", db.toString());
        s.put("taclog.archive.enabled", Boolean.toString(enabled));
        s.put("taclog.archive.keep-days", Long.toString(keepDays));
        s.put("taclog.maintenance.check-interval-ms", "100");
        return s;
    }

    @Test
    void theSidecarArchivesMonthsOlderThanKeepDaysAndReadsNothingAgain() throws Exception {
        Path db = ArchiveCorpus.copyTo(tmp);
        long calls = Sql.scalar(db, "SELECT COUNT(*) FROM api_calls");
        long juneCalls = Sql.scalar(db, "SELECT COUNT(*) FROM api_calls WHERE timestamp LIKE '2025-06%'");
        // keep-days that make June 2025 (the corpus's oldest month) the only one old enough, whenever this runs
        long keepDays = ChronoUnit.DAYS.between(Instant.parse("2025-07-15T00:00:00Z"), Instant.now());
        try (RunningSidecar s = RunningSidecar.start(TaclogConfig.load(Optional.empty(),
                settings(db, true, keepDays)))) {
            Await.until(Duration.ofSeconds(30), () -> s.runtime.maintenance().ticks() >= 1,
                    "the first maintenance check has run");
        }
        assertEquals(1, Sql.scalar(db, "SELECT COUNT(*) FROM archives"));
        assertEquals("deleted", Sql.rows(db, "SELECT state FROM archives WHERE month = '2025-06'").get(0)
                .get("state"));
        Path file = tmp.resolve("archive").resolve(ArchiveMonth.parse("2025-06").fileName());
        assertEquals(juneCalls, Sql.scalar(file, "SELECT COUNT(*) FROM api_calls"));
        assertEquals(calls, Sql.scalar(db, "SELECT COUNT(*) FROM api_calls") + juneCalls,
                "every call is in the database or the archive, once");
    }

    @Test
    void theSidecarArchivesTheMonthsOfASplitDatabase() throws Exception {
        Path db = ArchiveCorpus.copyTo(tmp);
        Path conversations = Files.createDirectories(tmp.resolve("disk2")).resolve("conversations.db");
        io.taclog.testing.CliRun migrate = io.taclog.testing.CliRun.of("migrate", "--db", db.toString(), "--set",
                "taclog.db.conversations=" + conversations);
        assertEquals(0, migrate.code(), migrate.err());
        long rows = Sql.scalar(db, "SELECT COUNT(*) FROM conversations.conversations");
        long june = Sql.scalar(db, "SELECT COUNT(*) FROM conversations.conversations WHERE timestamp LIKE '2025-06%'");
        org.junit.jupiter.api.Assertions.assertTrue(june > 0);
        long keepDays = ChronoUnit.DAYS.between(Instant.parse("2025-07-15T00:00:00Z"), Instant.now());
        try (RunningSidecar s = RunningSidecar.start(TaclogConfig.load(Optional.empty(),
                settings(db, true, keepDays)))) {
            Await.until(Duration.ofSeconds(30), () -> s.runtime.maintenance().ticks() >= 1,
                    "the first maintenance check has run");
        }
        assertEquals("deleted", Sql.rows(db, "SELECT state FROM archives WHERE month = '2025-06'").get(0)
                .get("state"));
        Path file = tmp.resolve("archive").resolve(ArchiveMonth.parse("2025-06").fileName());
        assertEquals(june, Sql.scalar(file, "SELECT COUNT(*) FROM conversations WHERE timestamp LIKE '2025-06%'"));
        assertEquals(rows, Sql.scalar(db, "SELECT COUNT(*) FROM conversations.conversations")
                + Sql.scalar(file, "SELECT COUNT(*) FROM conversations"), "every row in one file, once");
        assertEquals(Sql.scalar(db, "SELECT seq FROM conversations_link"),
                Sql.scalar(db, "SELECT seq FROM conversations.conversations_file"));
    }

    @Test
    void offByDefault() throws Exception {
        Path db = ArchiveCorpus.copyTo(tmp);
        Map<String, String> s = settings(db, false, 30);
        s.remove("taclog.archive.enabled");
        s.remove("taclog.archive.keep-days");
        try (RunningSidecar r = RunningSidecar.start(TaclogConfig.load(Optional.empty(), s))) {
            Await.until(Duration.ofSeconds(30), () -> r.runtime.maintenance().ticks() >= 1,
                    "the first maintenance check has run");
        }
        assertEquals(0, Sql.scalar(db, "SELECT COUNT(*) FROM archives"));
        assertFalse(Files.exists(tmp.resolve("archive")));
    }
}
