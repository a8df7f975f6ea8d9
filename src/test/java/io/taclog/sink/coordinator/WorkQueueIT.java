package io.taclog.sink.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.ingest.SourceKinds;
import io.taclog.testing.coordinator.CoordinatorHarness;
import io.taclog.testing.coordinator.Db;
import io.taclog.testing.coordinator.Demo;
import io.taclog.testing.coordinator.LogStory;
import io.taclog.testing.coordinator.MutableClock;
import io.taclog.testing.SharedSamples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The work queue as snapshots: each new version diffed with the one before it (stored in the database),
 * replayed in true order with the coordinator.log of the same run; versions read again, late versions
 * and damaged files change nothing they should not.
 */
class WorkQueueIT {

    @TempDir
    Path tmp;

    /** Replays the demo: log lines and work-queue versions in the order the coordinator wrote them. */
    private Db replay() {
        MutableClock clock = new MutableClock(Instant.parse("2025-11-05T17:00:00Z"));
        Path log = tmp.resolve("coordinator.log");
        LogStory story = new LogStory(log);
        List<String> lines = Demo.logLines();
        int written = 0;
        try (CoordinatorHarness h = CoordinatorHarness.db(tmp.resolve("t.db")).log(log).clock(clock)
                .set("taclog.coordinator.timezone", "America/Los_Angeles").start()) {
            for (Demo.Step s : Demo.steps()) {
                clock.set(s.at());
                story.lines(lines.subList(written, s.logLines()).toArray(String[]::new));
                written = s.logLines();
                h.pump(SourceKinds.COORDINATOR_LOG);
                if (s.snapshot() != null) {
                    assertEquals("applied", h.queue(s.snapshot()), s.name());
                }
            }
            assertEquals("duplicate", h.queue(Demo.DIR.resolve("tasks.md")), "the live file equals the last version");
        }
        return new Db(tmp.resolve("t.db"));
    }

    @Test
    void theLaunchFailureRetryAndRelaunchOfOneTaskInTrueOrder() {
        Db db = replay();
        List<Map<String, Object>> h =
                db.rows("SELECT to_status, worker_id, attempt, failure_type, time_source, source, "
                + "timestamp, evidence FROM task_status_history WHERE task_id = 'gh-602' ORDER BY timestamp, "
                + "history_id");
        assertEquals(List.of("detected", "assigned", "failed", "pending", "assigned", "assigned", "active"),
                h.stream().map(r -> r.get("to_status")).toList());
        Map<String, Object> failed = h.get(2);
        assertEquals("w-7b21e4", failed.get("worker_id"));
        assertEquals(1, failed.get("attempt"));
        assertEquals("recorded", failed.get("time_source"), "the log's launch-failure line took the META failed_at");
        assertEquals("2025-11-05T17:00:35.812Z", failed.get("timestamp"));
        assertTrue(((String) failed.get("evidence")).contains("work-queue"), "one row, confirmed by the queue");
        Map<String, Object> active = h.get(6);
        assertEquals("w-e2f6a3", active.get("worker_id"));
        assertEquals("2025-11-05T17:03:05.000Z", active.get("timestamp"));
        assertEquals("recorded", active.get("time_source"));
        Map<String, Object> task = db.row("SELECT * FROM tasks WHERE task_id = 'gh-602'");
        assertEquals("active", task.get("status"));
        assertEquals("Retry flaky uploads with exponential backoff", task.get("title"));
        assertEquals(2, task.get("priority"));
        assertEquals(1, task.get("attempts"));
        assertEquals("worktree_error", task.get("failure_type"));
        assertEquals(1,
                db.count("SELECT COUNT(*) FROM logic_flow WHERE decision_point = 'schedule_retry' AND derived = 1 "
                + "AND json_extract(decision_output, '$.backoff_s') = 120"));
    }

    @Test
    void everyVersionIsAPollAndTheSpawnLoopIsSeenFromBothSides() {
        Db db = replay();
        assertEquals(12,
                db.count("SELECT COUNT(*) FROM action_triggers WHERE trigger_type = 'poll' AND source = 'work-queue'"));
        assertEquals(12, db.count("SELECT COUNT(*) FROM work_queue_snapshots"));
        assertEquals(3, db.count("SELECT COUNT(*) FROM action_triggers WHERE trigger_type = 'issue_detected'"));
        assertTrue(db.count("SELECT COUNT(*) FROM logic_flow WHERE decision_point = 'redetected_active_task' "
                + "AND context_id = 'gh-603'") >= 2);
        List<Map<String, Object>> w = db.rows("SELECT worker_id, spawned_at, time_source, pid FROM worker_sessions "
                + "WHERE task_id = 'gh-603' ORDER BY spawned_at");
        assertEquals(List.of("2025-11-05T17:01:08.000Z", "2025-11-05T17:01:43.000Z", "2025-11-05T17:02:18.000Z"),
                w.stream().map(r -> r.get("spawned_at")).toList(), "the queue's Started lines are recorded times");
        assertTrue(w.stream().allMatch(r -> "recorded".equals(r.get("time_source"))));
        assertEquals(1, db.count("SELECT COUNT(*) FROM system_events WHERE event_type = 'spawn_loop'"));
        assertEquals("completed", db.text("SELECT status FROM tasks WHERE task_id = 'gh-601'"),
                "gh-601 left the queue while active: its worker removed the label");
        assertEquals(1, db.count("SELECT COUNT(*) FROM task_status_history WHERE task_id = 'gh-601' AND derived = 1 "
                + "AND json_extract(evidence, '$.rule') = 'left_queue'"));
        assertEquals(0, db.count("SELECT COUNT(*) FROM coordinator_sessions WHERE session_id = 'work-queue'"));
    }

