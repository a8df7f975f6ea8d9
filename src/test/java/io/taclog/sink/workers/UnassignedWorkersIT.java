package io.taclog.sink.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.taclog.cli.Main;
import io.taclog.testing.SharedSamples;
import io.taclog.testing.Sql;
import io.taclog.testing.transcripts.StreamJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transcript reaches a task only by evidence: the coordinator's record of its worker, or a task its path names.
 * Without either its worker stays unassigned (task_id NULL), and no task is made up from its session id.
 */
class UnassignedWorkersIT {

    private static final String MODEL = "claude-sonnet-4-5-20250929";
    /** A real Claude Code transcript (file name and session id 5c0375b4-...) in a folder that names no task. */
    private static final String REAL = "claude-transcript/ccviewer-v1.0.x-5c0375b4-57a5-4f26-b12d-d022ee4e51b7.jsonl";
    private static final String REAL_SESSION = "5c0375b4-57a5-4f26-b12d-d022ee4e51b7";

    @TempDir
    Path tmp;

    @Test
    void aTranscriptNothingLinksKeepsNoTaskAndMakesNone() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("agents"));
        Files.copy(SharedSamples.require(REAL), dir.resolve(SharedSamples.require(REAL).getFileName()));
        Path db = tmp.resolve("a.db");
        backfill(db, "--watch", dir.toString());

        List<Map<String, Object>> workers = Sql.rows(db, "SELECT worker_id, task_id, agent_session_id, session_id "
                + "FROM worker_sessions");
        assertEquals(1, workers.size(), workers.toString());
        assertEquals(REAL_SESSION, workers.get(0).get("agent_session_id"));
        assertNull(workers.get(0).get("task_id"), "no session id in the task column");
        assertEquals(WorkerLinker.NO_COORDINATOR, workers.get(0).get("session_id"));
        assertEquals(0L, Sql.scalar(db, "SELECT COUNT(*) FROM tasks"), "no placeholder task");
        assertEquals(20L, Sql.scalar(db, "SELECT COUNT(*) FROM api_calls a JOIN worker_sessions w USING (worker_id) "
                + "WHERE w.task_id IS NULL"), "its calls are stored, under the unassigned worker");
        assertEquals(1L, Sql.scalar(db, "SELECT COUNT(*) FROM unlinked_records WHERE kind = 'worker'"));
    }

    @Test
    void aTaskThePathNamesIsEvidenceAndKeepsItsPlaceholder() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("repo/trees/gh-450"));
        write(dir.resolve("session.jsonl"), new StreamJson("45045045-0000-4000-8000-000000000001"), "msg_01H");
        Path db = tmp.resolve("h.db");
        backfill(db, "--watch", tmp.resolve("repo").toString());

        assertEquals("gh-450", Sql.rows(db, "SELECT task_id FROM worker_sessions").get(0).get("task_id"));
        assertEquals(List.of(Map.of("task_id", "gh-450", "source", "transcript", "issue_number", 450)),
                Sql.rows(db, "SELECT task_id, source, issue_number FROM tasks"));
    }

    @Test
    void theCoordinatorsTaskWhenItsSpawnIsReadFirst() throws IOException {
        Path db = tmp.resolve("c.db");
        backfill(db, "--coordinator-events", events().toString());
        backfill(db, "--coordinator-events", events().toString(), "--watch", transcripts().toString());
        assertClaimed(db);
    }

    @Test
    void theCoordinatorsTaskWhenTheTranscriptIsReadFirst() throws IOException {
        Path db = tmp.resolve("t.db");
        Path dir = transcripts();
        backfill(db, "--watch", dir.toString());
        assertEquals(List.of(Map.of("worker_id", "w-77", "origin", "transcript")), Sql.rows(db,
                "SELECT worker_id, origin FROM worker_sessions WHERE task_id IS NULL"), "unassigned until claimed");
        assertEquals(0L, Sql.scalar(db, "SELECT COUNT(*) FROM tasks"));

        backfill(db, "--coordinator-events", events().toString(), "--watch", dir.toString());
        assertClaimed(db);
    }

    @Test
    void aStatusForAnUnassignedWorkerStillAppliesRatherThanWaitingForASpawn() throws IOException {
        Path db = tmp.resolve("s.db");
        backfill(db, "--watch", transcripts().toString());
        Path status = Files.writeString(tmp.resolve("status.jsonl"), String.join("\n", List.of(
                "{\"event\":\"start_session\",\"ts\":\"2025-11-05T09:00:00Z\",\"session_id\":\"ses-7\"}",
                "{\"event\":\"worker_status_change\",\"ts\":\"2025-11-05T09:05:00Z\",\"session_id\":\"ses-7\","
                        + "\"worker_id\":\"w-77\",\"status\":\"failed\",\"exit_code\":1}")) + "\n");
        backfill(db, "--coordinator-events", status.toString());

        assertEquals(List.of(Map.of("status", "failed", "exit_code", 1)), Sql.rows(db,
                "SELECT status, exit_code FROM worker_sessions WHERE task_id IS NULL"));
        assertEquals(0L, Sql.scalar(db, "SELECT COUNT(*) FROM deferred_facts"), "the worker exists: nothing waits");
    }

    @Test
    void aPullRequestOfAnUnassignedWorkerIsKeptAsEvidenceWithoutCompletingATask() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("agents"));
        StreamJson s = new StreamJson("12121212-0000-4000-8000-000000000012");
        Files.writeString(dir.resolve("pr.jsonl"), String.join("\n", List.of(s.init(MODEL, "/srv/repo"),
                s.toolUse("msg_01PR", MODEL, "toolu_01PR", "Bash", 10, 20, 0, 0)
                        .replace("\"command\":\"true\"", "\"command\":\"gh pr create --fill\""),
                s.toolResult("toolu_01PR", "https://github.com/acme/app/pull/12\n", false))) + "\n");
        Path db = tmp.resolve("pr.db");
        backfill(db, "--watch", dir.toString());

        List<Map<String, Object>> events = Sql.rows(db, "SELECT worker_id, task_id FROM system_events "
                + "WHERE event_type = 'pr_created'");
        assertEquals(1, events.size(), "the PR is seen");
        assertEquals("pr", events.get(0).get("worker_id"));
        assertNull(events.get(0).get("task_id"));
        assertEquals(0L, Sql.scalar(db, "SELECT COUNT(*) FROM task_status_history"), "no task to complete");
        assertEquals(0L, Sql.scalar(db, "SELECT COUNT(*) FROM tasks"));
    }

    private static void assertClaimed(Path db) {
        assertEquals(List.of(Map.of("worker_id", "w-77", "task_id", "gh-77", "origin", "coordinator")),
                Sql.rows(db, "SELECT worker_id, task_id, origin FROM worker_sessions"));
        assertEquals(List.of(Map.of("task_id", "gh-77")), Sql.rows(db, "SELECT task_id FROM tasks"),
                "the coordinator's task and no other");
        assertEquals(1L, Sql.scalar(db, "SELECT COUNT(*) FROM api_calls a JOIN worker_sessions w USING (worker_id) "
                + "WHERE w.task_id = 'gh-77'"));
    }

    /** The coordinator's record of worker w-77 of gh-77; its log file's directory is not the one the sidecar sees. */
    private Path events() throws IOException {
        return Files.writeString(tmp.resolve("events.jsonl"), String.join("\n", List.of(
                "{\"event\":\"start_session\",\"ts\":\"2025-11-05T09:00:00Z\",\"session_id\":\"ses-7\"}",
                "{\"event\":\"task_detected\",\"ts\":\"2025-11-05T09:00:01Z\",\"session_id\":\"ses-7\","
                        + "\"task_id\":\"gh-77\",\"title\":\"Fix the lexer\"}",
                "{\"event\":\"worker_spawn\",\"ts\":\"2025-11-05T09:00:03Z\",\"session_id\":\"ses-7\","
                        + "\"worker_id\":\"w-77\",\"task_id\":\"gh-77\",\"pid\":4277,"
                        + "\"log_file\":\"/srv/out/w-77.jsonl\"}")) + "\n");
    }

    /** w-77's transcript where the sidecar sees it: a folder that names no task. */
    private Path transcripts() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("mnt/out"));
        write(dir.resolve("w-77.jsonl"), new StreamJson("77777777-0000-4000-8000-000000000077"), "msg_01W77");
        return dir;
    }

    static void write(Path file, StreamJson s, String message) throws IOException {
        Files.writeString(file, String.join("\n", List.of(s.init(MODEL, "/srv/repo"),
                s.text(message, MODEL, "done", 10, 200, 5000, 0))) + "\n");
    }

    static void backfill(Path db, String... sources) {
        String[] args = new String[sources.length + 4];
        args[0] = "backfill";
        args[1] = "--db";
        args[2] = db.toString();
        System.arraycopy(sources, 0, args, 3, sources.length);
        args[args.length - 1] = "--no-progress";
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(sink, true, StandardCharsets.UTF_8),
                new PrintStream(sink, true, StandardCharsets.UTF_8));
        assertEquals(Main.OK, code, sink.toString(StandardCharsets.UTF_8));
    }
}
