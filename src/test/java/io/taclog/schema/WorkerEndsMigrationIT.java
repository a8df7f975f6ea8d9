package io.taclog.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taclog.sink.Database;
import io.taclog.sink.DatabaseSettings;
import io.taclog.sink.workers.WorkerEnds;
import io.taclog.testing.Sql;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * V020 keeps a worker's end by its process and by its transcript apart: the workers of a database written by schema
 * v19, in every state its writers left them (an exit alone, a result alone, both, a failed launch), keep their
 * status, end times and failure reason, and get the two ends those were merged from. The one row v19 got wrong, a
 * successful result left on a worker the relinker took the stream from ('exited'), is derived 'completed'.
 */
class WorkerEndsMigrationIT {

    private static final String T1 = "2025-11-05T09:10:00.000Z";
    private static final String T2 = "2025-11-05T09:20:00.000Z";
    private static final String EXIT_1 = "exited with status 1";
    private static final String ERROR = "transcript result: error_max_turns";

    @TempDir
    Path tmp;

    private Path file;

    @BeforeEach
    void aVersionNineteenDatabase() throws Exception {
        file = tmp.resolve("v19.db");
        try (Database db = Database.open(file, DatabaseSettings.defaults())) {
            Migrator.migrate(db, 19);
        }
        Sql.exec(file,
                // worker, status, completed_at, failed_at, exit_code, failure_reason, exit_source, result_is_error
                row("w-000001", "spawned", null, null, null, null, null, null),
                row("w-000002", "exited", T1, null, 0, null, "coordinator-log", null),
                row("w-000003", "failed", null, T1, 1, EXIT_1, "coordinator-log", null),
                row("w-000004", "completed", T2, null, null, null, null, 0),
                row("w-000005", "completed", T1, null, 0, null, "coordinator-event", 0),
                row("w-000006", "failed", T2, T1, 1, EXIT_1, "coordinator-log", 0),
                row("w-000007", "failed", T1, T2, 0, ERROR, "coordinator-event", 1),
                row("w-000008", "failed", null, T1, 1, ERROR, "coordinator-log", 1),
                row("w-000009", "failed", null, T2, null, ERROR, null, 1),
                // the relink bug of v19: the stream with this successful result was moved away, its end stayed
                row("w-00000a", "exited", T1, null, 0, null, "coordinator-log", 0),
                "INSERT INTO worker_sessions(worker_id, session_id, task_id, spawned_at, status, failed_at, "
                        + "failure_reason, failure_type, exit_source, origin, name_quality) VALUES ('w-00000b', "
                        + "'ses-1', 'gh-1', '" + T1 + "', 'failed', '" + T1 + "', 'launch failed: exit 128', "
                        + "'launch_failed', 'coordinator-log', 'coordinator', 3)",
                "INSERT INTO worker_sessions(worker_id, session_id, task_id, spawned_at, status, origin, "
                        + "name_quality) VALUES ('sess-1', 'no-coordinator', NULL, '" + T1 + "', 'running', "
                        + "'transcript', 1)",
                "INSERT INTO pending_estimates(table_name, row_key, column_name, file_id, line_offset, stamped) "
                        + "VALUES ('worker_sessions', 'w-000002', 'completed_at', 1, 100, '" + T1 + "'), "
                        + "('worker_sessions', 'w-000003', 'failed_at', 1, 200, '" + T1 + "'), "
                        + "('worker_sessions', 'w-000002', 'spawned_at', 1, 50, '" + T1 + "')");
    }

    private static String row(String worker, String status, String completedAt, String failedAt, Integer exitCode,
                              String reason, String exitSource, Integer resultIsError) {
        return "INSERT INTO worker_sessions(worker_id, session_id, task_id, spawned_at, status, completed_at, "
                + "failed_at, exit_code, failure_reason, exit_source, result_is_error, result_subtype, origin, "
                + "name_quality, pid) VALUES ('" + worker + "', 'ses-1', 'gh-1', '2025-11-05T09:00:00.000Z', '"
                + status + "', " + q(completedAt) + ", " + q(failedAt) + ", " + exitCode + ", " + q(reason) + ", "
                + q(exitSource) + ", " + resultIsError + ", " + (resultIsError == null ? "NULL"
                        : resultIsError == 1 ? "'error_max_turns'" : "'success'") + ", 'coordinator', 3, 4000)";
    }