    @Test
    void aHeartbeatVersionStoresNoBodyAndALateVersionIsKeptButNotCompared() throws Exception {
        Path queue = tmp.resolve("tasks.md");
        String v1 = Files.readString(Demo.DIR.resolve("queue-history/tasks-02-090003.md"));
        try (CoordinatorHarness h = CoordinatorHarness.db(tmp.resolve("t.db")).start()) {
            Files.writeString(queue, v1);
            assertEquals("applied", h.queue(queue));
            Files.writeString(queue, updated(v1, "09:00:33"));
            assertEquals("applied", h.queue(queue));
            Files.writeString(queue, updated(v1, "08:59:59"));
            assertEquals("late", h.queue(queue));
            Files.writeString(queue, updated(v1, "09:00:33"));
            assertEquals("duplicate", h.queue(queue));
        }
        Db db = new Db(tmp.resolve("t.db"));
        List<Map<String, Object>> s =
                db.rows("SELECT applied, body IS NULL AS empty, changes FROM work_queue_snapshots "
                + "ORDER BY snapshot_id");
        assertEquals(3, s.size());
        assertEquals(1, s.get(1).get("applied"));
        assertEquals(1, s.get(1).get("empty"), "same structure as the version before: no body of its own");
        assertEquals(1, s.get(1).get("changes"), "only its poll trigger");
        assertEquals(0, s.get(2).get("applied"));
        assertEquals(1, db.count("SELECT COUNT(*) FROM system_events WHERE event_type = 'work_queue_late_version'"));
    }

    @Test
    void aDamagedOrForeignFileIsReportedAndNeverMakesTasksLookFinished() throws Exception {
        Path queue = tmp.resolve("tasks.md");
        try (CoordinatorHarness h = CoordinatorHarness.db(tmp.resolve("t.db")).start()) {
            Files.writeString(queue, Files.readString(Demo.DIR.resolve("queue-history/tasks-02-090003.md")));
            h.queue(queue);
            Files.write(queue, new byte[] {(byte) 0xff, (byte) 0xfe, 'x', '\n', 0, 0, 'y'});
            assertEquals("not-a-queue", h.queue(queue));
            Files.writeString(queue, "");
            assertEquals("not-a-queue", h.queue(queue));
            Files.writeString(queue, Files.readString(Demo.DIR.resolve("queue-history/tasks-02-090003.md"))
                    .replace("09:00:03", "09:00:40").replace("- PID: 41017", "- PID: 41017\nscribbled by a human"));
            assertEquals("applied", h.queue(queue));
        }
        Db db = new Db(tmp.resolve("t.db"));
        assertEquals(2, db.count("SELECT COUNT(*) FROM system_events WHERE event_type = 'work_queue_unreadable'"));
        assertEquals(0,
                db.count("SELECT COUNT(*) FROM task_status_history WHERE to_status IN ('completed', 'removed')"));
        assertTrue(db.text("SELECT details FROM system_events WHERE event_type = 'work_queue_unparsed'")
                .contains("scribbled by a human"));
    }

    @Test
    void everyRealVersionAppliesInOrderWithoutFailure() throws Exception {
        Path dir = SharedSamples.require("tac8/tasks-md");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith("-tasks.md"))
                    .sorted(Comparator.comparing(WorkQueueIT::lastUpdated)).toList();
        }
        try (CoordinatorHarness h = CoordinatorHarness.db(tmp.resolve("t.db"))
                .set("taclog.coordinator.timezone", "America/Los_Angeles").start()) {
            for (Path f : files) {
                String outcome = h.queue(f);
                assertTrue(List.of("applied", "late").contains(outcome), f + ": " + outcome);
            }
        }
        Db db = new Db(tmp.resolve("t.db"));
        assertEquals(files.size(), db.count("SELECT COUNT(*) FROM work_queue_snapshots"));
        assertEquals("2025-11-04T07:24:14.000Z",
                db.text("SELECT spawned_at FROM worker_sessions WHERE worker_id = 'w-899e35'"),
                "Started 2025-11-03 23:24:14 in US Pacific");
        assertEquals(245119, db.row("SELECT pid FROM worker_sessions WHERE worker_id = 'w-899e35'").get("pid"));
        assertEquals(1,
                db.count("SELECT COUNT(*) FROM task_status_history WHERE task_id = 'gh-456' AND to_status = "
                        + "'blocked'"));
        assertTrue(db.count("SELECT COUNT(*) FROM task_status_history WHERE to_status = 'completed' AND pr_number IN "
                + "(481, 483, 494)") >= 3);
        assertNull(db.rows("SELECT 1 FROM tasks WHERE status IS NULL").stream().findAny().orElse(null));
    }

    private static String updated(String version, String time) {
        return version.replaceFirst("\\*\\*Last updated:\\*\\* \\S+ \\S+", "**Last updated:** 2025-11-05 " + time);
    }

    private static String lastUpdated(Path p) {
        try {
            return Files.readAllLines(p, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith("**Last updated:**"))
                    .findFirst().orElse("") + p.getFileName();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
