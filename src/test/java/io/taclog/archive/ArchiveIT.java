package io.taclog.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taclog.cli.Main;
import io.taclog.testing.ArchiveCorpus;
import io.taclog.testing.CliRun;
import io.taclog.testing.Fingerprint;
import io.taclog.testing.QueryAnswers;
import io.taclog.testing.ReadOnlyDirectory;
import io.taclog.testing.Sql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Monthly archives over real files: the demo's story moved across the boundary of January and February 2026 plus
 * every real transcript of the samples ({@link ArchiveCorpus}). Archived months leave the database and every query
 * with --include-archives answers as before; validate still proves every line.
 */
class ArchiveIT {

    @TempDir
    Path tmp;
    Path db;

    @BeforeEach
    void copyCorpus() {
        db = ArchiveCorpus.copyTo(tmp);
    }

    static CliRun archive(Path db, String... more) {
        List<String> args = new ArrayList<>(List.of("archive", "--db", db.toString()));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    static long rowsIn(Path db, String table, String column, String month) {
        return Sql.scalar(db, "SELECT COUNT(*) FROM " + table + " WHERE substr(" + column + ", 1, 7) = ?", month);
    }

    @Test
    void theCorpusHasFactsThatSpanTheMonths() {
        // what the other tests rest on: parents in January with children in February, and a tool call answered
        // across the boundary
        assertEquals("2026-01", Sql.rows(db, "SELECT substr(started_at, 1, 7) AS m FROM coordinator_sessions "
                + "WHERE session_id LIKE 'ses-%'").get(0).get("m"));
        assertEquals("2026-02", Sql.rows(db, "SELECT substr(ended_at, 1, 7) AS m FROM coordinator_sessions "
                + "WHERE session_id LIKE 'ses-%'").get(0).get("m"));
        assertTrue(Sql.scalar(db, "SELECT COUNT(*) FROM tasks t WHERE t.detected_at < '2026-02' AND EXISTS (SELECT 1 "
                + "FROM worker_sessions w WHERE w.task_id = t.task_id AND w.spawned_at >= '2026-02')") >= 1);
        assertEquals(1, Sql.scalar(db, "SELECT COUNT(*) FROM tool_calls WHERE called_at < '2026-02' "
                + "AND answered_at >= '2026-02'"));
        assertTrue(Sql.scalar(db, "SELECT COUNT(DISTINCT substr(timestamp, 1, 7)) FROM api_calls") >= 8);
    }

    @Test
    void archivedMonthsAnswerEveryQueryAsBeforeWithIncludeArchives() {
        List<String> tasks = QueryAnswers.tasks(db);
        Map<String, JsonNode> before = QueryAnswers.of(db, false, tasks);
        long calls = Sql.scalar(db, "SELECT COUNT(*) FROM api_calls");
        long janCalls = rowsIn(db, "api_calls", "timestamp", "2026-01");
        long febCalls = rowsIn(db, "api_calls", "timestamp", "2026-02");
        long decCalls = rowsIn(db, "api_calls", "timestamp", "2025-12");
        assertTrue(janCalls > 0 && febCalls > 0 && decCalls > 0);
        for (String month : List.of("2026-01", "2025-12", "2026-02")) { // out of order on purpose
            CliRun r = archive(db, "--month", month);
            assertEquals(Main.OK, r.code(), r.out() + r.err());
            assertTrue(r.out().contains("archived " + month), r.out());
            assertTrue(Files.isRegularFile(tmp.resolve("archive/logs-" + month + ".db")));
        }
        assertEquals(0, rowsIn(db, "api_calls", "timestamp", "2026-01"));
        assertEquals(0, rowsIn(db, "conversations", "timestamp", "2026-02"));
        assertEquals(calls - janCalls - febCalls - decCalls, Sql.scalar(db, "SELECT COUNT(*) FROM api_calls"));
        // the ledger stays whole: no byte of any file would be read again
        assertEquals(Sql.scalar(ArchiveCorpus.db(), "SELECT SUM(committed_offset) FROM ingest_files"),
                Sql.scalar(db, "SELECT SUM(committed_offset) FROM ingest_files"));

        QueryAnswers.assertSame(before, QueryAnswers.of(db, true, tasks));
        assertEquals(List.of(), QueryAnswers.tasks(db), "every task's rows are archived");
        CliRun alone = CliRun.of("query", "cost", "--db", db.toString(), "--format", "json", "--tz", "UTC");
        QueryAnswers.assertDiffer(Map.of("cost", QueryAnswers.json(before.get("cost --by none --tz UTC").toString())),
                Map.of("cost", QueryAnswers.json(alone.out())));

        List<String> validate = new ArrayList<>(List.of("validate", "--db", db.toString()));
        validate.addAll(ArchiveCorpus.sources());
        CliRun v = CliRun.of(validate.toArray(String[]::new));
        assertEquals(Main.OK, v.code(), v.out() + v.err());
        assertTrue(v.out().contains("3 archived month(s) read from their archive files (2025-12, 2026-01, 2026-02)"),
                v.out());
    }

    @Test
    void recordsThatSpanTheBoundaryStayWhileLaterRowsReferToThem() throws Exception {
        assertEquals(Main.OK, archive(db, "--month", "2026-01").code());
        Path file = tmp.resolve("archive/logs-2026-01.db");
        // the session, tasks gh-602 and gh-603 and worker w-5d8f02 go on in February: they stay, the archive has copies
        for (String sql : List.of("SELECT COUNT(*) FROM coordinator_sessions WHERE session_id LIKE 'ses-%'",
                "SELECT COUNT(*) FROM tasks WHERE task_id IN ('gh-602', 'gh-603')",
                "SELECT COUNT(*) FROM worker_sessions WHERE worker_id = 'w-5d8f02'")) {
            long n = Sql.scalar(db, sql);
            assertTrue(n >= 1, sql);
            assertEquals(n, Sql.scalar(file, sql), "the archive holds a copy: " + sql);
        }
        // a worker wholly in January left the database with its transcript streams
        assertEquals(0, Sql.scalar(db, "SELECT COUNT(*) FROM worker_sessions WHERE worker_id = 'w-3c9a10'"));
        assertEquals(1, Sql.scalar(file, "SELECT COUNT(*) FROM worker_sessions WHERE worker_id = 'w-3c9a10'"));
        assertEquals(0, Sql.scalar(db, "SELECT COUNT(*) FROM agent_sessions WHERE worker_id = 'w-3c9a10'"));
        // the tool call answered after midnight went with its call, so the archive pairs it by itself
        assertEquals(0, Sql.scalar(db, "SELECT COUNT(*) FROM conversations WHERE worker_id = 'w-5d8f02' "
                + "AND timestamp < '2026-02-01T00:00:05'"));
        assertEquals(1, Sql.scalar(file, "SELECT COUNT(*) FROM tool_calls WHERE worker_id = 'w-5d8f02' "
                + "AND answered_at >= '2026-02'"));
        // and with the archive attached each record counts once
        CliRun r = CliRun.of("query", "task", "gh-603", "--db", db.toString(), "--format", "json",
                "--include-archives");
        assertEquals(Main.OK, r.code(), r.err());
        JsonNode story = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertEquals(Sql.scalar(ArchiveCorpus.db(), "SELECT COUNT(*) FROM worker_sessions WHERE task_id = 'gh-603'"),
                story.get("workers").size());
        assertEquals(Sql.scalar(ArchiveCorpus.db(), "SELECT COUNT(*) FROM api_calls a JOIN worker_sessions w "
                + "USING (worker_id) WHERE w.task_id = 'gh-603'"), story.get("totals").get("calls").asLong());
    }

    @Test
    void publishingIsNotToldThatArchivedFactsWereTakenBack() throws Exception {
        try (io.taclog.sink.Database d = io.taclog.sink.Database.open(db,
                io.taclog.sink.DatabaseSettings.defaults())) {
            new io.taclog.sink.Outbox(d, java.time.Clock.systemUTC()).install(true); // taclog.outbox.enabled
        }
        long before = Sql.scalar(db, "SELECT COUNT(*) FROM outbox");
        assertEquals(Main.OK, archive(db, "--month", "2026-01").code());
        assertEquals(0, rowsIn(db, "api_calls", "timestamp", "2026-01"));
        assertEquals(before, Sql.scalar(db, "SELECT COUNT(*) FROM outbox"), "no 'removed' message for archived rows");
        // while a call really taken back is still published
        Sql.exec(db, "DELETE FROM api_calls WHERE call_id = (SELECT MIN(call_id) FROM api_calls)");
        assertEquals(before + 1, Sql.scalar(db, "SELECT COUNT(*) FROM outbox"));
    }

    @Test
    void theSearchIndexForgetsTheArchivedRows() {
        CliRun indexed = CliRun.of("search-index", "--db", db.toString());
        assertEquals(Main.OK, indexed.code(), indexed.err());
        long before = Sql.scalar(db, "SELECT indexed_rows FROM search_index_state");
        long leaving = rowsIn(db, "conversations", "timestamp", "2026-01");
        assertTrue(before > 0 && leaving > 0, before + " indexed, " + leaving + " leaving");

        assertEquals(Main.OK, archive(db, "--month", "2026-01").code());

        long conversations = Sql.scalar(db, "SELECT COUNT(*) FROM conversations");
        assertEquals(conversations, Sql.scalar(db, "SELECT indexed_rows FROM search_index_state"),
                "the index counts the rows that stayed");
        CliRun status = CliRun.of("search-index", "--status", "--db", db.toString());
        assertTrue(status.out().contains("0 rows deleted since they were indexed"), status.out());
        // FTS5's own check of the index against the rows it was built from
        Sql.exec(db, "INSERT INTO conversation_search(conversation_search) VALUES ('integrity-check')");
    }

    @Test
    void runningItAgainChangesNothing() throws Exception {
        assertEquals(Main.OK, archive(db, "--month", "2026-01").code());
        Map<String, String> files = Fingerprint.of(tmp);
        CliRun again = archive(db, "--month", "2026-01");
        assertEquals(Main.OK, again.code(), again.err());
        assertTrue(again.out().contains("2026-01 is already archived"), again.out());
        assertEquals(files, Fingerprint.of(tmp), "nothing was written");

        CliRun list = archive(db, "--list");
        assertEquals(Main.OK, list.code(), list.err());
        assertTrue(list.out().matches("(?s).*2026-01\\s+deleted\\s+\\d+.*"), list.out());
        CliRun json = archive(db, "--list", "--format", "json");
        assertTrue(json.out().contains("\"moved_sha256\""), json.out());
    }

    @Test
    void aMonthWithRowsThatArriveLateKeepsThemInTheDatabase() {
        assertEquals(Main.OK, archive(db, "--month", "2026-01").code());
        Sql.exec(db, "INSERT INTO system_events(session_id, timestamp, event_type, severity, message) VALUES "
                + "('late', '2026-01-15T10:00:00.000Z', 'warning', 'warning', 'read after its month was archived')");
        CliRun again = archive(db, "--month", "2026-01");
        assertEquals(Main.OK, again.code());
        assertTrue(again.out().contains("1 rows dated 2026-01 arrived after it was archived"), again.out());
        CliRun r = CliRun.of("query", "errors", "--warnings", "--since", "2026-01-01", "--until", "2026-01-31", "--db",
                db.toString(), "--format", "json", "--include-archives");
        assertTrue(r.out().contains("read after its month was archived"), r.out());
    }

    @Test
    void badInputIsRefusedWithExitTwoAndChangesNothing() throws Exception {
        Path config = tmp.resolve("taclog.properties");
        // a year and a century: every month of the corpus is "too recent", whenever this test runs
        Files.writeString(config, "taclog.db = " + db + "\ntaclog.archive.keep-days = 36500\n");
        Path dir = tmp.resolve("archive");
        Map<String, String> before = Fingerprint.of(tmp);
        List<String[]> cases = List.of(
                new String[] {"--month", "2026-1"},
                new String[] {"--month", "2026-13"},
                new String[] {"--month", "January"},
                new String[] {"--month", "2024-05"}, // no data
                new String[] {"--month", "2099-01"}, // not over
                new String[] {"--month", java.time.YearMonth.now(java.time.ZoneOffset.UTC).toString()},
                new String[] {"--month", "2026-01", "--config", config.toString()}, // newer than keep-days
                new String[] {"--list", "--month", "2026-01"},
                new String[] {});
        for (String[] c : cases) {
            CliRun r = c.length > 1 && c[c.length - 2].equals("--config")
                    ? CliRun.of(concat(new String[] {"archive"}, c)) : archive(db, c);
            assertEquals(Main.USAGE, r.code(), () -> String.join(" ", c) + ": " + r.out() + r.err());
            assertFalse(r.err().isBlank(), String.join(" ", c));
            assertEquals(before, Fingerprint.of(tmp), () -> String.join(" ", c) + " changed something");
        }
        // with --force the same recent month is archived
        CliRun forced = CliRun.of("archive", "--month", "2026-01", "--config", config.toString(), "--force");
        assertEquals(Main.OK, forced.code(), forced.out() + forced.err());
        assertTrue(Files.isRegularFile(dir.resolve("logs-2026-01.db")));
    }

    @Test
    void aTargetThatHoldsSomethingElseIsLeftAsItIs() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("archive"));
        Files.writeString(dir.resolve("logs-2026-01.db"), "someone else's notes\n");
        // and a real archive, but of another month, under February's name
        assertEquals(Main.OK, archive(db, "--month", "2025-12").code());
        Files.copy(dir.resolve("logs-2025-12.db"), dir.resolve("logs-2026-02.db"));
        Map<String, String> before = Fingerprint.of(tmp);
        for (String month : List.of("2026-01", "2026-02")) {
            CliRun r = archive(db, "--month", month);
            assertEquals(Main.USAGE, r.code(), r.out() + r.err());
            assertTrue(r.err().contains("already exists and is not this database's archive of " + month), r.err());
            assertEquals(before, Fingerprint.of(tmp));
        }
        assertEquals("someone else's notes\n", Files.readString(dir.resolve("logs-2026-01.db")));
    }

    @Test
    void aReadOnlyArchiveDirectoryIsRefused() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("archive"));
        try (ReadOnlyDirectory ro = ReadOnlyDirectory.of(dir)) {
            Map<String, String> before = Fingerprint.of(tmp);
            CliRun r = archive(db, "--month", "2026-01");
            assertEquals(Main.USAGE, r.code(), r.out() + r.err());
            assertTrue(r.err().contains("is not writable"), r.err());
            assertEquals(before, Fingerprint.of(tmp));
            CliRun nested = archive(db, "--month", "2026-01", "--dir", dir.resolve("months").toString());
            assertEquals(Main.USAGE, nested.code(), nested.out() + nested.err());
            assertTrue(nested.err().contains("cannot be created"), nested.err());
            assertEquals(before, Fingerprint.of(tmp));
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
