package io.taclog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.cli.Main;
import io.taclog.testing.coordinator.Db;
import io.taclog.testing.coordinator.DemoDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every Key Query of the seed's section 2 and every query of its section 5.1, verbatim (a Key Query that
 * is only a WHERE or GROUP BY clause gets the SELECT of its table in front), run against the demo
 * database, with the answers the demo story implies. docs/queries.md lists the same statements.
 */
class SeedQueriesIT {

    static Db db;
    static String doc;

    @BeforeAll
    static void demo() throws Exception {
        DemoDatabase.Built b = DemoDatabase.tac8();
        assertEquals(Main.OK, b.code(), b.err());
        db = b.db();
        doc = Files.readString(Path.of("docs/queries.md"), StandardCharsets.UTF_8);
    }

    /** Runs a statement that docs/queries.md must show exactly as it is run here. */
    static List<Map<String, Object>> q(String sql, Object... args) {
        assertTrue(doc.contains(sql), "docs/queries.md lacks:\n" + sql);
        return db.rows(sql, args);
    }

    // --- 2.2.1 coordinator_sessions ------------------------------------------------------------------

    @Test
    void sessions() {
        assertEquals(0, q("SELECT * FROM coordinator_sessions WHERE ended_at IS NULL").size(), "none after shutdown");
        List<Map<String, Object>> inRange = q("SELECT * FROM coordinator_sessions WHERE started_at BETWEEN ? AND ?",
                "2025-11-05T00:00:00Z", "2025-11-06T00:00:00Z");
        assertEquals(1, inRange.size());
        assertEquals("coordinator-log", inRange.get(0).get("source"));
        assertEquals(0, q("SELECT * FROM coordinator_sessions WHERE exit_reason = 'error'").size());
    }

    // --- 2.2.2 action_triggers -----------------------------------------------------------------------

    @Test
    void triggers() {
        String session = db.text("SELECT session_id FROM coordinator_sessions WHERE source = 'coordinator-log'");
        assertEquals(8, q("SELECT * FROM action_triggers WHERE session_id = ?", session).size(),
                "four 'Found n new tasks', one signal, one poll and two re-detections from the queue's version");
        List<Map<String, Object>> detected = q("SELECT * FROM action_triggers WHERE trigger_type = 'issue_detected'");
        assertEquals(0, detected.size(), "the backfill read only the queue's last version, after the log had already "
                + "shown both tasks: they are re-detections");
        List<Map<String, Object>> freq = q("SELECT trigger_type, date(timestamp), COUNT(*) FROM action_triggers "
                + "GROUP BY trigger_type, date(timestamp)");
        assertEquals(List.of("issue_redetected", "issues_found", "poll", "signal"),
                freq.stream().map(r -> r.get("trigger_type")).toList());
        assertTrue(freq.stream().allMatch(r -> "2025-11-05".equals(r.get("date(timestamp)"))));
    }

    // --- 2.2.3 logic_flow ----------------------------------------------------------------------------

    @Test
    void decisions() {
        assertEquals(0, q("SELECT * FROM logic_flow WHERE context_id = 'gh-450' ORDER BY timestamp").size(),
                "the seed's example task is not in the demo");
        List<Map<String, Object>> chain =
                db.rows("SELECT * FROM logic_flow WHERE context_id = 'gh-603' ORDER BY timestamp");
        assertEquals(List.of("spawn_worker", "worktree_already_exists", "spawn_worker", "worktree_already_exists",
                "spawn_worker"), chain.stream().map(r -> r.get("decision_point")).toList());
        assertEquals(0, q("SELECT * FROM logic_flow WHERE duration_ms > 1000 ORDER BY duration_ms DESC").size(),
                "TAC-8 prints no durations");
        List<Map<String, Object>> dist = q("SELECT decision_point, COUNT(*) FROM logic_flow GROUP BY decision_point");
        Map<Object, Object> counts = dist.stream().collect(java.util.stream.Collectors.toMap(r ->
                r.get("decision_point"),
                r -> r.get("COUNT(*)")));
        assertEquals(6, counts.get("spawn_worker"), "five launches and the launch that failed before its spawn lines");
        assertEquals(2, counts.get("worktree_already_exists"));
        assertEquals(3, counts.get("retry_backoff_wait"));
        assertEquals(1, counts.get("retry"));
    }

