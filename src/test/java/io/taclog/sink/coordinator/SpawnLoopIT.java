package io.taclog.sink.coordinator;

import static io.taclog.testing.coordinator.Tac8.R;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.ingest.SourceKinds;
import io.taclog.testing.coordinator.CoordinatorHarness;
import io.taclog.testing.coordinator.Db;
import io.taclog.testing.coordinator.LogStory;
import io.taclog.testing.coordinator.MutableClock;
import io.taclog.testing.coordinator.Tac8;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spawn loop (research finding 3): one task spawned on three consecutive polls, its worktree
 * preserved, then deleted under a running worker. The same story read in one batch, one line per batch,
 * and with a crash in the middle of a group yields the same rows and exactly one spawn-loop warning.
 */
class SpawnLoopIT {

    @TempDir
    Path tmp;

    static final String[] STORY = Tac8.of(Tac8.banner(),
            Tac8.line("📥 Found 1 new tasks from GitHub"), Tac8.create("gh-603", "w-5d8f02"),
            Tac8.spawn("gh-603", "w-5d8f02", 41194),
            Tac8.line("📥 Found 1 new tasks from GitHub"), Tac8.preserve("gh-603"), Tac8.spawn("gh-603", "w-a41c6e",
                    41279),
            Tac8.line("📥 Found 1 new tasks from GitHub"), Tac8.cleanRemove("gh-603"),
            Tac8.create("gh-603", "w-c7e019"),
            Tac8.spawn("gh-603", "w-c7e019", 41352),
            Tac8.line("👶 Reaped worker w-a41c6e (PID 41279, exit 1)",
                    "👶 Reaped worker w-5d8f02 (PID 41194, exit 0)"));

    private Db run(int batchLines, Path dir) {
        Path log = dir.resolve("coordinator.log");
        new LogStory(log).lines(STORY);
        try (CoordinatorHarness h =
                CoordinatorHarness.db(dir.resolve("t.db")).log(log).batchLines(batchLines).start()) {
            h.pump();
        }
        return new Db(dir.resolve("t.db"));
    }

    @Test
    void threeSpawnsOfOneTaskYieldTheirWorkersDecisionsWorktreeRowsAndOneSpawnLoopWarning() {
        Db db = run(5000, tmp);
        List<Map<String, Object>> w = db.rows("SELECT worker_id, pid, branch_name, worktree_path, status FROM "
                + "worker_sessions ORDER BY pid");
        assertEquals(List.of("w-5d8f02", "w-a41c6e", "w-c7e019"), w.stream().map(r -> r.get("worker_id")).toList());
        assertEquals(List.of(41194, 41279, 41352), w.stream().map(r -> r.get("pid")).toList());
        assertTrue(w.stream().allMatch(r -> (R + "/trees/gh-603").equals(r.get("worktree_path"))),
                "one shared worktree");
        assertEquals(List.of("exited", "failed", "running"), w.stream().map(r -> r.get("status")).toList());

        List<Map<String, Object>> d = db.rows("SELECT decision_input, decision_output, decision_reason FROM logic_flow "
                + "WHERE decision_point = 'worktree_already_exists' ORDER BY flow_id");
        assertEquals(2, d.size());
        assertTrue(((String) d.get(0).get("decision_input")).contains("\"has_changes\":true"));
        assertTrue(((String) d.get(0).get("decision_output")).contains("\"action\":\"preserve\""));
        assertTrue(((String) d.get(1).get("decision_input")).contains("\"has_changes\":false"));
        assertTrue(((String) d.get(1).get("decision_output")).contains("\"action\":\"remove\""));
        assertEquals(3, db.count("SELECT COUNT(*) FROM logic_flow WHERE decision_point = 'spawn_worker' AND "
                + "json_extract(decision_output, '$.launched') = 1"));

        assertEquals(List.of("create", "check", "preserve", "check", "remove", "create"),
                db.column("SELECT operation FROM worktree_operations ORDER BY operation_id"));
        assertEquals(List.of("auto/w-5d8f02", "auto/w-c7e019"),
                db.column("SELECT branch_name FROM worktree_operations WHERE operation = 'create' ORDER BY "
                        + "operation_id"));

        Map<String, Object> loop = db.row("SELECT * FROM system_events WHERE event_type = 'spawn_loop'");
        assertEquals(1, loop.get("derived"));
        assertEquals("warning", loop.get("severity"));
        String details = (String) loop.get("details");
        assertTrue(details.contains("\"workers\":[\"w-5d8f02\",\"w-a41c6e\",\"w-c7e019\"]"), details);
        assertTrue(details.contains("\"rule\":\"respawn_while_running\""), details);
        assertEquals(1,
                db.count("SELECT COUNT(*) FROM derived_episodes WHERE kind = 'spawn_loop' AND closed_at IS NULL"),
                "w-c7e019 still runs: the episode is open");

        Map<String, Object> hazard = db.row("SELECT * FROM system_events WHERE "
                + "event_type = 'worktree_removed_under_running_worker'");
        assertTrue(((String) hazard.get("details")).contains("\"running_workers\":[\"w-5d8f02\",\"w-a41c6e\"]"));
        assertEquals(1, hazard.get("derived"));
    }

