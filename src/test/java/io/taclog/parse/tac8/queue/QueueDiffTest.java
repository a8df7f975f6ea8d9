package io.taclog.parse.tac8.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.model.Fact;
import io.taclog.model.TimeSource;
import io.taclog.model.coordinator.DecisionObserved;
import io.taclog.model.coordinator.Stamp;
import io.taclog.model.coordinator.TaskObserved;
import io.taclog.model.coordinator.TaskStatusChanged;
import io.taclog.model.coordinator.TriggerObserved;
import io.taclog.model.coordinator.WorkerSpawned;
import io.taclog.parse.tac8.LocalTimes;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the difference between two work-queue versions means (research section 6.5), without a database. */
class QueueDiffTest {

    private static final LocalTimes PST = new LocalTimes(ZoneId.of("America/Los_Angeles"));

    private static String queue(String updated, String pending, String active) {
        return "# Circuit-Synth Work Queue\n\n**Last updated:** 2025-11-05 " + updated + "\n\n---\n\n## Pending\n\n"
                + (pending.isEmpty() ? "<!-- No pending tasks -->\n" : pending) + "\n---\n\n## Active (max 3)\n\n"
                + (active.isEmpty() ? "<!-- No active tasks -->\n" : active + "\n") + "\n---\n\n## Completed Today\n\n"
                + "<!-- No completed tasks today -->\n\n---\n\n## Failed\n\n<!-- No failed tasks -->\n\n---\n\n"
                + "## Blocked\n\n<!-- No blocked tasks -->";
    }

    private static List<Fact> diff(String prev, String cur, Set<String> known) {
        QueueSnapshot c = TasksMd.parse(cur);
        Stamp when = Stamp.recorded(PST.instant("2025-11-05 " + c.lastUpdated().substring(11)));
        return QueueDiff.diff(prev == null ? null : TasksMd.parse(prev), c, new QueueDiff.Context("Qtest", "s-1", when,
                PST, known, Map.of(), "tasks.md", prev == null));
    }

    private static <T> List<T> of(Class<T> t, List<Fact> facts) {
        return facts.stream().filter(t::isInstance).map(t::cast).toList();
    }

    @Test
    void everyVersionIsAPollAndANewPendingIdIsADetection() {
        List<Fact> f = diff(null, queue("09:00:02", "[] gh-601: Add CSV export {p1}\n", ""), Set.of());
        TriggerObserved poll = of(TriggerObserved.class, f).get(0);
        assertEquals("poll", poll.triggerType());
        assertEquals(Instant.parse("2025-11-05T17:00:02Z"), poll.when().at(),
                "naive local time in the configured zone");
        assertEquals(TimeSource.RECORDED, poll.when().timeSource());
        assertEquals("issue_detected", of(TriggerObserved.class, f).get(1).triggerType());
        TaskObserved t = of(TaskObserved.class, f).get(0);
        assertEquals("Add CSV export", t.title());
        assertEquals(1, t.priority());
        assertEquals(601, t.issueNumber());
        assertEquals("detected", of(TaskStatusChanged.class, f).get(0).toStatus());
        assertEquals("issue_redetected", of(TriggerObserved.class, diff(null, queue("09:00:02",
                "[] gh-601: Add CSV export {p1}\n", ""), Set.of("gh-601"))).get(1).triggerType());
    }

    @Test
    void claimThenStartGiveAssignedThenARecordedSpawnWithPid() {
        String claim = queue("09:00:02", "", "[🟡 w-3c9a10, None] gh-601: Add CSV export\n");
        String started = queue("09:00:03", "", "[🟡 w-3c9a10, /home/demo/orbit/trees/gh-601] gh-601: Add CSV export\n"
                + "- Started: 2025-11-05 09:00:03\n- PID: 41017\n");
        List<Fact> a = diff(queue("09:00:00", "[] gh-601: Add CSV export {p1}\n", ""), claim, Set.of("gh-601"));
        TaskStatusChanged assigned = of(TaskStatusChanged.class, a).get(0);
        assertEquals("assigned", assigned.toStatus());
        assertEquals("w-3c9a10", assigned.workerId());
        List<Fact> b = diff(claim, started, Set.of("gh-601"));
        WorkerSpawned w = of(WorkerSpawned.class, b).get(0);
        assertEquals("w-3c9a10", w.workerId());
        assertEquals(41017, w.pid());
        assertEquals(Instant.parse("2025-11-05T17:00:03Z"), w.when().at());
        assertEquals("/home/demo/orbit/logs/gh-601.jsonl", w.logFile());
        assertEquals("/home/demo/orbit/logs/gh-601-prompt.txt", w.promptFile());
        assertEquals("active", of(TaskStatusChanged.class, b).get(0).toStatus());
        assertEquals(41017, of(TaskStatusChanged.class, b).get(0).pid());
    }

