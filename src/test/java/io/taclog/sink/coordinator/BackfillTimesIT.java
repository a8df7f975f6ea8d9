package io.taclog.sink.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.testing.coordinator.CoordinatorHarness;
import io.taclog.testing.coordinator.Db;
import io.taclog.testing.coordinator.Demo;
import io.taclog.testing.coordinator.LogStory;
import io.taclog.testing.coordinator.Tac8;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backfilled coordinator.log carries no times: its rows end up with estimates anchored on the work
 * queue's recorded times (docs/coordinator.md, "Times"), in the order of the lines.
 */
class BackfillTimesIT {

    @TempDir
    Path tmp;

    @Test
    void everyLogRowIsPlacedBetweenTheQueuesRecordedTimesInLineOrder() throws Exception {
        Path log = tmp.resolve("coordinator.log");
        Files.copy(Demo.DIR.resolve("coordinator.log"), log);
        try (CoordinatorHarness h = CoordinatorHarness.db(tmp.resolve("t.db")).log(log).backfill()
                .set("taclog.coordinator.timezone", "America/Los_Angeles").start()) {
            h.pump();
            for (Demo.Step s : Demo.steps()) {
                if (s.snapshot() != null) {
                    h.queue(s.snapshot());
                }
            }
            String report = h.finishBackfill();
            assertTrue(report.contains("from 1") || report.matches(".*from \\d+ anchor.*"), report);
        }
        Db db = new Db(tmp.resolve("t.db"));
        assertEquals(0, db.count("SELECT COUNT(*) FROM pending_estimates"));
        assertEquals(0, db.count("SELECT COUNT(*) FROM system_events WHERE source = 'coordinator-log' AND "
                + "time_source = 'observed'"), "no read time is left on a log row");
        List<Map<String, Object>> spawns = db.rows("SELECT worker_id, spawned_at, time_source FROM worker_sessions "
                + "WHERE pid IS NOT NULL ORDER BY spawned_at");
        assertEquals(List.of("2025-11-05T17:00:03.000Z", "2025-11-05T17:01:08.000Z", "2025-11-05T17:01:43.000Z",
                "2025-11-05T17:02:18.000Z", "2025-11-05T17:03:05.000Z"), spawns.stream().map(r ->
                        r.get("spawned_at")).toList());
        // every event of the log in the order of its lines, and inside the session
        List<Map<String, Object>> events = db.rows("SELECT source_key, timestamp, time_source FROM system_events WHERE "
                + "source = 'coordinator-log' ORDER BY CAST(substr(source_key, instr(source_key, ':') + 1) AS "
                + "INTEGER)");
        for (int i = 1; i < events.size(); i++) {
            assertTrue(((String) events.get(i - 1).get("timestamp"))
                    .compareTo((String) events.get(i).get("timestamp")) <= 0,
                    "line order is time order: " + events.get(i - 1) + " then " + events.get(i));
        }
        assertTrue(events.stream().allMatch(e -> "estimated".equals(e.get("time_source"))));
        Map<String, Object> s = db.row("SELECT started_at, ended_at, time_source FROM coordinator_sessions");
        assertEquals("estimated", s.get("time_source"));
        assertTrue(((String) s.get("started_at")).compareTo("2025-11-05T16:59:00") > 0
                && ((String) s.get("started_at")).compareTo("2025-11-05T17:00:03") < 0, s.toString());
        assertTrue(((String) s.get("ended_at")).compareTo("2025-11-05T17:03:05") > 0, s.toString());
        assertTrue(db.count("SELECT COUNT(*) FROM time_anchors") >= 5);
    }

    @Test
    void aBackoffCountdownLineOfARecordedFailureIsAnAnchor() throws Exception {
        Path log = tmp.resolve("coordinator.log");
        new LogStory(log).lines(Tac8.of(Tac8.banner(), Tac8.line(
                "❌ Failed to launch worker for gh-9: [Errno 2] No such file or directory: 'claude'",
                "⏳ Task gh-9 in backoff: 89s remaining", "⏳ Task gh-9 in backoff: 54s remaining")));
        Path queue = tmp.resolve("tasks.md");
        Files.writeString(queue, Files.readString(Demo.DIR.resolve("queue-history/tasks-04-090036.md"))
                .replace("gh-602", "gh-9"));
        try (CoordinatorHarness h = CoordinatorHarness.db(tmp.resolve("t.db")).log(log).backfill()
                .set("taclog.coordinator.timezone", "America/Los_Angeles").start()) {
            h.pump();
            h.queue(queue);
            h.finishBackfill();
        }
        Db db = new Db(tmp.resolve("t.db"));
        // failed_at 09:00:35.812 + 120 s back-off - 89 s remaining = 09:01:06.812
        assertEquals(List.of("2025-11-05T17:01:06.812Z", "2025-11-05T17:01:41.812Z"),
                db.column("SELECT timestamp FROM logic_flow WHERE decision_point = 'retry_backoff_wait' ORDER BY "
                        + "flow_id"));
        assertEquals("2025-11-05T17:00:35.812Z",
                db.text("SELECT timestamp FROM task_status_history WHERE to_status = 'failed'"),
                "the launch failure line took the META's recorded time");
        assertEquals(2, db.count("SELECT COUNT(*) FROM time_anchors WHERE kind = 'retry-countdown'"));
    }
}