    // --- 2.2.4 tasks ---------------------------------------------------------------------------------

    @Test
    void tasks() {
        assertEquals(0, q("SELECT * FROM tasks WHERE status = 'active'").size());
        assertEquals(0, q("SELECT * FROM tasks WHERE status = 'completed' AND date(completed_at) = date('now')").size(),
                "the demo ran on 2025-11-05, not today");
        assertEquals(0, q("SELECT * FROM tasks WHERE status = 'failed' ORDER BY failed_at DESC").size(),
                "gh-602 failed once and then completed");
        List<Map<String, Object>> d =
                q("SELECT task_id, julianday(completed_at) - julianday(started_at) AS days FROM tasks");
        assertEquals(3, d.size());
        assertTrue(d.stream().allMatch(r -> ((Number) r.get("days")).doubleValue() > 0
                && ((Number) r.get("days")).doubleValue() < 0.01), d.toString());
    }

    // --- 2.2.5 worker_sessions -----------------------------------------------------------------------

    @Test
    void workers() {
        assertEquals(0, q("SELECT * FROM worker_sessions WHERE status IN ('spawned', 'running')").size(),
                "every worker ended (reaped, or its transcript's result line)");
        assertEquals(3, q("SELECT * FROM worker_sessions WHERE task_id = ?", "gh-603").size());
        assertEquals(List.of("w-7b21e4", "w-a41c6e"),
                q("SELECT * FROM worker_sessions WHERE status = 'failed'").stream()
                .map(r -> r.get("worker_id")).sorted().toList());
        // the seed's statement as written: * binds tighter than -, so it subtracts 1440 times a Julian day number
        List<Map<String, Object>> wrong =
                q("SELECT worker_id, julianday(completed_at) - julianday(spawned_at) * 24 * 60 "
                + "AS minutes FROM worker_sessions");
        assertTrue(wrong.stream().filter(r -> r.get("minutes") != null)
                .allMatch(r -> ((Number) r.get("minutes")).doubleValue() < -3_000_000_000.0), "nonsense, as expected");
        List<Map<String, Object>> right =
                q("SELECT worker_id, (julianday(completed_at) - julianday(spawned_at)) * 24 * 60 "
                + "AS minutes FROM worker_sessions");
        Map<Object, Object> minutes = right.stream().filter(r -> r.get("minutes") != null)
                .collect(java.util.stream.Collectors.toMap(r -> r.get("worker_id"), r -> r.get("minutes")));
        assertTrue(minutes.values().stream().allMatch(v -> ((Number) v).doubleValue() > 0
                && ((Number) v).doubleValue() < 10), minutes.toString());
    }

    // --- 2.2.6 conversations -------------------------------------------------------------------------

    @Test
    void conversations() {
        List<Map<String, Object>> full = q("SELECT * FROM conversations WHERE worker_id = ? ORDER BY message_index",
                "w-3c9a10");
        assertEquals(1, full.stream().filter(r -> "user".equals(r.get("role"))
                && "/home/demo/orbit/logs/gh-601-prompt.txt"
                .equals(r.get("content"))).count(),
                        "claude -p received the prompt file's path as its prompt (research 4.2)");
        assertEquals(2, full.stream().filter(r -> Integer.valueOf(1).equals(r.get("is_sidechain"))
                && "assistant".equals(r.get("role"))).count(), "the subagent's two answers");
        List<Map<String, Object>> tools = q("SELECT tool_name, COUNT(*) FROM conversations WHERE content_type = "
                + "'tool_use' GROUP BY tool_name");
        Map<Object, Object> t = tools.stream().collect(java.util.stream.Collectors.toMap(r -> r.get("tool_name"),
                r -> r.get("COUNT(*)")));
        assertEquals(1, t.get("Task"), "the subagent call");
        assertTrue(((Number) t.get("Bash")).intValue() >= 10);
        List<Map<String, Object>> failed = q("SELECT * FROM conversations WHERE content_type = 'tool_result' "
                + "AND tool_success = FALSE");
        assertEquals(2, failed.size(), "the failing test run and the refused push");
        assertTrue(failed.stream().anyMatch(r -> ((String) r.get("content")).contains("1 failed, 11 passed")));
    }

