package io.taclog.parse.tac8.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.app.Formats;
import io.taclog.ingest.BatchParser;
import io.taclog.sink.Database;
import io.taclog.testing.coordinator.CoordinatorHarness;
import io.taclog.testing.coordinator.Db;
import io.taclog.testing.coordinator.Demo;
import io.taclog.testing.coordinator.LogStory;
import io.taclog.testing.coordinator.Tac8;
import io.taclog.validate.Validator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What block buffering and restarts do to coordinator.log (research 3.6, traps 2-4): flushes that end
 * anywhere (even inside an emoji), truncation by {@code >} at a restart, and a ledger that the validator
 * proves against the raw file.
 */
class CoordinatorLogResilienceIT {

    @TempDir
    Path tmp;

    private static final List<String> TABLES = List.of(
            "SELECT session_id, exit_reason, config FROM coordinator_sessions ORDER BY 1",
            "SELECT worker_id, task_id, pid, status, exit_code, branch_name FROM worker_sessions ORDER BY 1",
            "SELECT operation, task_id, branch_name, decision_logic, worker_id FROM worktree_operations ORDER BY "
                    + "operation_id",
            "SELECT decision_point, context_id, decision_input, decision_output FROM logic_flow ORDER BY flow_id",
            "SELECT event_type, severity, message, details, stack_trace FROM system_events ORDER BY event_id",
            "SELECT task_id, to_status, worker_id, attempt FROM task_status_history ORDER BY history_id",
            "SELECT trigger_type, trigger_data FROM action_triggers ORDER BY trigger_id");

    private Db whole(Path dir, byte[] content) throws Exception {
        Files.createDirectories(dir);
        Files.write(dir.resolve("coordinator.log"), content);
        try (CoordinatorHarness h =
                CoordinatorHarness.db(dir.resolve("t.db")).log(dir.resolve("coordinator.log")).start()) {
            h.pump();
        }
        return new Db(dir.resolve("t.db"));
    }

    @Test
    void flushesThatEndAnywhereEvenInsideAnEmojiDoubleNothing() throws Exception {
        byte[] content = Files.readAllBytes(Demo.DIR.resolve("coordinator.log"));
        Db reference = whole(tmp.resolve("whole"), content);
        // cut points: the 8 KiB buffer size, inside the 4-byte 🚀 and inside the ⚠️ of the first worktree check
        int rocket = indexOf(content, "🚀".getBytes(StandardCharsets.UTF_8)) + 2;
        int warn = indexOf(content, "\u26a0\ufe0f".getBytes(StandardCharsets.UTF_8)) + 4;
        int[] cuts = {rocket, 700, warn, 2048, 4096 + 13, Math.min(8192, content.length - 1)};
        Arrays.sort(cuts);
        Path dir = tmp.resolve("flushes");
        Path log = dir.resolve("coordinator.log");
        LogStory story = new LogStory(log);
        try (CoordinatorHarness h = CoordinatorHarness.db(dir.resolve("t.db")).log(log).start()) {
            int from = 0;
            for (int cut : cuts) {
                story.bytes(Arrays.copyOfRange(content, from, cut));
                h.pump();
                from = cut;
            }
            story.bytes(Arrays.copyOfRange(content, from, content.length));
            h.pump();
        }
        Db flushed = new Db(dir.resolve("t.db"));
        for (String q : TABLES) {
            assertEquals(reference.rows(q), flushed.rows(q), q);
        }
        assertEquals(0, flushed.count("SELECT COUNT(*) FROM ingest_rejects"), "no torn line was ever parsed");
    }

