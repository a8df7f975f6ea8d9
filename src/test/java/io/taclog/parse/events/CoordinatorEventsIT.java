package io.taclog.parse.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.testing.coordinator.CoordinatorHarness;
import io.taclog.testing.coordinator.Db;
import io.taclog.testing.coordinator.LogStory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSONL event contract (docs/coordinator-events.md): one example per logger call into the seed's
 * tables, records without a session id, renamed fields, unknown events, broken records, and records
 * that arrive before what they refer to.
 */
class CoordinatorEventsIT {

    @TempDir
    Path tmp;

    private Db ingest(Map<String, String> settings, String... records) {
        Path events = tmp.resolve("events.jsonl");
        new LogStory(events).lines(records);
        CoordinatorHarness.Builder b = CoordinatorHarness.db(tmp.resolve("t.db")).events(events);
        settings.forEach(b::set);
        try (CoordinatorHarness h = b.start()) {
            h.pump();
        }
        return new Db(tmp.resolve("t.db"));
    }

    private Db ingest(String... records) {
        return ingest(Map.of(), records);
    }

    @Test
    void oneRecordPerLoggerCallFillsTheSeedTables() {
        Db db = ingest(
                "{\"event\":\"start_session\",\"ts\":\"2025-11-05T09:00:00-08:00\",\"session_id\":\"ses-1\","
                        + "\"pid\":40991,"
                        + "\"hostname\":\"orbit-pi\",\"git_branch\":\"main\",\"git_commit\":\"8d41f2a\","
                        + "\"python_version\":\"3.11.2\",\"tac_version\":\"tac-8\",\"config\":{\"max_workers\":1}}",
                "{\"event\":\"event\",\"ts\":\"2025-11-05T17:00:00.050Z\",\"session_id\":\"ses-1\","
                        + "\"event_type\":\"startup\","
                        + "\"severity\":\"info\",\"component\":\"coordinator\",\"message\":\"starting\","
                        + "\"details\":{\"poll\":30}}",
                "{\"event\":\"trigger\",\"ts\":1762362001.9,\"trigger_type\":\"issue_detected\","
                        + "\"trigger_source\":\"github\","
                        + "\"trigger_data\":{\"issue_number\":601},\"task_id\":\"gh-601\"}",
                "{\"event\":\"task_detected\",\"ts\":\"2025-11-05T09:00:01.960-08:00\",\"task_id\":\"gh-601\","
                        + "\"source\":\"github\",\"issue_number\":601,\"title\":\"Add CSV export\",\"priority\":1,"
                        + "\"labels\":[\"rpi-auto\",\"priority:P1\"]}",
                "{\"event\":\"decision\",\"ts\":\"2025-11-05T17:00:02Z\",\"context_type\":\"coordinator\","
                        + "\"function_name\":\"run\",\"decision_point\":\"select_next_task\","
                        + "\"decision_input\":{\"slots\":1},"
                        + "\"decision_output\":{\"selected\":\"gh-601\"},\"decision_reason\":\"P1 first\","
                        + "\"duration_ms\":0.4}",
                "{\"event\":\"task_status_change\",\"ts\":\"2025-11-05T17:00:02.010Z\",\"task_id\":\"gh-601\","
                        + "\"status\":\"assigned\",\"worker_id\":\"w-3c9a10\"}",
                "{\"event\":\"worktree_operation\",\"ts\":\"2025-11-05T17:00:02.600Z\",\"task_id\":\"gh-601\","
                        + "\"operation\":\"create\",\"worktree_path\":\"/t/gh-601\",\"branch_name\":\"auto/w-3c9a10\","
                        + "\"had_changes\":false,\"decision_logic\":{\"reason\":\"new\"}}",
                "{\"event\":\"worker_spawn\",\"ts\":\"2025-11-05T17:00:03Z\",\"worker_id\":\"w-3c9a10\","
                        + "\"task_id\":\"gh-601\","
                        + "\"pid\":41017,\"worktree_path\":\"/t/gh-601\",\"branch_name\":\"auto/w-3c9a10\"}",
                "{\"event\":\"worker_status_change\",\"ts\":\"2025-11-05T17:00:29Z\",\"worker_id\":\"w-3c9a10\","
                        + "\"status\":\"completed\",\"exit_code\":0}",
                "{\"event\":\"task_status_change\",\"ts\":\"2025-11-05T17:00:29.100Z\",\"task_id\":\"gh-601\","
                        + "\"status\":\"completed\",\"pr_number\":612,\"pr_url\":\"https://github.com/o/o/pull/612\"}",
                "{\"event\":\"end_session\",\"ts\":\"2025-11-05T17:03:35Z\",\"session_id\":\"ses-1\","
                        + "\"exit_reason\":\"signal\"}");
        Map<String, Object> s = db.row("SELECT * FROM coordinator_sessions");
        assertEquals("ses-1", s.get("session_id"));
        assertEquals("2025-11-05T17:00:00.000Z", s.get("started_at"));
        assertEquals("recorded", s.get("time_source"));
        assertEquals(40991, s.get("pid"));
        assertEquals("orbit-pi", s.get("hostname"));
        assertEquals("{\"max_workers\":1}", s.get("config"));
        assertEquals("signal", s.get("exit_reason"));
        assertEquals("2025-11-05T17:03:35.000Z", s.get("ended_at"));
        assertEquals("{\"poll\":30}", db.text("SELECT details FROM system_events WHERE event_type = 'startup'"));
        assertEquals("2025-11-05T17:00:01.900Z", db.text("SELECT timestamp FROM action_triggers"), "epoch seconds");
        assertEquals("ses-1", db.text("SELECT session_id FROM action_triggers"),
                "no session_id: the file's open session");
        Map<String, Object> t = db.row("SELECT * FROM tasks");
        assertEquals("Add CSV export", t.get("title"));
        assertEquals("[\"rpi-auto\",\"priority:P1\"]", t.get("labels"));
        assertEquals("completed", t.get("status"));
        assertEquals(612, t.get("pr_number"));
        assertEquals("2025-11-05T17:00:02.010Z", t.get("assigned_at"));
        assertEquals("2025-11-05T17:00:29.100Z", t.get("completed_at"));
        assertEquals(List.of("detected", "assigned", "completed"),
                db.column("SELECT to_status FROM task_status_history ORDER BY timestamp"));
        assertEquals(0.4, db.row("SELECT duration_ms FROM logic_flow").get("duration_ms"));
        Map<String, Object> w = db.row("SELECT * FROM worker_sessions");
        assertEquals(41017, w.get("pid"));
        assertEquals("completed", w.get("status"));
        assertEquals(0, w.get("exit_code"));
        assertEquals(1, db.row("SELECT was_clean FROM worktree_operations").get("was_clean"));
    }