    @Test
    void growingMetaAttemptsAreAFailureAtItsRecordedTimeThenAScheduledRetry() {
        String meta = "[] gh-602: Retry uploads {p2}\n<!-- META:{\"attempts\": 1, \"max_attempts\": 3, \"failed_at\": "
                + "\"2025-11-05T09:00:35.812004\", \"failure_types\": [\"worktree_error\"], \"last_failure\": "
                + "\"worktree_error\"} -->\n  ⚠️ Attempt 1/3, Health: degraded\n  ⏳ Retry in 119s\n"
                + "  ⚠️ Last failure: worktree_error\n\n";
        List<Fact> f = diff(queue("09:00:35", "", "[🟡 w-7b21e4, None] gh-602: Retry uploads\n"),
                queue("09:00:36", meta, ""), Set.of("gh-602"));
        List<TaskStatusChanged> s = of(TaskStatusChanged.class, f);
        TaskStatusChanged failed = s.stream().filter(x -> x.toStatus().equals("failed")).findFirst().orElseThrow();
        assertEquals(Instant.parse("2025-11-05T17:00:35.812Z"),
                failed.when().at().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertEquals(1, failed.attempt());
        assertEquals("worktree_error", failed.failureType());
        assertTrue(s.stream().anyMatch(x -> x.toStatus().equals("pending") && x.reason().contains("120 s")));
        DecisionObserved d = of(DecisionObserved.class, f).stream()
                .filter(x -> x.decisionPoint().equals("schedule_retry")).findFirst().orElseThrow();
        assertTrue(d.derived());
        assertTrue(d.outputJson().contains("\"backoff_s\":120")
                && d.outputJson().contains("\"retry_at\":\"2025-11-05T17:02:35.812004Z\""),
                d.outputJson());
        assertTrue(of(DecisionObserved.class, f).stream().anyMatch(x ->
                x.decisionPoint().equals("redetected_active_task")),
                "back in Pending after its Active line: re-detected");
    }

    @Test
    void anActiveTaskListedAgainWithAnotherWorkerIsTheSpawnLoopSignature() {
        String one = queue("09:01:08", "", "[🟡 w-5d8f02, /home/demo/orbit/trees/gh-603] gh-603: Docs\n"
                + "- Started: 2025-11-05 09:01:08\n- PID: 41194\n");
        String two = queue("09:01:43", "", "[🟡 w-a41c6e, /home/demo/orbit/trees/gh-603] gh-603: Docs\n"
                + "- Started: 2025-11-05 09:01:43\n- PID: 41279\n");
        List<Fact> f = diff(one, two, Set.of("gh-603"));
        DecisionObserved d = of(DecisionObserved.class, f).get(0);
        assertEquals("redetected_active_task", d.decisionPoint());
        assertTrue(d.inputJson().contains("\"previous_worker\":\"w-5d8f02\""));
        assertEquals("w-a41c6e", of(WorkerSpawned.class, f).get(0).workerId());
    }

    @Test
    void anActiveTaskThatLeftTheQueueCompletedAndAPendingOneLostItsLabel() {
        String before = queue("09:00:03", "[] gh-602: Retry uploads {p2}\n",
                "[🟡 w-3c9a10, /home/demo/orbit/trees/gh-601] gh-601: Add CSV export\n"
                        + "- Started: 2025-11-05 09:00:03\n");
        List<Fact> f = diff(before, queue("09:00:34", "", ""), Set.of("gh-601", "gh-602"));
        List<TaskStatusChanged> s = of(TaskStatusChanged.class, f);
        TaskStatusChanged done = s.stream().filter(x -> x.taskId().equals("gh-601")).findFirst().orElseThrow();
        assertEquals("completed", done.toStatus());
        assertTrue(done.derived());
        assertTrue(done.evidenceJson().contains("\"rule\":\"left_queue\""));
        assertEquals("removed", s.stream().filter(x ->
                x.taskId().equals("gh-602")).findFirst().orElseThrow().toStatus());
        assertTrue(of(TriggerObserved.class, f).stream().anyMatch(t -> t.triggerType().equals("label_removed")));
    }

    @Test
    void workerWrittenEntriesAreTransitionsWithTheirPrAndReasons() {
        String text = queue("19:45:00", "", "") .replace("<!-- No completed tasks today -->",
                "[✅ w-d429f5] gh-469: Test Issue\n- Completed: 2025-11-02 19:45:00\n- Commit: 8fc96e5\n- PR: #483")
                .replace("<!-- No blocked tasks -->", "[⏰ w-cd031f] gh-455: Metrics\n- Status: Write tool did not "
                        + "persist files\n- Action needed: Human decision")
                .replace("<!-- No failed tasks -->", "[☠️ w-0afb14] gh-452: Errors\n- Attempts: 3/3\n"
                        + "- Failure types: unknown, unknown, worktree_error\n- Reason: Command failed");
        List<TaskStatusChanged> s = of(TaskStatusChanged.class, diff(null, text, Set.of()));
        TaskStatusChanged c = s.stream().filter(x -> x.toStatus().equals("completed")).findFirst().orElseThrow();
        assertEquals(483, c.prNumber());
        assertEquals("[\"8fc96e5\"]", c.commitsJson());
        assertEquals(Instant.parse("2025-11-03T03:45:00Z"), c.when().at());
        TaskStatusChanged b = s.stream().filter(x -> x.toStatus().equals("blocked")).findFirst().orElseThrow();
        assertTrue(b.reason().contains("Write tool did not persist files"));
        TaskStatusChanged f = s.stream().filter(x -> x.toStatus().equals("failed")).findFirst().orElseThrow();
        assertEquals(3, f.attempt());
        assertEquals("worktree_error", f.failureType());
        assertTrue(f.reason().startsWith("failed permanently"));
    }
}
