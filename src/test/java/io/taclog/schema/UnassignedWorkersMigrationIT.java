package io.taclog.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.sink.Database;
import io.taclog.sink.DatabaseSettings;
import io.taclog.testing.Sql;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V008 rebuilds worker_sessions with a nullable task_id and takes the placeholder tasks made from stream keys
 * away from the workers of a database written by schema v7.
 */
class UnassignedWorkersMigrationIT {

    private static final String AT = "'2026-01-02T03:04:05.000Z'";

    @TempDir
    Path tmp;

    private Path file;

    @BeforeEach
    void aVersionSevenDatabase() throws Exception {
        file = tmp.resolve("v7.db");
        try (Database db = Database.open(file, DatabaseSettings.defaults())) {
            Migrator.migrate(db, 7);
        }
        Sql.exec(file,
                "INSERT INTO coordinator_sessions(session_id, started_at) VALUES ('ses-1', " + AT + ")",
                "INSERT INTO coordinator_sessions(session_id, started_at) VALUES ('no-coordinator', " + AT + ")",
                task("gh-1", "ses-1", "github"),
                task("gh-450", "no-coordinator", "transcript"), // named by a worktree path: evidence
                task("sess-a", "no-coordinator", "transcript"), // made from worker A's session id
                task("file:/logs/stderr-only.log", "no-coordinator", "transcript"), // worker B, no session id
                task("sess-c", "no-coordinator", "transcript"), // worker C's, but a PR completed it
                task("sess-orphan", "no-coordinator", "transcript"), // its worker was claimed, it was left behind
                task("sess-e", "ses-1", "work-queue"), // a real task whose id happens to be a session id
                worker("w-1", "ses-1", "gh-1", "coordinator", "sess-orphan", 3),
                worker("sess-a", "no-coordinator", "sess-a", "transcript", "sess-a", 1),
                worker("stderr-only", "no-coordinator", "file:/logs/stderr-only.log", "transcript", null, 2),
                worker("sess-c", "no-coordinator", "sess-c", "transcript", "sess-c", 1),
                worker("gh-450", "no-coordinator", "gh-450", "transcript", "sess-h", 2),
                worker("sess-e", "no-coordinator", "sess-e", "transcript", "sess-e", 1),
                stream("sess-a", "sess-a"), stream("file:/logs/stderr-only.log", "stderr-only"),
                stream("sess-c", "sess-c"), stream("sess-h", "gh-450"), stream("sess-orphan", "w-1"),
                stream("sess-e", "sess-e"),
                "INSERT INTO task_status_history(task_id, session_id, timestamp, time_source, to_status, source, "
                        + "worker_id) VALUES ('sess-c', 'no-coordinator', " + AT + ", 'recorded', 'completed', "
                        + "'transcript', 'sess-c')",
                event("sess-a", "sess-a"), event("gh-450", "gh-450"), event("sess-c", "sess-c"));
    }

    @Test
    void keepsTheTableItsIndexesAndItsViewAndAllowsANullTask() throws Exception {
        List<Map<String, Object>> columnsBefore = columns();
        List<Map<String, Object>> indexesBefore = indexes();
        List<Map<String, Object>> rowsBefore = Sql.rows(file, "SELECT rowid, * FROM worker_sessions ORDER BY rowid");

        migrateToVersion8();

        List<Map<String, Object>> columnsAfter = columns();
        assertEquals(columnsBefore.size(), columnsAfter.size());
        for (int i = 0; i < columnsBefore.size(); i++) {
            Map<String, Object> expected = new LinkedHashMap<>(columnsBefore.get(i));
            if ("task_id".equals(expected.get("name"))) {
                assertEquals(1, ((Number) expected.get("notnull")).intValue(), "v7 declared it NOT NULL");
                expected.put("notnull", 0);
            }
            assertEquals(expected, columnsAfter.get(i), "column " + i + ": same name, type, default, order");
        }
        assertEquals(indexesBefore, indexes(), "every index with its exact definition, the partial one too");
        assertEquals(1, Sql.scalar(file, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'view' "
                + "AND name = 'unlinked_records'"));
        assertEquals(5, Sql.scalar(file, "SELECT COUNT(*) FROM unlinked_records WHERE kind = 'worker'"));
        List<Map<String, Object>> rowsAfter = Sql.rows(file, "SELECT rowid, * FROM worker_sessions ORDER BY rowid");
        assertEquals(rowsBefore.size(), rowsAfter.size());
        for (int i = 0; i < rowsBefore.size(); i++) {
            Map<String, Object> before = new LinkedHashMap<>(rowsBefore.get(i));
            Map<String, Object> after = new LinkedHashMap<>(rowsAfter.get(i));
            before.remove("task_id");
            after.remove("task_id");
            assertEquals(before, after, "every other column of every worker copied, rowid included");
        }
        assertEquals("ok", Sql.rows(file, "PRAGMA integrity_check").get(0).values().iterator().next());

        Sql.exec(file, "UPDATE worker_sessions SET task_id = NULL WHERE worker_id = 'gh-450'");
        IllegalStateException coordinatorWithoutTask = assertThrows(IllegalStateException.class, () -> Sql.exec(file,
                "UPDATE worker_sessions SET task_id = NULL WHERE worker_id = 'w-1'"));
        assertTrue(String.valueOf(coordinatorWithoutTask.getCause()).contains("CHECK constraint failed"),
                "a coordinator's worker has a task: " + coordinatorWithoutTask.getCause());
    }