    // --- 2.2.7 api_calls -----------------------------------------------------------------------------

    @Test
    void apiCalls() {
        List<Map<String, Object>> today = q("SELECT SUM(estimated_cost_usd) FROM api_calls WHERE date(timestamp) = "
                + "date('now')");
        assertNull(today.get(0).values().iterator().next(), "no calls today");
        List<Map<String, Object>> byModel = q("SELECT model, SUM(estimated_cost_usd) FROM api_calls GROUP BY model");
        assertEquals(List.of("claude-haiku-4-5-20251001", "claude-sonnet-4-5-20250929"),
                byModel.stream().map(r -> r.get("model")).toList());
        assertEquals(0.0057525, ((Number) byModel.get(0).get("SUM(estimated_cost_usd)")).doubleValue(), 1e-9,
                "the subagent's two haiku calls: (4 + 61 x 5 + 3210 x 1.25 + 5 + 118 x 5 + 3210 x 0.1 + 412 x 1.25) / "
                        + "1e6");
        long tokens = ((Number) q("SELECT SUM(tokens_total) FROM api_calls WHERE worker_id = ?", "w-3c9a10").get(0)
                .values().iterator().next()).longValue();
        assertTrue(tokens > 150_000, "cache reads included: " + tokens);
        Map<String, Object> perf = q("SELECT AVG(tokens_per_second), AVG(time_to_first_token_ms) FROM api_calls "
                + "WHERE model = ?", "claude-sonnet-4-5-20250929").get(0);
        assertTrue(perf.values().stream().allMatch(v -> v == null), "Claude Code transcripts carry no timing per call");
    }

    // --- 2.2.8 worktree_operations -------------------------------------------------------------------

    @Test
    void worktrees() {
        List<Map<String, Object>> kept = q("SELECT * FROM worktree_operations WHERE operation = 'preserve'");
        assertEquals(1, kept.size());
        assertEquals("gh-603", kept.get(0).get("task_id"));
    }

    // --- 2.2.9 system_events -------------------------------------------------------------------------

    @Test
    void systemEvents() {
        List<Map<String, Object>> today = q("SELECT * FROM system_events WHERE severity IN ('error', 'critical') "
                + "AND date(timestamp) = date('now')");
        assertTrue(today.stream().allMatch(r -> "observed".equals(r.get("time_source"))),
                "only a worker's stderr line, whose observed time is the read time: " + today);
        assertEquals(0,
                q("SELECT * FROM system_events WHERE component = 'worktree_manager' ORDER BY timestamp DESC").size());
        Map<Object, Object> freq = q("SELECT component, COUNT(*) FROM system_events WHERE severity = 'error' "
                + "GROUP BY component").stream().collect(java.util.stream.Collectors.toMap(r -> r.get("component"),
                        r -> r.get("COUNT(*)")));
        assertEquals(3, freq.get("git"));
        assertEquals(2, freq.get("coordinator"), "the launch failure and the main-loop error");
        assertEquals(1, freq.get("worker"));
    }

    // --- 5.1 common queries --------------------------------------------------------------------------