    @Test
    void truncationAtARestartStartsANewSessionAndEndsTheOldOneAtItsLastLine() throws Exception {
        Path log = tmp.resolve("coordinator.log");
        LogStory story = new LogStory(log).lines(Tac8.of(Tac8.banner(), Tac8.spawn("gh-1", "w-aaaaaa", 1)));
        try (CoordinatorHarness h = CoordinatorHarness.db(tmp.resolve("t.db")).log(log).start()) {
            h.pump();
            story.truncate().lines(Tac8.of(Tac8.line("nohup: ignoring input"), Tac8.banner()));
            h.pump();
        }
        Db db = new Db(tmp.resolve("t.db"));
        List<Map<String, Object>> s = db.rows("SELECT session_id, ended_at, exit_reason, last_seen_at, source_file "
                + "FROM coordinator_sessions ORDER BY rowid");
        assertEquals(2, s.size(), "a new file generation is a new coordinator session");
        assertEquals("unknown", s.get(0).get("exit_reason"), "killed or crashed: nothing said why");
        assertEquals(s.get(0).get("last_seen_at"), s.get(0).get("ended_at"));
        assertNull(s.get(1).get("ended_at"));
        assertEquals(s.get(0).get("source_file"), s.get(1).get("source_file"));
        assertEquals(2, db.count("SELECT COUNT(*) FROM ingest_files WHERE source_kind = 'coordinator-log'"));
        assertNotNull(db.text("SELECT session_id FROM worker_sessions WHERE worker_id = 'w-aaaaaa'"));
    }

    @Test
    void oneLinePerBatchAndACrashInsideTheTracebackDoubleNothing() throws Exception {
        byte[] content = Files.readAllBytes(Demo.DIR.resolve("coordinator.log"));
        Db reference = whole(tmp.resolve("whole"), content);
        List<String> lines = Demo.logLines();
        int cut = lines.indexOf("Traceback (most recent call last):") + 6; // inside the frames
        Path dir = tmp.resolve("crash");
        Path log = dir.resolve("coordinator.log");
        LogStory story = new LogStory(log);
        story.lines(lines.subList(0, cut).toArray(String[]::new));
        try (CoordinatorHarness h = CoordinatorHarness.db(dir.resolve("t.db")).log(log).batchLines(1).start()) {
            h.pump();
            story.lines(lines.subList(cut, cut + 5).toArray(String[]::new));
            h.readAndCrash(io.taclog.ingest.SourceKinds.COORDINATOR_LOG); // read, never committed
            h.restart();
            story.lines(lines.subList(cut + 5, lines.size()).toArray(String[]::new));
            h.pump();
        }
        Db crashed = new Db(dir.resolve("t.db"));
        for (String q : TABLES) {
            assertEquals(reference.rows(q), crashed.rows(q), q);
        }
        String trace = crashed.text("SELECT stack_trace FROM system_events WHERE event_type = 'main_loop_error'");
        assertEquals(16, trace.split("\n").length, trace);
    }

    @Test
    void theValidatorProvesTheLedgerOfACoordinatorLog() throws Exception {
        Path log = tmp.resolve("coordinator.log");
        Files.copy(Demo.DIR.resolve("coordinator.log"), log);
        try (CoordinatorHarness h = CoordinatorHarness.db(tmp.resolve("t.db")).log(log).batchLines(7).start()) {
            h.pump();
            Formats formats = new Formats(h.config(), Clock.systemUTC());
            try (Connection c = Database.openReadOnly(tmp.resolve("t.db"), 5000)) {
                Validator.Report r = new Validator(new BatchParser(formats.parsers(), true), 16 << 20,
                        formats.contentChecks()).validate(c);
                assertTrue(r.ok(), r.files() + " " + r.contentProblems());
                assertEquals(1, r.verifiedFiles());
            }
        }
        Db db = new Db(tmp.resolve("t.db"));
        assertEquals(Demo.logLines().size(), db.count("SELECT lines_read FROM ingest_ledger"));
        assertEquals(db.count("SELECT lines_read FROM ingest_ledger"),
                db.count("SELECT lines_with_rows + lines_skipped "
                + "+ lines_rejected FROM ingest_ledger"));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (haystack[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
