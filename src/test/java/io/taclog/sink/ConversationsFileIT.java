package io.taclog.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.cli.Main;
import io.taclog.testing.CliRun;
import io.taclog.testing.Fingerprint;
import io.taclog.testing.Sql;
import io.taclog.testing.coordinator.DemoDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The split layout end to end on the demo: the same facts as the single file, the conversations in their own file,
 * every reader attaching it; an existing single-file database moved into the layout; and every file that cannot be
 * the conversations file refused with exit 2, nothing written.
 */
class ConversationsFileIT {

    private static final String CONFIG = "samples/taclog.properties";

    @TempDir
    Path tmp;

    @Test
    void splitDemoHoldsTheFactsOfTheSingleFileDemo() {
        Path single = DemoDatabase.tac8().db().path();
        DemoDatabase.Built split = DemoDatabase.tac8Split();
        assertEquals(Main.OK, split.code(), split.err());
        Path db = split.db().path();
        assertEquals(Facts.of(single), Facts.of(db));
        assertEquals(0, Sql.scalar(db, "SELECT COUNT(*) FROM main.sqlite_master WHERE name IN ('conversations', "
                + "'tool_calls', 'conversation_search')"), "the main file gave them up");
        Path file = Path.of(Sql.rows(db, "SELECT path FROM conversations_link").get(0).get("path").toString());
        assertEquals(db.getParent().resolve("external/conversations.db"), file);

        CliRun validate = CliRun.of("validate", "--db", db.toString());
        assertEquals(Main.OK, validate.code(), validate.out() + validate.err());
        CliRun search = CliRun.of("query", "search", "pytest", "--db", db.toString(), "--format", "json");
        assertEquals(Main.OK, search.code(), search.err());
        assertTrue(search.out().contains("w-3c9a10"), search.out());
        CliRun tools = CliRun.of("query", "tools", "--db", db.toString());
        assertEquals(Main.OK, tools.code(), tools.err());
        assertTrue(tools.out().contains("Bash"), tools.out());
        // a query while the file is away reads an empty stand-in of this view: it must be the file's own
        String view = Sql.rows(db, "SELECT sql FROM conversations.sqlite_master WHERE name = 'tool_calls'").get(0)
                .get("sql").toString();
        assertEquals(ConversationsStandIn.TOOL_CALLS, view.substring(view.indexOf(" AS") + 3).replaceAll("\\s+", " ")
                .trim());
    }

    @Test
    void singleFileDatabaseMovesIntoTheSplitLayout() throws Exception {
        Path db = tmp.resolve("taclog.db");
        assertEquals(Main.OK, CliRun.of("backfill", "--config", CONFIG, "--db", db.toString(), "--no-progress").code());
        Facts before = Facts.of(db);
        Path file = Files.createDirectories(tmp.resolve("disk2")).resolve("conversations.db");
        CliRun migrate = CliRun.of("migrate", "--db", db.toString(), "--set", "taclog.db.conversations=" + file);
        assertEquals(Main.OK, migrate.code(), migrate.err());
        assertEquals(before, Facts.of(db));
        assertEquals(0, Sql.scalar(db, "SELECT COUNT(*) FROM main.sqlite_master WHERE name = 'conversations'"));
        // a second start (the key no longer needed: the database names its file) changes nothing
        assertEquals(Main.OK, CliRun.of("backfill", "--config", CONFIG, "--db", db.toString(), "--no-progress").code());
        assertEquals(before, Facts.of(db));
        CliRun index = CliRun.of("search-index", "--db", db.toString());
        assertEquals(Main.OK, index.code(), index.err());
        assertEquals(before.rows().get("conversations"), Sql.scalar(db, "SELECT indexed_rows FROM search_index_state"),
                "the search index was filled again in the conversations file");
        assertEquals(Main.OK, CliRun.of("validate", "--db", db.toString()).code());
    }