    @Test
    void costTracking() {
        assertNull(q("SELECT SUM(estimated_cost_usd) as cost_today\nFROM api_calls\nWHERE date(timestamp) = "
                + "date('now');"
                .replace(";", "")).get(0).get("cost_today"));
        List<Map<String, Object>> byTask = q("SELECT t.task_id, t.title, SUM(ac.estimated_cost_usd) as cost\n"
                + "FROM tasks t\nJOIN worker_sessions ws ON ws.task_id = t.task_id\n"
                + "JOIN api_calls ac ON ac.worker_id = ws.worker_id\nGROUP BY t.task_id\nORDER BY cost DESC");
        assertEquals(List.of("gh-603", "gh-601", "gh-602"), byTask.stream().map(r -> r.get("task_id")).toList());
        assertEquals(0.543654, byTask.stream().mapToDouble(r -> ((Number) r.get("cost")).doubleValue()).sum(), 1e-6);
        // the seed's inner joins drop the calls of workers no task claims (task_id NULL); the docs' variant keeps
        // them in an '(unassigned)' group (UnassignedCostIT runs it on a database that has some)
        List<Map<String, Object>> keeping = q("SELECT COALESCE(ws.task_id, '(unassigned)') AS task_id, t.title, "
                + "SUM(ac.estimated_cost_usd) AS cost\nFROM api_calls ac\n"
                + "JOIN worker_sessions ws ON ws.worker_id = ac.worker_id\nLEFT JOIN tasks t ON t.task_id = ws.task_id\n"
                + "GROUP BY 1\nORDER BY cost DESC");
        assertEquals(byTask.stream().map(r -> r.get("task_id")).toList(),
                keeping.stream().map(r -> r.get("task_id")).toList(), "every demo worker has its task");
        assertEquals(((Number) db.rows("SELECT SUM(estimated_cost_usd) AS c FROM api_calls").get(0).get("c"))
                .doubleValue(), keeping.stream().mapToDouble(r -> ((Number) r.get("cost")).doubleValue()).sum(), 1e-9);
    }

    @Test
    void performance() {
        List<Map<String, Object>> avg =
                q("SELECT status, AVG(julianday(completed_at) - julianday(spawned_at)) * 24 * 60 as "
                + "avg_minutes\nFROM worker_sessions\nWHERE completed_at IS NOT NULL\nGROUP BY status");
        assertTrue(avg.stream().allMatch(r -> ((Number) r.get("avg_minutes")).doubleValue() > 0), avg.toString());
        // a run whose transcript reported its result stays completed when the reaper's exit 0 comes after
        assertTrue(avg.stream().map(r -> r.get("status")).toList().contains("completed"), avg.toString());
        List<Map<String, Object>> slow = q("SELECT function_name, decision_point, AVG(duration_ms) as avg_ms\n"
                + "FROM logic_flow\nGROUP BY function_name, decision_point\nORDER BY avg_ms DESC\nLIMIT 20");
        assertTrue(slow.stream().allMatch(r -> r.get("avg_ms") == null));
        assertEquals(4, slow.size());
    }

    @Test
    void debugging() {
        String timeline =
                "SELECT\n  'task_detected' as event, detected_at as timestamp\nFROM tasks WHERE task_id = 'gh-450'\n"
                + "UNION ALL\nSELECT\n  'worker_spawned', spawned_at\nFROM worker_sessions WHERE task_id = 'gh-450'\n"
                + "UNION ALL\nSELECT\n  'api_call', timestamp\nFROM api_calls ac\n"
                + "JOIN worker_sessions ws ON ac.worker_id = ws.worker_id\nWHERE ws.task_id = 'gh-450'\nORDER BY "
                + "timestamp";
        assertEquals(0, q(timeline).size(), "the seed's task id is not in the demo");
        List<Map<String, Object>> mine = db.rows(timeline.replace("gh-450", "gh-603"));
        assertEquals("task_detected", mine.get(0).get("event"));
        assertEquals(3, mine.stream().filter(r -> "worker_spawned".equals(r.get("event"))).count());
        assertEquals(mine.size() - 4, mine.stream().filter(r -> "api_call".equals(r.get("event"))).count());
    }
}
