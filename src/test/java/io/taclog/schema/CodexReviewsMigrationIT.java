package io.taclog.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taclog.model.CodexReviewSeen;
import io.taclog.model.StreamRef;
import io.taclog.model.TimeSource;
import io.taclog.sink.Database;
import io.taclog.sink.DatabaseSettings;
import io.taclog.sink.WriteContext;
import io.taclog.sink.transcript.CodexReviewWriter;
import io.taclog.sink.workers.WorkerLinker;
import io.taclog.testing.Sql;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V017 keys codex_reviews by the line a review entry was read from: the rows of a database written by schema v16
 * keep everything they had and get a key made of their old one, which no line's key can equal.
 */
class CodexReviewsMigrationIT {

    private static final String PARENT = "019a0000-0000-7000-8000-00000000000a";
    private static final String REVIEW = "019a0000-0000-7000-8000-00000000000b";
    private static final String LONELY = "019a0000-0000-7000-8000-00000000000c";

    @TempDir
    Path tmp;

    private Path file;

    @BeforeEach
    void aVersionSixteenDatabase() throws Exception {
        file = tmp.resolve("v16.db");
        try (Database db = Database.open(file, DatabaseSettings.defaults())) {
            Migrator.migrate(db, 16);
        }
        Sql.exec(file,
                // a pair, as the v16 writer recorded it
                row("parent", PARENT, "2026-03-01T10:00:00.000Z", REVIEW),
                row("review", REVIEW, "2026-03-01T10:00:01.400Z", PARENT),
                // the same session entering review mode again later: unpaired
                row("parent", PARENT, "2026-03-01T11:00:00.000Z", null),
                // another session's entry at the very time of the first
                row("parent", LONELY, "2026-03-01T10:00:00.000Z", null));
    }

    @Test
    void keepsEveryRowAndItsRowidAndKeysItByItsOldKey() throws Exception {
        List<Map<String, Object>> before = Sql.rows(file, "SELECT rowid, * FROM codex_reviews ORDER BY rowid");

        try (Database db = Database.open(file, DatabaseSettings.defaults())) {
            assertEquals(List.of(17), Migrator.migrate(db, 17), "the migration under test, from version 16");
        }

        List<Map<String, Object>> after = Sql.rows(file, "SELECT rowid, * FROM codex_reviews ORDER BY rowid");
        assertEquals(before.size(), after.size());
        for (int i = 0; i < before.size(); i++) {
            Map<String, Object> expected = new LinkedHashMap<>(before.get(i));
            expected.put("source_line", "at " + before.get(i).get("at"));
            assertEquals(expected, after.get(i), "every column of every row, rowid included, and its key");
        }
        assertEquals(List.of("side", "agent_session_id", "source_line"), Sql.rows(file,
                "SELECT name FROM pragma_table_info('codex_reviews') WHERE pk > 0 ORDER BY pk").stream()
                .map(r -> r.get("name")).toList(), "the primary key");
        assertEquals(List.of("side", "agent_session_id", "at", "cwd", "partner_session_id", "source_line"),
                Sql.rows(file, "SELECT name FROM pragma_table_info('codex_reviews') ORDER BY cid").stream()
                        .map(r -> r.get("name")).toList(), "the columns of v16 in their order, the key last");
        assertEquals(1L, Sql.scalar(file, "SELECT \"notnull\" FROM pragma_table_info('codex_reviews') "
                + "WHERE name = 'source_line'"));
        assertEquals(List.of(Map.of("name", "idx_codex_reviews_unpaired", "sql", "CREATE INDEX "
                        + "idx_codex_reviews_unpaired ON codex_reviews(side, at) WHERE partner_session_id IS NULL")),
                Sql.rows(file, "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                        + "AND tbl_name = 'codex_reviews' AND sql IS NOT NULL"), "the partial index as v6 made it");
        assertEquals(0L, Sql.scalar(file, "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE '%codex_reviews_v17%'"));
        assertEquals("ok", Sql.rows(file, "PRAGMA integrity_check").get(0).values().iterator().next());
    }

    @Test
    void aLineReadAfterTheMigrationNeverCollidesWithAnOldRowAndPairsWithOne() throws Exception {
        try (Database db = Database.open(file, DatabaseSettings.defaults())) {
            Migrator.migrate(db);
            // two entries of the session at the time of an old row, from two lines: two rows, the old one kept
            write(db, new CodexReviewSeen(ref(PARENT), Instant.parse("2026-03-01T11:00:00Z"), TimeSource.OBSERVED,
                    null, false, "3:0"));
            write(db, new CodexReviewSeen(ref(PARENT), Instant.parse("2026-03-01T11:00:00Z"), TimeSource.OBSERVED,
                    null, false, "3:512"));
            // a review rollout beginning right after LONELY's old entry pairs with it by its old key
            write(db, new CodexReviewSeen(ref("019a0000-0000-7000-8000-00000000000d"),
                    Instant.parse("2026-03-01T10:00:00.900Z"), TimeSource.RECORDED, null, true, "4:0"));
        }
        assertEquals(List.of(
                Map.of("k", "at 2026-03-01T10:00:00.000Z", "s", PARENT, "p", REVIEW),
                Map.of("k", "at 2026-03-01T10:00:01.400Z", "s", REVIEW, "p", PARENT),
                Map.of("k", "at 2026-03-01T11:00:00.000Z", "s", PARENT, "p", "-"),
                Map.of("k", "at 2026-03-01T10:00:00.000Z", "s", LONELY, "p", "019a0000-0000-7000-8000-00000000000d"),
                Map.of("k", "3:0", "s", PARENT, "p", "-"),
                Map.of("k", "3:512", "s", PARENT, "p", "-"),
                Map.of("k", "4:0", "s", "019a0000-0000-7000-8000-00000000000d", "p", LONELY)),
                Sql.rows(file, "SELECT source_line AS k, agent_session_id AS s, COALESCE(partner_session_id, '-') "
                        + "AS p FROM codex_reviews ORDER BY rowid"));
    }

    private static void write(Database db, CodexReviewSeen f) throws Exception {
        WriteContext.transaction(db, Instant.now(), ctx -> {
            new CodexReviewWriter(new WorkerLinker()).write(f, ctx);
            return null;
        });
    }

    private static StreamRef ref(String session) {
        return new StreamRef(session, "codex", "/logs/rollout-" + session + ".jsonl", null, null);
    }

    private static String row(String side, String session, String at, String partner) {
        return "INSERT INTO codex_reviews(side, agent_session_id, at, cwd, partner_session_id) VALUES ('" + side
                + "', '" + session + "', '" + at + "', '/repo', " + (partner == null ? "NULL" : "'" + partner + "'")
                + ")";
    }
}
