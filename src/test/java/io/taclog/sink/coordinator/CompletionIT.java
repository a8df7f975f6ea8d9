package io.taclog.sink.coordinator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.ingest.SourceKinds;
import io.taclog.testing.coordinator.CoordinatorHarness;
import io.taclog.testing.coordinator.Db;
import io.taclog.testing.coordinator.Demo;
import io.taclog.testing.coordinator.LogStory;
import io.taclog.testing.coordinator.Tac8;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Completion, which TAC-8 never prints (research finding 4): derived from the worker's own transcript
 * (gh pr create printing the new PR) or from the issue leaving the work queue; a re-detection after it
 * reverts it. Plus the real exit code of a git call that the reaper line reveals inside a worktree group.
 */
class CompletionIT {

    @TempDir
    Path tmp;

    @Test
    void aPullRequestInTheWorkersTranscriptCompletesItsTaskWithEvidence() throws Exception {
        Path log = tmp.resolve("coordinator.log");
        Path logs = tmp.resolve("logs");
        new LogStory(log).lines(Tac8.of(Tac8.banner(), Tac8.create("gh-601", "w-3c9a10"),
                Tac8.spawn("gh-601", "w-3c9a10", 41017)));
        Files.createDirectories(logs);
        Files.copy(Demo.DIR.resolve("logs/gh-601.jsonl"), logs.resolve("gh-601.jsonl"));
        try (CoordinatorHarness h = CoordinatorHarness.db(tmp.resolve("t.db")).log(log).transcripts(logs).start()) {
            h.pump(SourceKinds.COORDINATOR_LOG);
            h.pump(SourceKinds.TRANSCRIPTS);
        }
        Db db = new Db(tmp.resolve("t.db"));
        Map<String, Object> t = db.row("SELECT status, pr_number, pr_url, worker_id FROM tasks");
        assertEquals("completed", t.get("status"));
        assertEquals(612, t.get("pr_number"));
        assertEquals("https://github.com/orbit-labs/orbit/pull/612", t.get("pr_url"));
        Map<String, Object> h = db.row("SELECT * FROM task_status_history WHERE to_status = 'completed'");
        assertEquals(1, h.get("derived"));
        assertEquals("derived", h.get("source"));
        assertEquals("w-3c9a10", h.get("worker_id"));
        String evidence = (String) h.get("evidence");
        assertTrue(evidence.contains("gh pr create (toolu_") && evidence.contains("\"agent_session_id\":\"5afee17c-"),
                evidence);
        assertEquals("P:gh-601:612", h.get("source_key"), "keyed by task and PR: a worker's name can change");
        assertEquals(1, db.count("SELECT COUNT(*) FROM system_events WHERE event_type = 'pr_created' AND derived = 0"),
                "the transcript writer's own event (its derived marker is in the details)");
    }

    @Test
    void leavingTheQueueCompletesAndARedetectionRevertsIt() throws Exception {
        Path queue = tmp.resolve("tasks.md");
        try (CoordinatorHarness h = CoordinatorHarness.db(tmp.resolve("t.db"))
                .set("taclog.coordinator.timezone", "America/Los_Angeles").start()) {
            Files.writeString(queue, version("tasks-02-090003.md"));
            h.queue(queue);
            Files.writeString(queue, version("tasks-04-090036.md")); // gh-601 gone: its worker removed the label
            h.queue(queue);
            assertEquals("completed",
                    new Db(tmp.resolve("t.db")).text("SELECT status FROM tasks WHERE task_id = 'gh-601'"));
            // a failed GitHub fetch can empty the list for one cycle: the task comes back
            Files.writeString(queue, version("tasks-04-090036.md").replace("09:00:36", "09:01:20")
                    .replace("[] gh-603", "[] gh-601: Add CSV export to the telemetry report {p1}\n[] gh-603"));
            h.queue(queue);
        }
        Db db = new Db(tmp.resolve("t.db"));
        assertEquals("active", db.text("SELECT status FROM tasks WHERE task_id = 'gh-601'"), "its worker still runs");
        assertEquals(1, db.count("SELECT COUNT(*) FROM action_triggers WHERE task_id = 'gh-601' AND "
                + "trigger_type = 'issue_redetected'"));
        assertEquals("active,completed,active", db.text("SELECT group_concat(to_status) FROM (SELECT to_status FROM "
                + "task_status_history WHERE task_id = 'gh-601' ORDER BY timestamp)"));
    }

    @Test
    void aFailedGitCallInsideAWorktreeGroupGetsItsRealExitCode() {
        Path log = tmp.resolve("coordinator.log");
        new LogStory(log).lines(Tac8.of(Tac8.banner(), Tac8.line(Tac8.WARN + "  Worktree already exists: " + Tac8.R
                + "/trees/gh-5", "👶 Reaped unknown child (PID 777, exit 128)", "   🔍 Worktree status check:",
                "      - Has changes: False", "      - Worker running: False", "      - Worker PID: None",
                "   🔄 Worktree is clean - removing and recreating")));
        try (CoordinatorHarness h = CoordinatorHarness.db(tmp.resolve("t.db")).log(log).start()) {
            h.pump();
        }
        Db db = new Db(tmp.resolve("t.db"));
        String logic = db.text("SELECT decision_logic FROM worktree_operations WHERE operation = 'check'");
        assertTrue(logic.contains("\"real_exit_code\":128") && logic.contains("\"real_exit_derived\":true"), logic);
        assertTrue(db.text("SELECT details FROM system_events WHERE event_type = 'child_reaped'")
                .contains("\"attached_as\":\"git call of the worktree check\""));
        assertEquals("warning", db.text("SELECT severity FROM system_events WHERE event_type = 'child_reaped'"));
    }

    private static String version(String name) throws Exception {
        return Files.readString(Demo.DIR.resolve("queue-history").resolve(name), StandardCharsets.UTF_8);
    }
}