    @Test
    void fieldNamesAreMappedByConfiguration() {
        Db db = ingest(Map.of("taclog.coordinator.events.field-map", "event=kind,ts=time,session_id=run"),
                "{\"kind\":\"start_session\",\"time\":\"2025-11-05T17:00:00Z\",\"run\":\"r-9\"}",
                "{\"kind\":\"trigger\",\"time\":\"2025-11-05T17:00:01Z\",\"trigger_type\":\"poll\"}");
        assertEquals("r-9", db.text("SELECT session_id FROM action_triggers"));
    }

    @Test
    void naiveTimesUseTheConfiguredZone() {
        Db db = ingest(Map.of("taclog.coordinator.timezone", "America/Los_Angeles"),
                "{\"event\":\"start_session\",\"ts\":\"2025-11-05T09:00:00.512345\",\"session_id\":\"s\"}");
        assertEquals("2025-11-05T17:00:00.512Z", db.text("SELECT started_at FROM coordinator_sessions"));
    }

    @Test
    void anUnknownEventIsKeptWithTheRecordAsDetails() {
        Db db = ingest("{\"event\":\"start_session\",\"ts\":\"2025-11-05T17:00:00Z\",\"session_id\":\"s\"}",
                "{\"event\":\"budget_check\",\"ts\":\"2025-11-05T17:00:01Z\",\"used\":1234,\"task_id\":\"gh-1\"}");
        Map<String, Object> e = db.row("SELECT * FROM system_events");
        assertEquals("unknown_event", e.get("event_type"));
        assertEquals("warning", e.get("severity"));
        assertTrue(((String) e.get("details")).contains("\"used\":1234"));
        assertEquals("gh-1", e.get("task_id"));
    }