    private static String q(String s) {
        return s == null ? "NULL" : "'" + s + "'";
    }

    private List<Map<String, Object>> workers(String columns) {
        return Sql.rows(file, "SELECT worker_id, " + columns + " FROM worker_sessions ORDER BY worker_id");
    }

    @Test
    void everyWorkerKeepsItsEndAndGetsTheTwoEndsItWasMergedFrom() throws Exception {
        List<Map<String, Object>> before = workers("status, completed_at, failed_at, failure_reason, exit_code");

        try (Database db = Database.open(file, DatabaseSettings.defaults())) {
            assertEquals(List.of(20), Migrator.migrate(db, 20), "the migration under test, from version 19");
        }

        List<Map<String, Object>> after = workers("status, completed_at, failed_at, failure_reason, exit_code");
        List<Map<String, Object>> expected = new ArrayList<>();
        for (Map<String, Object> r : before) {
            Map<String, Object> e = new LinkedHashMap<>(r);
            if ("w-00000a".equals(r.get("worker_id"))) {
                e.put("status", "completed"); // the only status v19 could not have meant
            }
            expected.add(e);
        }
        assertEquals(expected, after, "status, end times, reason and exit code of every worker");
        assertEquals(0L, Sql.scalar(file, "SELECT COUNT(*) FROM worker_sessions WHERE " + WorkerEnds.STALE),
                "every row is what the rule derives from its two ends");

        Map<String, String> ends = new LinkedHashMap<>();
        for (Map<String, Object> r : workers("process_status, process_completed_at, process_failed_at, "
                + "process_failure_reason, result_status, result_at, result_reason")) {
            List<Object> v = new ArrayList<>(r.values());
            ends.put((String) v.get(0), v.subList(1, v.size()).toString());
        }
        assertEquals("[spawned, null, null, null, null, null, null]", ends.get("w-000001"));
        assertEquals("[exited, " + T1 + ", null, null, null, null, null]", ends.get("w-000002"));
        assertEquals("[failed, null, " + T1 + ", " + EXIT_1 + ", null, null, null]", ends.get("w-000003"));
        assertEquals("[running, null, null, null, completed, " + T2 + ", null]", ends.get("w-000004"),
                "a result and no exit: the process is taken as running");
        assertEquals("[exited, " + T1 + ", null, null, completed, " + T1 + ", null]", ends.get("w-000005"),
                "both ended it: the merged (earlier) time is both ends' time");
        assertEquals("[failed, null, " + T1 + ", " + EXIT_1 + ", completed, " + T2 + ", null]", ends.get("w-000006"));
        assertEquals("[exited, " + T1 + ", null, null, failed, " + T2 + ", " + ERROR + "]", ends.get("w-000007"));
        assertEquals("[failed, null, " + T1 + ", null, failed, " + T1 + ", " + ERROR + "]", ends.get("w-000008"),
                "the exit's own reason was replaced by the result's in v19: not recoverable");
        assertEquals("[running, null, null, null, failed, " + T2 + ", " + ERROR + "]", ends.get("w-000009"));
        assertEquals("[exited, " + T1 + ", null, null, completed, " + T1 + ", null]", ends.get("w-00000a"));
        assertEquals("[failed, null, " + T1 + ", launch failed: exit 128, null, null, null]", ends.get("w-00000b"));
        assertEquals("[running, null, null, null, null, null, null]", ends.get("sess-1"));

        assertEquals(List.of(Map.of("row_key", "w-000002", "column_name", "process_completed_at"),
                Map.of("row_key", "w-000002", "column_name", "spawned_at"),
                Map.of("row_key", "w-000003", "column_name", "process_failed_at")),
                Sql.rows(file, "SELECT row_key, column_name FROM pending_estimates ORDER BY row_key, column_name"),
                "an interrupted backfill's stamps of reaper lines estimate the process's end times");
    }
}