    @Test
    void unassignsTheWorkersOfStreamKeyPlaceholdersAndDropsThePlaceholdersNothingElseNames() throws Exception {
        migrateToVersion8();

        assertEquals(Map.of("w-1", "gh-1", "gh-450", "gh-450", "sess-e", "sess-e", "sess-a", "-",
                "stderr-only", "-", "sess-c", "-"), taskOfEachWorker());
        assertEquals(List.of("gh-1", "gh-450", "sess-c", "sess-e"), Sql.rows(file,
                "SELECT task_id FROM tasks ORDER BY task_id").stream().map(r -> r.get("task_id")).toList(),
                "session-id and file placeholders go; the path's task, the real task and the one a PR completed stay");
        assertEquals(1, Sql.scalar(file, "SELECT COUNT(*) FROM task_status_history WHERE task_id = 'sess-c'"));
        List<Map<String, Object>> events = Sql.rows(file,
                "SELECT worker_id, task_id FROM system_events ORDER BY worker_id");
        assertEquals(List.of(Map.of("worker_id", "gh-450", "task_id", "gh-450")),
                events.stream().filter(e -> e.get("task_id") != null).toList(),
                "an event that copied its worker's placeholder drops it with the worker");
        assertEquals(3, events.size());
        assertEquals(6, Sql.scalar(file, "SELECT COUNT(*) FROM worker_sessions"), "no worker lost");
    }

    private void migrateToVersion8() throws Exception {
        try (Database db = Database.open(file, DatabaseSettings.defaults())) {
            assertEquals(List.of(8), Migrator.migrate(db, 8), "the migration under test, from version 7");
        }
    }

    private Map<String, Object> taskOfEachWorker() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map<String, Object> r : Sql.rows(file, "SELECT worker_id, COALESCE(task_id, '-') AS task "
                + "FROM worker_sessions")) {
            out.put((String) r.get("worker_id"), r.get("task"));
        }
        return out;
    }

    private List<Map<String, Object>> columns() {
        return Sql.rows(file, "SELECT cid, name, type, \"notnull\", dflt_value, pk "
                + "FROM pragma_table_info('worker_sessions') ORDER BY cid");
    }

    private List<Map<String, Object>> indexes() {
        return Sql.rows(file, "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                + "AND tbl_name = 'worker_sessions' ORDER BY name");
    }

    private static String task(String id, String session, String source) {
        return "INSERT INTO tasks(task_id, session_id, detected_at, source, status) VALUES ('" + id + "', '" + session
                + "', " + AT + ", '" + source + "', 'observed')";
    }

    private static String worker(String id, String session, String task, String origin, String agentSession,
                                 int quality) {
        return "INSERT INTO worker_sessions(worker_id, session_id, task_id, spawned_at, status, origin, name_quality, "
                + "agent_session_id, reported_cost_usd) VALUES ('" + id + "', '" + session + "', '" + task + "', " + AT
                + ", 'running', '" + origin + "', " + quality + ", "
                + (agentSession == null ? "NULL" : "'" + agentSession + "'") + ", "
                + ("w-1".equals(id) ? "1.25" : "NULL") + ")";
    }

    private static String stream(String key, String worker) {
        return "INSERT INTO agent_sessions(agent_session_id, worker_id, first_seen_at, linked_by) VALUES ('" + key
                + "', '" + worker + "', " + AT + ", 'transcript')";
    }

    private static String event(String worker, String task) {
        return "INSERT INTO system_events(session_id, timestamp, event_type, severity, message, worker_id, task_id) "
                + "VALUES ('no-coordinator', " + AT + ", 'worker_output', 'info', 'worker " + worker + " said', '"
                + worker + "', '" + task + "')";
    }
}