    @Test
    void backupCopiesBothFilesDoctorShowsTheSecondAndArchivesWaitForIt() throws Exception {
        Path db = tmp.resolve("taclog.db");
        Path file = Files.createDirectories(tmp.resolve("disk2")).resolve("conversations.db");
        assertEquals(Main.OK, CliRun.of("backfill", "--config", CONFIG, "--db", db.toString(), "--no-progress",
                "--set", "taclog.db.conversations=" + file).code());
        Facts facts = Facts.of(db);

        Path copy = Files.createDirectories(tmp.resolve("backups")).resolve("copy.db");
        CliRun backup = CliRun.of("backup", "--db", db.toString(), "--to", copy.toString());
        assertEquals(Main.OK, backup.code(), backup.err());
        Path copied = io.taclog.maintenance.Backup.conversationsTarget(copy);
        assertTrue(backup.out().contains(copied.toString()), backup.out());
        assertEquals(copied.toAbsolutePath().toString(), Sql.rows(copy, "SELECT path FROM conversations_link").get(0)
                .get("path"), "the copy names its own conversations file");
        Files.move(file, tmp.resolve("disk2/gone.db")); // the copy must not read the original
        assertEquals(facts, Facts.of(copy));
        Files.move(tmp.resolve("disk2/gone.db"), file);

        CliRun doctor = CliRun.of("doctor", "--db", db.toString());
        assertEquals(Main.OK, doctor.code(), doctor.out() + doctor.err());
        assertTrue(doctor.out().contains("conversations " + file + ": attached; commit "), doctor.out());
        Files.move(file, tmp.resolve("disk2/gone.db"));
        CliRun missing = CliRun.of("doctor", "--db", db.toString());
        assertEquals(Main.FAILURE, missing.code(), "a split database without its conversations is not healthy");
        assertTrue(missing.out().contains("NOT READABLE"), missing.out());
        Files.move(tmp.resolve("disk2/gone.db"), file);

        // a month is archived only with both files there (SplitArchiveIT archives them)
        Files.move(file, tmp.resolve("disk2/gone.db"));
        Map<String, String> before = Fingerprint.of(tmp);
        CliRun archive = CliRun.of("archive", "--db", db.toString(), "--month", "2025-11", "--force");
        assertEquals(Main.USAGE, archive.code(), archive.out() + archive.err());
        assertTrue(archive.err().contains("is away"), archive.err());
        assertEquals(before, Fingerprint.of(tmp));
        Files.move(tmp.resolve("disk2/gone.db"), file);
    }

    @Test
    void aFileThatIsNotSqliteIsRefused() throws Exception {
        Path file = Files.writeString(tmp.resolve("notes.txt"), "not a database\n", StandardCharsets.UTF_8);
        refused(tmp.resolve("new.db"), file, "is not a SQLite database");
    }

    @Test
    void anotherDatabasesConversationsFileIsRefused() throws Exception {
        Path other = DemoDatabase.tac8Split().db().path();
        Path theirs = other.getParent().resolve("external/conversations.db");
        refused(tmp.resolve("new.db"), theirs, "conversations file of another taclog database");

        Path db = tmp.resolve("mine.db");
        Path mine = Files.createDirectories(tmp.resolve("d")).resolve("conversations.db");
        assertEquals(Main.OK, CliRun.of("migrate", "--db", db.toString(), "--set",
                "taclog.db.conversations=" + mine).code());
        refused(db, theirs, "keeps its conversations in file");
    }

    @Test
    void aSplitDatabaseRefusesAnEmptyPlaceOrAMissingDirectory() throws Exception {
        Path db = tmp.resolve("mine.db");
        Path mine = Files.createDirectories(tmp.resolve("d")).resolve("conversations.db");
        assertEquals(Main.OK, CliRun.of("migrate", "--db", db.toString(), "--set",
                "taclog.db.conversations=" + mine).code());
        refused(db, Files.createDirectories(tmp.resolve("empty")).resolve("conversations.db"),
                "holds no conversations");
        refused(db, tmp.resolve("unmounted/conversations.db"), "does not exist (is the disk mounted?)");
        refused(db, db, "is the database file itself");
    }

    @Test
    void anOlderCopyOfTheConversationsFileIsRefused() throws Exception {
        Path db = tmp.resolve("mine.db");
        Path mine = Files.createDirectories(tmp.resolve("d")).resolve("conversations.db");
        assertEquals(Main.OK, CliRun.of("migrate", "--db", db.toString(), "--set",
                "taclog.db.conversations=" + mine).code());
        Sql.exec(db, "UPDATE conversations_link SET seq = seq + 5"); // the main file five commits further
        refused(db, mine, "an older or newer copy of the file");
    }

