package io.taclog.parse.tac8.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.testing.SharedSamples;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The tasks.md grammar against every real version in the shared samples, and against damage. */
class TasksMdTest {

    private static QueueSnapshot sample(String name) throws Exception {
        Path p = SharedSamples.require("tac8/tasks-md/" + name);
        return TasksMd.parse(Files.readString(p, StandardCharsets.UTF_8));
    }

    @Test
    void everyRealVersionParsesWithoutFailureAndKeepsEveryLineItDoesNotKnow() throws Exception {
        Path dir = SharedSamples.require("tac8/tasks-md");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith("-tasks.md")).sorted().toList();
        }
        assertEquals(10, files.size(), "the ten real versions");
        for (Path f : files) {
            String text = Files.readString(f, StandardCharsets.UTF_8);
            QueueSnapshot q = TasksMd.parse(text);
            assertTrue(q.lastUpdated().matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}"), f + ": Last updated");
            long entryLines = text.lines().filter(l -> l.startsWith("[")).count();
            long known = q.pending().size() + q.active().size() + q.completed().size() + q.failed().size()
                    + q.blocked().size() + q.unparsed().stream().filter(u -> u.text().startsWith("[")).count();
            assertEquals(entryLines, known, f + ": every entry line is an entry or kept as unparsed");
        }
    }

    @Test
    void launchFailuresOfTheFirstVersionAreFailedEntriesWithTheirGitReason() throws Exception {
        QueueSnapshot q = sample("0b064561-tasks.md");
        assertEquals("2025-11-02 14:54:56", q.lastUpdated());
        assertEquals(6, q.pending().size());
        assertEquals("gh-450", q.pending().get(0).taskId());
        assertEquals(1, q.pending().get(0).priority());
        assertEquals("Dashboard: Add token budget monitoring and alerts", q.pending().get(0).title());
        assertEquals(3, q.failed().size());
        QueueSnapshot.Entry f = q.failed().get(0);
        assertEquals("w-0afb14", f.workerId());
        assertEquals("gh-452", f.taskId());
        assertTrue(f.detail("Reason").contains("returned non-zero exit status 128"));
        assertNull(f.detail("Failed"), "launch failures have no Failed: time");
        assertTrue(q.unparsed().isEmpty(), "a coordinator-written file has nothing unknown: " + q.unparsed());
    }

    @Test
    void claimTimeActiveEntryHasNoPathAndNoStartedLine() throws Exception {
        QueueSnapshot.Entry a = sample("74c7f4d2-tasks.md").active().get(0);
        assertEquals("w-154660", a.workerId());
        assertNull(a.path());
        assertNull(a.detail("Started"));
    }

    @Test
    void canonicalActiveEntryHasAbsolutePathStartedAndPid() throws Exception {
        QueueSnapshot q = sample("381f842f-tasks.md");
        QueueSnapshot.Entry a = q.active().get(0);
        assertEquals("w-899e35", a.workerId());
        assertEquals("/home/shane/Desktop/circuit-synth/trees/gh-504", a.path());
        assertEquals("gh-504", a.taskId());
        assertEquals("2025-11-03 23:24:14", a.detail("Started"));
        assertEquals("245119", a.detail("PID"));
        assertTrue(q.pending().isEmpty());
    }

    @Test
    void mixedClaimAndStartedEntriesInOneSnapshot() throws Exception {
        QueueSnapshot q = sample("516bd4f3-tasks.md");
        assertEquals(2, q.active().size());
        assertNull(q.active().get(0).path());
        assertEquals("215511", q.active().get(1).detail("PID"));
        assertEquals(8, q.pending().size());
    }

    @Test
    void workerWrittenBlockedEntriesAreBlockedWhereverTheyStand() throws Exception {
        QueueSnapshot inBlocked = sample("68fc70ed-tasks.md");
        assertEquals(1, inBlocked.blocked().size());
        QueueSnapshot.Entry b = inBlocked.blocked().get(0);
        assertEquals("w-cd031f", b.workerId());
        assertEquals("gh-455", b.taskId());
        assertEquals("Implementation complete, Write tool did not persist files", b.detail("Status"));
        QueueSnapshot insideActive = sample("88f28ba0-tasks.md");
        assertEquals(2, insideActive.active().size(), "the [⏰ ...] entry is not an active one");
        assertEquals(1, insideActive.blocked().size());
        QueueSnapshot.Entry b2 = insideActive.blocked().get(0);
        assertEquals("/home/shane/Desktop/circuit-synth/trees/gh-456", b2.path());
        assertEquals("auto/w-6d6b64", b2.detail("Branch"));
    }

    @Test
    void workerWrittenCompletedEntriesInTheirThreeShapes() throws Exception {
        QueueSnapshot.Entry inline = sample("31d7e671-tasks.md").completed().get(0);
        assertEquals("ce870fd", inline.commit());
        assertEquals("w-b5662c", inline.workerId());
        assertEquals("#481", inline.inlinePr());
        QueueSnapshot.Entry lines = sample("496069cc-tasks.md").completed().get(0);
        assertNull(lines.commit());
        assertEquals("w-d429f5", lines.workerId());
        assertEquals("#483", lines.detail("PR"));
        assertEquals("8fc96e5", lines.detail("Commit"));
        QueueSnapshot.Entry url = sample("845f9bd9-tasks.md").completed().get(0);
        assertEquals(1, url.priority());
        assertEquals("https://github.com/circuit-synth/circuit-synth/pull/494", url.detail("PR"));
        assertEquals("609bec9, 17f295b, 235288f", url.detail("Commits"));
    }

    @Test
    void emptyQueueHasAllPlaceholdersAndNothingElse() throws Exception {
        QueueSnapshot q = sample("f3ce6788-tasks.md");
        assertTrue(q.taskIds().isEmpty());
        assertTrue(q.unparsed().isEmpty());
    }

    @Test
    void metaAndHealthLinesBelongToTheirPendingTask() {
        QueueSnapshot q = TasksMd.parse(String.join("\n", "# Circuit-Synth Work Queue", "",
                "**Last updated:** 2026-11-24 16:42:01", "", "---", "", "## Pending", "",
                "[] gh-514: Add a worktree doctor {p1}",
                "<!-- META:{\"attempts\": 2, \"max_attempts\": 3, \"failed_at\": \"2026-11-24T16:40:16.460010\", "
                        + "\"failure_types\": [\"unknown\", \"unknown\"], \"last_failure\": \"unknown\"} -->",
                "  🔴 Attempt 2/3, Health: critical", "  ⏳ Retry in 236s", "  ⚠️ Last failure: unknown",
                "  ⚠️ Repeated unknown failures detected",
                "  ⚠️ Task health is CRITICAL - 2/3 attempts", "", ""));
        QueueSnapshot.Pending p = q.pending().get(0);
        assertEquals(2, p.meta().attempts());
        assertEquals("2026-11-24T16:40:16.460010", p.meta().failedAt());
        assertEquals(List.of("unknown", "unknown"), p.meta().failureTypes());
        assertEquals(5, p.health().size());
        assertTrue(q.unparsed().isEmpty());
    }

    @Test
    void aFileThatIsNotAWorkQueueIsAllUnparsedAndNeverAnError() {
        QueueSnapshot q = TasksMd.parse("\u0000\u0001garbage\n[] no task here\n## Pending\n[] broken {px}\n"
                + "<!-- META:{not json} -->\n");
        assertNull(q.lastUpdated());
        assertTrue(q.taskIds().isEmpty());
        assertEquals(4, q.unparsed().size());
        assertFalse(q.unparsed().get(0).text().isEmpty());
    }
}
