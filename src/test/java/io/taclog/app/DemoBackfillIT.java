package io.taclog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.cli.Main;
import io.taclog.testing.coordinator.Db;
import io.taclog.testing.coordinator.DemoDatabase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's first command over samples/taclog.properties: the demo's questions answered from the
 * database it builds (cost by task, the preserved-worktree task's timeline, a decision chain, the
 * session's errors with their tracebacks, active sessions), and the same story told as JSONL events
 * giving the same tasks, workers and costs.
 */
class DemoBackfillIT {

    private static Db demo() {
        DemoDatabase.Built b = DemoDatabase.tac8();
        assertEquals(Main.OK, b.code(), b.err());
        return b.db();
    }

    @Test
    void theBackfillReadsEveryLineAndQuarantinesOnlyWhatTac8Mangled() {
        DemoDatabase.Built b = DemoDatabase.tac8();
        assertEquals(Main.OK, b.code(), b.err());
        assertTrue(b.out().contains("coordinator times:"), b.out());
        Db db = b.db();
        assertEquals(db.count("SELECT SUM(lines_read) FROM ingest_ledger"),
                db.count("SELECT SUM(lines_with_rows + lines_skipped + lines_rejected) FROM ingest_ledger"));
        assertTrue(db.count("SELECT SUM(nul_bytes_skipped) FROM ingest_ledger") > 0,
                "the worker log of the looping task has NUL holes (TAC-8 truncates it under running workers)");
        assertEquals(1, db.count("SELECT COUNT(*) FROM work_queue_snapshots"));
    }

    @Test
    void costByTaskCountsEveryWorkerAndSubagent() {
        Db db = demo();
        List<Map<String, Object>> rows = db.rows("SELECT t.task_id, COUNT(DISTINCT ws.worker_id) AS workers, "
                + "SUM(ac.estimated_cost_usd) AS cost, SUM(ac.is_sidechain) AS subagent_calls FROM tasks t "
                + "JOIN worker_sessions ws ON ws.task_id = t.task_id JOIN api_calls ac ON ac.worker_id = ws.worker_id "
                + "GROUP BY t.task_id ORDER BY cost DESC");
        assertEquals(List.of("gh-603", "gh-601", "gh-602"), rows.stream().map(r -> r.get("task_id")).toList());
        assertEquals(3, rows.get(0).get("workers"), "the three spawns of the looping task each ran an agent");
        assertEquals(2, rows.get(1).get("subagent_calls"), "the Explore subagent's two calls belong to gh-601");
        double total = rows.stream().mapToDouble(r -> ((Number) r.get("cost")).doubleValue()).sum();
        double reported = ((Number) db.row("SELECT SUM(reported_cost_usd) AS c FROM worker_sessions").get("c"))
                .doubleValue();
        // 34 API responses in the session files, priced at sonnet-4-5 3/15/0.30/3.75 and haiku-4-5 1/5/0.10/1.25 $/M
        assertEquals(0.543654, total, 1e-6, "the price table's estimate of every call, each counted once");
        assertEquals(34, db.count("SELECT COUNT(*) FROM api_calls"));
        double reportedOfFinished = ((Number) db.row("SELECT SUM(reported_cost_usd) AS c FROM worker_sessions WHERE "
                + "reported_cost_usd IS NOT NULL").get("c")).doubleValue();
        assertEquals(reported, reportedOfFinished, 1e-9);
        assertTrue(reported < total, "the crashed worker never reported a total; its calls are still counted");
        assertEquals(0, db.count("SELECT COUNT(*) FROM api_calls WHERE source = 'coordinator-api-log'"),
                "the coordinator's own api-calls line is superseded by the transcript");
    }

    @Test
    void theFullTimelineOfThePreservedWorktreeTask() {
        Db db = demo();
        String task = db.text("SELECT DISTINCT task_id FROM worktree_operations WHERE operation = 'preserve'");
        assertEquals("gh-603", task);
        List<Map<String, Object>> timeline =
                db.rows("SELECT 'task_detected' AS event, detected_at AS timestamp FROM tasks "
                + "WHERE task_id = ?1 UNION ALL SELECT 'worker_spawned', spawned_at FROM worker_sessions WHERE "
                + "task_id = ?1 UNION ALL SELECT 'worktree_' || operation, timestamp FROM worktree_operations WHERE "
                + "task_id = ?1 UNION ALL SELECT 'status_' || to_status, timestamp FROM task_status_history WHERE "
                + "task_id = ?1 UNION ALL SELECT 'api_call', ac.timestamp FROM api_calls ac JOIN worker_sessions ws "
                + "ON ac.worker_id = ws.worker_id WHERE ws.task_id = ?1 ORDER BY timestamp", task);
        List<String> events = timeline.stream().map(r -> (String) r.get("event")).toList();
        assertEquals("task_detected", events.get(0));
        assertEquals(3, events.stream().filter("worker_spawned"::equals).count());
        assertTrue(events.containsAll(List.of("worktree_create", "worktree_check", "worktree_preserve",
                "worktree_remove")),
                events.toString());
        List<String> statuses = events.stream().filter(e -> e.startsWith("status_")).toList();
        assertEquals("status_completed", statuses.get(statuses.size() - 1), "the PR ends the story: " + events);
        assertTrue(events.indexOf("worktree_preserve") < events.indexOf("worktree_remove"));
        assertTrue(events.stream().filter("api_call"::equals).count() >= 15);
        for (int i = 1; i < timeline.size(); i++) {
            assertTrue(((String) timeline.get(i - 1).get("timestamp"))
                    .compareTo((String) timeline.get(i).get("timestamp"))
                    <= 0, "ordered by time");
        }
        assertTrue(((String) timeline.get(0).get("timestamp")).startsWith("2025-11-05T17:0"),
                "estimated and recorded times of the same morning, not the time the backfill ran");
    }

    @Test
    void theDecisionChainOfATaskWithItsInputs() {
        Db db = demo();
        List<Map<String, Object>> chain =
                db.rows("SELECT * FROM logic_flow WHERE context_id = 'gh-602' ORDER BY timestamp");
        assertEquals(List.of("spawn_worker", "retry_backoff_wait", "retry_backoff_wait", "retry_backoff_wait", "retry",
                "spawn_worker"), chain.stream().map(r -> r.get("decision_point")).toList());
        assertTrue(((String) chain.get(0).get("decision_output")).contains("\"launched\":false"));
        assertEquals(List.of("89", "54", "19"), chain.subList(1, 4).stream().map(r -> (String) r.get("decision_input"))
                .map(s -> s.replaceAll(".*\"remaining_s\":(\\d+).*", "$1")).toList());
        assertTrue(((String) chain.get(5).get("decision_output")).contains("\"worker_id\":\"w-e2f6a3\""));
        assertTrue(chain.stream().allMatch(r -> "estimated".equals(r.get("time_source"))
                || "recorded".equals(r.get("time_source"))));
    }

    @Test
    void theSessionsErrorsWithTheirTracebacks() {
        Db db = demo();
        String session = db.text("SELECT session_id FROM coordinator_sessions WHERE source = 'coordinator-log'");
        List<Map<String, Object>> errors =
                db.rows("SELECT event_type, message, stack_trace, details FROM system_events "
                + "WHERE session_id = ? AND severity IN ('error', 'critical') ORDER BY timestamp", session);
        List<String> types = errors.stream().map(r -> (String) r.get("event_type")).toList();
        assertTrue(types.containsAll(List.of("git_error", "launch_failed", "main_loop_error", "worker_error")),
                types.toString());
        Map<String, Object> loop = errors.stream().filter(r -> "main_loop_error".equals(r.get("event_type")))
                .findFirst().orElseThrow();
        String trace = (String) loop.get("stack_trace");
        assertNotNull(trace);
        assertTrue(trace.startsWith("Traceback (most recent call last):") && trace.endsWith(
                "json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)"), trace);
        assertTrue(((String) loop.get("details")).contains("\"real_exit_code\":1"), "the gh call's real exit status");
    }

    @Test
    void noSessionIsActiveAfterTheShutdownAndTheSpawnLoopIsReportedOnce() {
        Db db = demo();
        assertEquals(0, db.count("SELECT COUNT(*) FROM coordinator_sessions WHERE ended_at IS NULL"));
        assertEquals("signal",
                db.text("SELECT exit_reason FROM coordinator_sessions WHERE source = 'coordinator-log'"));
        assertEquals(1, db.count("SELECT COUNT(*) FROM system_events WHERE event_type = 'spawn_loop'"));
        assertEquals(1,
                db.count("SELECT COUNT(*) FROM system_events WHERE event_type = "
                        + "'worktree_removed_under_running_worker'"));
        assertEquals(List.of("completed", "completed", "completed"),
                db.column("SELECT status FROM tasks ORDER BY task_id"));
        assertEquals(List.of("612", "617", "615"), db.column("SELECT pr_number FROM tasks ORDER BY task_id"));
    }

    @Test
    void eachTranscriptStreamBelongsToTheWorkerThatRanItThoughTheBackfillReadThemOutOfOrder() throws Exception {
        Db db = demo();
        // ground truth the linker never reads: Claude's session files name the git branch, auto/<worker id>
        java.nio.file.Path projects = java.nio.file.Path.of("samples/tac8-demo/projects");
        List<Map<String, Object>> linked = db.rows("SELECT worker_id, agent_session_id FROM worker_sessions WHERE "
                + "agent_session_id IS NOT NULL ORDER BY worker_id");
        assertEquals(5, linked.size());
        for (Map<String, Object> w : linked) {
            java.nio.file.Path file;
            try (var files = java.nio.file.Files.walk(projects)) {
                file = files.filter(f -> f.getFileName().toString().equals(w.get("agent_session_id") + ".jsonl"))
                        .findFirst().orElseThrow();
            }
            String first = java.nio.file.Files.readAllLines(file).get(0);
            assertTrue(first.contains("\"gitBranch\": \"auto/" + w.get("worker_id") + "\""), w + " in " + file);
        }
        assertEquals("w-c7e019", db.text("SELECT worker_id FROM system_events WHERE event_type = 'pr_created' AND "
                + "task_id = 'gh-603'"), "the third spawn opened the PR");
        assertEquals("w-c7e019", db.text("SELECT worker_id FROM task_status_history WHERE task_id = 'gh-603' AND "
                + "to_status = 'completed' AND derived = 1"));
        assertEquals(1, db.count("SELECT COUNT(*) FROM system_events WHERE event_type = 'workers_relinked' AND "
                + "derived = 1 AND task_id = 'gh-603'"), "the re-pairing is kept with its evidence");
        assertEquals(0, db.count("SELECT COUNT(*) FROM worker_sessions w WHERE w.agent_session_id IS NOT NULL AND "
                + "EXISTS (SELECT 1 FROM conversations c WHERE c.agent_session_id = w.agent_session_id AND "
                + "c.worker_id <> w.worker_id)"), "every row of a stream moved with it");
        assertEquals(0, db.count("SELECT COUNT(*) FROM worker_sessions WHERE last_activity_at > '2025-11-06'"),
                "last activity is the data's time, not the time the backfill read the stream-json copy");
    }

    @Test
    void theSameStoryAsJsonlEventsGivesTheSameTasksWorkersAndCosts() {
        Db tac8 = demo();
        DemoDatabase.Built e = DemoDatabase.events();
        assertEquals(Main.OK, e.code(), e.err());
        Db events = e.db();
        for (String q : List.of("SELECT task_id, status, pr_number FROM tasks ORDER BY task_id",
                "SELECT worker_id, task_id, pid, branch_name FROM worker_sessions ORDER BY worker_id",
                "SELECT t.task_id, ROUND(SUM(ac.estimated_cost_usd), 6) FROM tasks t JOIN worker_sessions ws ON "
                        + "ws.task_id = t.task_id JOIN api_calls ac ON ac.worker_id = ws.worker_id GROUP BY t.task_id",
                "SELECT worker_id, agent_session_id, reported_cost_usd FROM worker_sessions ORDER BY worker_id",
                "SELECT worker_id, ROUND(SUM(estimated_cost_usd), 6) FROM api_calls GROUP BY worker_id",
                "SELECT worker_id, task_id FROM system_events WHERE event_type = 'pr_created' ORDER BY task_id",
                "SELECT COUNT(*) FROM worktree_operations WHERE operation = 'preserve'",
                "SELECT COUNT(*) FROM system_events WHERE event_type = 'spawn_loop'")) {
            assertEquals(tac8.rows(q), events.rows(q), q);
        }
        assertEquals("recorded", events.text("SELECT DISTINCT time_source FROM worker_sessions"));
        assertEquals(0, events.count("SELECT COUNT(*) FROM ingest_rejects"));
    }
}