    @Test
    void theSidecarStartsWithoutOnlyItsOwnFileThatIsAway() throws Exception {
        Path db = tmp.resolve("mine.db");
        Path mine = Files.createDirectories(tmp.resolve("d")).resolve("conversations.db");
        assertEquals(Main.OK, CliRun.of("migrate", "--db", db.toString(), "--set",
                "taclog.db.conversations=" + mine).code());
        Path theirs = DemoDatabase.tac8Split().db().path().getParent().resolve("external/conversations.db");
        Path notes = Files.writeString(tmp.resolve("notes.txt"), "not a database\n", StandardCharsets.UTF_8);
        Map<String, String> before = Fingerprint.of(tmp);
        // what is there and is not this database's file is refused for the sidecar too
        for (Path file : List.of(theirs, notes, db)) {
            java.sql.SQLException e = org.junit.jupiter.api.Assertions.assertThrows(ConversationsFileRefused.class,
                    () -> Database.open(db, settings(file), true).close());
            assertFalse(e instanceof ConversationsFileAway, file + ": " + e.getMessage());
        }
        // a new layout whose disk is not mounted: nothing to be away from
        java.sql.SQLException e = org.junit.jupiter.api.Assertions.assertThrows(ConversationsFileRefused.class,
                () -> Database.open(tmp.resolve("new.db"), settings(tmp.resolve("unmounted/c.db")), true).close());
        assertFalse(e instanceof ConversationsFileAway, e.getMessage());
        assertEquals(before, Fingerprint.of(tmp), "nothing written");
        // its own file, away: the sidecar opens without it, every other writer refuses
        Path away = tmp.resolve("unmounted/conversations.db");
        try (Database d = Database.open(db, settings(away), true)) {
            assertTrue(d.conversationsAway());
        }
        CliRun migrate = CliRun.of("migrate", "--db", db.toString(), "--set", "taclog.db.conversations=" + away);
        assertEquals(Main.USAGE, migrate.code(), migrate.err());
        assertTrue(migrate.err().contains("`taclog run` starts without it"), migrate.err());
        assertFalse(Files.exists(away.getParent()), "taclog never creates the directory");
    }

    private static DatabaseSettings settings(Path conversations) {
        DatabaseSettings d = DatabaseSettings.defaults();
        return new DatabaseSettings(d.busyTimeoutMillis(), d.retryInitialMillis(), d.retryMaxMillis(), d.cacheKib(),
                d.pageSize(), conversations);
    }

    /** The command exits 2 naming the problem, and no file under the temporary folder changed. */
    private void refused(Path db, Path file, String problem) {
        Map<String, String> before = Fingerprint.of(tmp);
        boolean existed = Files.exists(db);
        CliRun run = CliRun.of("migrate", "--db", db.toString(), "--set", "taclog.db.conversations=" + file);
        assertEquals(Main.USAGE, run.code(), run.out() + run.err());
        assertTrue(run.err().contains("taclog.db.conversations") && run.err().contains(problem), run.err());
        assertEquals(before, Fingerprint.of(tmp), "nothing written");
        assertEquals(existed, Files.exists(db));
    }

    /** What a database holds, whichever layout: rows per table and the conversations and token sums themselves. */
    record Facts(Map<String, Long> rows, List<Map<String, Object>> conversations, List<Map<String, Object>> tokens) {
        static Facts of(Path db) {
            Map<String, Long> rows = new java.util.TreeMap<>();
            for (String t : io.taclog.maintenance.Tables.MAIN) {
                if (!io.taclog.search.SearchIndex.STORAGE_TABLES.contains(t)
                        && Sql.scalar(db, "SELECT COUNT(*) FROM pragma_table_list WHERE name = ?", t) > 0) {
                    rows.put(t, Sql.scalar(db, "SELECT COUNT(*) FROM " + t));
                }
            }
            assertFalse(rows.isEmpty());
            // a note on the order the backfill read the files in (streams re-paired with their spawns), which a
            // restart changes; the pairing it notes is compared through the conversations' workers below
            rows.put("system_events", Sql.scalar(db, "SELECT COUNT(*) FROM system_events WHERE event_type <> "
                    + "'workers_relinked' AND event_type NOT LIKE 'conversations\\_%' ESCAPE '\\'"));
            // message_index is arrival order, which depends on the order files were read in (batch sizes, a
            // restart): the rows are compared by their natural key, and each worker's indexes must be distinct
            List<Map<String, Object>> conversations = new java.util.ArrayList<>(Sql.rows(db, "SELECT worker_id, "
                    + "dedup_key, timestamp, role, content, content_type, tool_name, tool_input, tool_output, "
                    + "tool_success, tool_latency_ms, time_source, is_sidechain, agent_session_id FROM conversations "
                    + "ORDER BY worker_id, dedup_key"));
            conversations.addAll(Sql.rows(db, "SELECT worker_id, COUNT(*) AS blocks, COUNT(DISTINCT message_index) "
                    + "AS indexes FROM conversations GROUP BY worker_id ORDER BY worker_id"));
            return new Facts(rows, conversations,
                    Sql.rows(db, "SELECT worker_id, COUNT(*), SUM(tokens_total), SUM(estimated_cost_usd) FROM "
                            + "api_calls GROUP BY worker_id ORDER BY worker_id"));
        }
    }
}