    @Test
    void oneLinePerBatchAndACrashInTheMiddleOfTheWorktreeGroupDoubleNothing() {
        Db whole = run(5000, tmp.resolve("whole"));
        Db single = run(1, tmp.resolve("single"));
        Path dir = tmp.resolve("crash");
        Path log = dir.resolve("coordinator.log");
        LogStory story = new LogStory(log);
        int cut = 21; // inside the preserve group of the second poll
        story.lines(java.util.Arrays.copyOfRange(STORY, 0, cut));
        try (CoordinatorHarness h = CoordinatorHarness.db(dir.resolve("t.db")).log(log).batchLines(3).start()) {
            h.pump();
            story.lines(java.util.Arrays.copyOfRange(STORY, cut, cut + 4));
            h.readAndCrash(SourceKinds.COORDINATOR_LOG); // read, never committed
            h.restart();
            story.lines(java.util.Arrays.copyOfRange(STORY, cut + 4, STORY.length));
            h.pump();
        }
        Db crashed = new Db(dir.resolve("t.db"));
        for (String q : List.of(
                "SELECT worker_id, task_id, pid, status, branch_name, worktree_path FROM worker_sessions ORDER BY 1",
                "SELECT operation, task_id, branch_name, had_changes, worker_running, decision_logic, worker_id "
                        + "FROM worktree_operations ORDER BY operation_id",
                "SELECT decision_point, context_id, decision_input, decision_output, decision_reason FROM logic_flow "
                        + "ORDER BY flow_id",
                "SELECT event_type, severity, message, details FROM system_events ORDER BY event_id",
                "SELECT task_id, to_status, worker_id FROM task_status_history ORDER BY history_id",
                "SELECT trigger_type, trigger_data FROM action_triggers ORDER BY trigger_id")) {
            assertEquals(whole.rows(q), single.rows(q), "one line per batch: " + q);
            assertEquals(whole.rows(q), crashed.rows(q), "crash and restart inside a group: " + q);
        }
    }

    @Test
    void nSpawnsWithinTheWindowAreALoopEvenWhenEachWorkerEndedBeforeTheNext() {
        MutableClock clock = new MutableClock(Instant.parse("2025-11-05T17:00:00Z"));
        Path log = tmp.resolve("coordinator.log");
        LogStory story = new LogStory(log).lines(Tac8.banner());
        try (CoordinatorHarness h = CoordinatorHarness.db(tmp.resolve("t.db")).log(log).clock(clock)
                .set("taclog.derive.spawn-loop.count", "3").set("taclog.derive.spawn-loop.window-minutes",
                        "10").start()) {
            String[][] workers = {{"w-000001", "1"}, {"w-000002", "2"}, {"w-000003", "3"}, {"w-000004", "4"}};
            for (String[] w : workers) {
                story.lines(Tac8.spawn("gh-9", w[0], Integer.parseInt(w[1])));
                h.pump();
                clock.advance(Duration.ofMinutes(3));
                story.lines("👶 Reaped worker " + w[0] + " (PID " + w[1] + ", exit 0)");
                h.pump();
            }
        }
        Db db = new Db(tmp.resolve("t.db"));
        Map<String, Object> loop = db.row("SELECT * FROM system_events WHERE event_type = 'spawn_loop'");
        String details = (String) loop.get("details");
        assertTrue(details.contains("\"rule\":\"spawns_in_window\""), details);
        assertTrue(details.contains("\"w-000003\"") && details.contains("\"w-000004\""), "the fourth spawn joins: "
                + details);
        assertEquals(1, db.count("SELECT COUNT(*) FROM derived_episodes WHERE kind = 'spawn_loop'"));
    }

    @Test
    void spawnsFurtherApartThanTheWindowAreNoLoop() {
        MutableClock clock = new MutableClock(Instant.parse("2025-11-05T17:00:00Z"));
        Path log = tmp.resolve("coordinator.log");
        LogStory story = new LogStory(log).lines(Tac8.banner());
        try (CoordinatorHarness h = CoordinatorHarness.db(tmp.resolve("t.db")).log(log).clock(clock).start()) {
            for (int i = 1; i <= 4; i++) {
                story.lines(Tac8.spawn("gh-9", "w-00000" + i, i));
                story.lines("👶 Reaped worker w-00000" + i + " (PID " + i + ", exit 0)");
                h.pump();
                clock.advance(Duration.ofMinutes(6));
            }
        }
        assertEquals(0, new Db(tmp.resolve("t.db")).count("SELECT COUNT(*) FROM system_events WHERE "
                + "event_type = 'spawn_loop'"));
    }
}