    @Test
    void brokenRecordsAreQuarantinedWithTheirReasonAndTheFileGoesOn() {
        Db db = ingest("{\"event\":\"trigger\",\"ts\":\"2025-11-05T17:00:00Z\",\"trigger_type\":\"poll\"}",
                "{\"event\":\"start_session\",\"ts\":\"2025-11-05T17:00:00Z\",\"session_id\":\"s\"}",
                "{\"ts\":\"2025-11-05T17:00:01Z\",\"trigger_type\":\"poll\"}",
                "{\"event\":\"trigger\",\"trigger_type\":\"poll\"}",
                "{\"event\":\"trigger\",\"ts\":\"yesterday\",\"trigger_type\":\"poll\"}",
                "{\"event\":\"decision\",\"ts\":\"2025-11-05T17:00:02Z\",\"context_type\":\"task\"}",
                "{\"event\":\"worker_spawn\",\"ts\":\"2025-11-05T17:00:03Z\",\"worker_id\":\"w-1\",\"task_id\":\"t\","
                        + "\"pid\":\"many\"}",
                "not json at all",
                "{\"event\":\"trigger\",\"ts\":\"2025-11-05T17:00:05Z\",\"trigger_type\":\"poll\"}");
        List<String> errors = db.column("SELECT error FROM ingest_rejects ORDER BY byte_offset");
        assertEquals(7, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("no session_id and its file has no open session"), errors.get(0));
        assertTrue(errors.get(1).contains("without 'event'"), errors.get(1));
        assertTrue(errors.get(2).contains("missing or unreadable 'ts'"), errors.get(2));
        assertTrue(errors.get(3).contains("missing or unreadable 'ts'"), errors.get(3));
        assertTrue(errors.get(4).contains("missing required field 'function_name'")
                && errors.get(4).contains("missing required field 'decision_point'"), errors.get(4));
        assertTrue(errors.get(5).contains("'pid' must be a whole number"), errors.get(5));
        assertTrue(errors.get(6).contains("not JSON"), errors.get(6));
        assertEquals(1, db.count("SELECT COUNT(*) FROM action_triggers"), "the good record after the bad ones");
        assertEquals(9, db.count("SELECT lines_read FROM ingest_ledger"));
    }

    @Test
    void recordsArrivingBeforeWhatTheyNameAreLinkedWhenItArrives() {
        Db db = ingest("{\"event\":\"start_session\",\"ts\":\"2025-11-05T17:00:00Z\",\"session_id\":\"s\"}",
                "{\"event\":\"worker_status_change\",\"ts\":\"2025-11-05T17:05:00Z\",\"worker_id\":\"w-late\","
                        + "\"status\":\"failed\",\"exit_code\":1,\"failure_reason\":\"OOM killed\"}",
                "{\"event\":\"task_status_change\",\"ts\":\"2025-11-05T17:01:00Z\",\"task_id\":\"gh-7\","
                        + "\"status\":\"active\"}",
                "{\"event\":\"trigger\",\"ts\":\"2025-11-05T17:00:30Z\",\"session_id\":\"other\","
                        + "\"trigger_type\":\"poll\"}");
        assertEquals(1, db.count("SELECT COUNT(*) FROM unlinked_records WHERE kind = 'deferred' AND id = 'w-late'"));
        assertEquals(1, db.count("SELECT COUNT(*) FROM unlinked_records WHERE kind = 'task' AND id = 'gh-7'"));
        assertEquals(1, db.count("SELECT COUNT(*) FROM unlinked_records WHERE kind = 'session' AND id = 'other'"));
        Path more = tmp.resolve("events.jsonl");
        new LogStory(more).lines(
                "{\"event\":\"task_detected\",\"ts\":\"2025-11-05T17:00:10Z\",\"task_id\":\"gh-7\","
                        + "\"title\":\"Seven\"}",
                "{\"event\":\"worker_spawn\",\"ts\":\"2025-11-05T17:02:00Z\",\"worker_id\":\"w-late\","
                        + "\"task_id\":\"gh-7\",\"pid\":7}",
                "{\"event\":\"start_session\",\"ts\":\"2025-11-05T17:00:20Z\",\"session_id\":\"other\"}");
        try (CoordinatorHarness h = CoordinatorHarness.db(tmp.resolve("t.db")).events(more).start()) {
            h.pump();
        }
        assertEquals(0, db.count("SELECT COUNT(*) FROM unlinked_records WHERE kind IN ('deferred', 'task', "
                + "'session')"));
        Map<String, Object> w = db.row("SELECT status, exit_code, failure_reason, failed_at FROM worker_sessions");
        assertEquals("failed", w.get("status"));
        assertEquals("OOM killed", w.get("failure_reason"));
        assertEquals("2025-11-05T17:05:00.000Z", w.get("failed_at"));
        Map<String, Object> t = db.row("SELECT title, status, detected_at FROM tasks");
        assertEquals("Seven", t.get("title"));
        assertEquals("active", t.get("status"), "the later status wins over the earlier detection");
        assertEquals("2025-11-05T17:00:10.000Z", t.get("detected_at"));
        assertNull(db.rows("SELECT * FROM coordinator_sessions WHERE placeholder = 1").stream().findAny().orElse(null));
    }
}
