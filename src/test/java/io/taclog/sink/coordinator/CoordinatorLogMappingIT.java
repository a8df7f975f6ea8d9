package io.taclog.sink.coordinator;

import static io.taclog.testing.coordinator.Tac8.R;
import static io.taclog.testing.coordinator.Tac8.WARN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.testing.coordinator.CoordinatorHarness;
import io.taclog.testing.coordinator.Db;
import io.taclog.testing.coordinator.LogStory;
import io.taclog.testing.coordinator.Tac8;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TAC-8 coordinator.log mapped into the seed's tables as research section 8 describes, template group
 * by template group, through the real parser, writers and SQLite (tail mode: observed times).
 */
class CoordinatorLogMappingIT {

    @TempDir
    Path tmp;

    private Db ingest(String... lines) {
        Path log = tmp.resolve("coordinator.log");
        new LogStory(log).lines(lines);
        try (CoordinatorHarness h = CoordinatorHarness.db(tmp.resolve("t.db")).log(log)
                .set("taclog.coordinator.config", configToml().toString()).start()) {
            h.pump();
        }
        return new Db(tmp.resolve("t.db"));
    }

    private Path configToml() {
        Path p = tmp.resolve("config.toml");
        try {
            java.nio.file.Files.writeString(p, "[coordinator]\nmax_concurrent_workers = 1  # one\n"
                    + "poll_interval_seconds = 30\n[github]\nissue_label = \"rpi-auto\"\n[llm]\ncommand_template = [\n"
                    + "    \"claude\",\n    \"-p\", \"{prompt_file}\",\n]\nmodel_default = \"claude-sonnet-4-5\"\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return p;
    }

    @Test
    void bannerOpensASessionWithItsConfigAndTheConfigFileSnapshot() {
        Db db = ingest(Tac8.of(Tac8.line("nohup: ignoring input"), Tac8.banner()));
        Map<String, Object> s = db.row("SELECT * FROM coordinator_sessions");
        assertNull(s.get("ended_at"), "no shutdown line: still active");
        assertEquals("observed", s.get("time_source"));
        String config = (String) s.get("config");
        assertTrue(config.contains("\"config_file\":\"" + R + "/adws/config.toml\""), config);
        assertTrue(config.contains("\"tasks_file\":\"" + R + "/tasks.md\""), config);
        assertTrue(config.contains("\"max_concurrent_workers\":1"), config);
        assertTrue(config.contains("\"toml\":{\"coordinator\""), "the configured config.toml is snapshotted: "
                + config);
        assertNotNull(s.get("config_sha256"));
        assertEquals(1, db.count("SELECT COUNT(*) FROM system_events WHERE event_type = 'startup'"));
        assertEquals("nohup", db.text("SELECT component FROM system_events WHERE message = 'nohup: ignoring input'"));
    }

    @Test
    void signalThenShutdownEndsTheSessionWithExitReasonSignalAndASignalTrigger() {
        Db db = ingest(Tac8.of(Tac8.banner(), Tac8.line("👶 Reaped worker w-0afb14 (PID 4242, exit 0)"),
                Tac8.shutdown()));
        Map<String, Object> s = db.row("SELECT ended_at, exit_reason FROM coordinator_sessions");
        assertNotNull(s.get("ended_at"));
        assertEquals("signal", s.get("exit_reason"));
        assertEquals("{\"signum\":15,\"name\":\"SIGTERM\"}",
                db.text("SELECT trigger_data FROM action_triggers WHERE trigger_type = 'signal' AND trigger_source = "
                        + "'signal'"));
        assertEquals(0, db.count("SELECT COUNT(*) FROM coordinator_sessions WHERE ended_at IS NULL"));
    }

    @Test
    void shutdownWithoutSignalIsANormalEnd() {
        Db db = ingest(Tac8.of(Tac8.banner(), Tac8.line("👋 Coordinator shutting down...")));
        assertEquals("normal", db.text("SELECT exit_reason FROM coordinator_sessions"));
    }

    @Test
    void aSecondBannerWithoutShutdownIsARestartAfterACrash() {
        Db db = ingest(Tac8.of(Tac8.banner(), Tac8.line("📥 Found 1 new tasks from GitHub"), Tac8.banner()));
        List<Map<String, Object>> s = db.rows("SELECT session_id, ended_at, exit_reason FROM coordinator_sessions "
                + "ORDER BY rowid");
        assertEquals(2, s.size());
        assertEquals("error", s.get(0).get("exit_reason"));
        assertNotNull(s.get(0).get("ended_at"));
        assertNull(s.get(1).get("ended_at"));
    }

    @Test
    void issuesFoundIsATriggerWithItsCount() {
        Db db = ingest(Tac8.of(Tac8.banner(), Tac8.line("📥 Found 3 new tasks from GitHub")));
        assertEquals("{\"count\":3", db.text("SELECT substr(trigger_data, 1, 10) FROM action_triggers "
                + "WHERE trigger_type = 'issues_found' AND trigger_source = 'github'"));
    }

    @Test
    void labelRemovalsAreTriggersDecisionsAndRemovedTasksSuspectAfterAFailedFetch() {
        Db db = ingest(Tac8.of(Tac8.banner(),
                Tac8.line(WARN + "  Failed to fetch GitHub issues: Command '['gh', 'issue', 'list']' returned non-zero "
                        + "exit status 1.", Tac8.BIN + "  Removing gh-512 - no longer has rpi-auto label",
                        Tac8.BIN + "  Removing gh-513 - no longer has rpi-auto label",
                        "   Removed 2 pending task(s) without rpi-auto label")));
        assertEquals(2, db.count("SELECT COUNT(*) FROM action_triggers WHERE trigger_type = 'label_removed' "
                + "AND json_extract(trigger_data, '$.suspect') = 1"), "finding 5: removals after a failed fetch");
        assertEquals(List.of("removed", "removed"), db.column("SELECT status FROM tasks ORDER BY task_id"));
        assertEquals(2,
                db.count("SELECT COUNT(*) FROM logic_flow WHERE decision_point = 'remove_unlabelled_pending_task'"));
        assertEquals("true", db.text("SELECT json_extract(details, '$.consistent') FROM system_events WHERE "
                + "event_type = 'label_cleanup'").replace("1", "true"));
        assertEquals("warning", db.text("SELECT severity FROM system_events WHERE event_type = 'github_fetch_failed'"));
    }

    @Test
    void backoffRetryAndLaunchFailureAreDecisionsTransitionsAndAnError() {
        Db db = ingest(Tac8.of(Tac8.banner(), Tac8.create("gh-514", "w-0afb14"),
                Tac8.line("fatal: could not write to '" + R + "/trees/gh-514/.git': No space left on device",
                        "❌ Failed to launch worker for gh-514: Command '['git', 'worktree', 'add', '" + R
                                + "/trees/gh-514', '-b', 'auto/w-0afb14']' returned non-zero exit status 128.",
                        "⏳ Task gh-514 in backoff: 116s remaining", "⏳ Task gh-514 in backoff: 81s remaining",
                        "🔄 Retry attempt 2/3 for gh-514"), Tac8.spawn("gh-514", "w-9c2d41", 4711)));
        assertEquals(List.of("failed", "assigned", "active"),
                db.column("SELECT to_status FROM task_status_history WHERE task_id = 'gh-514' ORDER BY history_id"));
        Map<String, Object> failed = db.row("SELECT * FROM task_status_history WHERE to_status = 'failed'");
        assertEquals(1, failed.get("attempt"));
        assertEquals("worktree_error", failed.get("failure_type"), "TAC-8's categorize_error: 'worktree' in the text");
        assertEquals("w-0afb14", failed.get("worker_id"),
                "the failed worker is named by its branch in the git command");
        Map<String, Object> w = db.row("SELECT * FROM worker_sessions WHERE worker_id = 'w-0afb14'");
        assertEquals("failed", w.get("status"));
        assertNull(w.get("pid"));
        assertEquals(2, db.count("SELECT COUNT(*) FROM logic_flow WHERE decision_point = 'retry_backoff_wait'"));
        assertEquals("81", db.text("SELECT json_extract(decision_input, '$.remaining_s') FROM logic_flow "
                + "WHERE decision_point = 'retry_backoff_wait' ORDER BY flow_id DESC LIMIT 1"));
        assertEquals("{\"action\":\"relaunch\"}",
                db.text("SELECT decision_output FROM logic_flow WHERE decision_point = 'retry'"));
        assertEquals(2, db.count("SELECT COUNT(*) FROM logic_flow WHERE decision_point = 'spawn_worker'"));
        assertEquals("0", db.text("SELECT json_extract(decision_output, '$.launched') FROM logic_flow WHERE "
                + "decision_point = 'spawn_worker' ORDER BY flow_id LIMIT 1"));
        assertEquals("1", db.text("SELECT json_extract(decision_logic, '$.failed') FROM worktree_operations "
                + "WHERE worker_id = 'w-0afb14'"));
        assertEquals(1,
                db.count("SELECT COUNT(*) FROM system_events WHERE event_type = 'launch_failed' AND severity = "
                        + "'error'"));
        assertEquals(1, db.count("SELECT COUNT(*) FROM system_events WHERE event_type = 'git_error'"));
        assertEquals("active", db.text("SELECT status FROM tasks WHERE task_id = 'gh-514'"));
    }

    @Test
    void reaperLinesEndWorkersAndReportUnknownChildren() {
        Db db = ingest(Tac8.of(Tac8.banner(), Tac8.spawn("gh-1", "w-aaaaaa", 11), Tac8.spawn("gh-2", "w-bbbbbb", 12),
                Tac8.line("👶 Reaped worker w-aaaaaa (PID 11, exit 0)",
                        "👶 Reaped worker w-bbbbbb (PID 12, exit -9)",
                        "👶 Reaped unknown child (PID 13, exit 0)", WARN
                                + "  Error reaping child: [Errno 10] No child processes")));
        Map<String, Object> a =
                db.row("SELECT status, exit_code, completed_at, failed_at FROM worker_sessions WHERE worker_id = "
                        + "'w-aaaaaa'");
        assertEquals("exited", a.get("status"));
        assertNotNull(a.get("completed_at"));
        Map<String, Object> b =
                db.row("SELECT status, exit_code, failure_reason FROM worker_sessions WHERE worker_id = 'w-bbbbbb'");
        assertEquals("failed", b.get("status"));
        assertEquals(-9, b.get("exit_code"));
        assertTrue(((String) b.get("failure_reason")).contains("signal 9"));
        assertEquals("debug", db.text("SELECT severity FROM system_events WHERE event_type = 'child_reaped'"));
        assertEquals("warning",
                db.text("SELECT severity FROM system_events WHERE message LIKE '%Error reaping child%'"));
    }

    @Test
    void theMetadataParseWarningAndTheApiLoggerWarningAreWarnings() {
        Db db = ingest(Tac8.of(Tac8.banner(), Tac8.line(WARN
                + "  Failed to parse metadata for gh-514: Expecting ',' delimiter",
                WARN + "  Error parsing stream-json output: Expecting value")));
        assertEquals(2, db.count("SELECT COUNT(*) FROM system_events WHERE severity = 'warning' AND component IN "
                + "('work_queue', 'api_logger')"));
        assertEquals("gh-514", db.text("SELECT task_id FROM system_events WHERE component = 'work_queue'"));
    }

    @Test
    void spawnCreatesTheWorkerWithItsPathsAndMovesTheTaskToActive() {
        Db db = ingest(Tac8.of(Tac8.banner(), Tac8.create("gh-512", "w-5c1e0b"), Tac8.spawn("gh-512", "w-5c1e0b",
                88213)));
        Map<String, Object> w = db.row("SELECT * FROM worker_sessions");
        assertEquals("w-5c1e0b", w.get("worker_id"));
        assertEquals("gh-512", w.get("task_id"));
        assertEquals(88213, w.get("pid"));
        assertEquals("running", w.get("status"));
        assertEquals("auto/w-5c1e0b", w.get("branch_name"));
        assertEquals(R + "/trees/gh-512", w.get("worktree_path"));
        assertEquals(R + "/logs/gh-512-prompt.txt", w.get("prompt_file"));
        assertEquals(R + "/logs/gh-512.jsonl", w.get("log_file"));
        assertEquals("coordinator", w.get("origin"));
        assertEquals("active", db.text("SELECT status FROM tasks WHERE task_id = 'gh-512'"));
        Map<String, Object> d =
                db.row("SELECT decision_input, decision_output FROM logic_flow WHERE decision_point = 'spawn_worker'");
        assertTrue(((String) d.get("decision_input")).contains("\"model\":\"claude-sonnet-4-5\""));
        assertTrue(((String) d.get("decision_output")).contains("\"launched\":true"));
        Map<String, Object> op = db.row("SELECT * FROM worktree_operations");
        assertEquals("create", op.get("operation"));
        assertEquals("auto/w-5c1e0b", op.get("branch_name"));
        assertEquals("w-5c1e0b", op.get("worker_id"));
        assertTrue(((String) op.get("decision_logic")).contains("\"head_commit\":\"8d41f2a\""));
    }

    @Test
    void tacXSpawnLinesOfM11AndM12() {
        Db db = ingest(Tac8.of(Tac8.banner(), Tac8.line("🤖 Spawning TAC-X pipeline for gh-504",
                "   ✓ TAC-X Pipeline w-899e35 started (PID: 245119)",
                "   📋 Stages: Planning → Building → Reviewing → PR Creation")));
        Map<String, Object> w = db.row("SELECT pid, prompt_file FROM worker_sessions WHERE worker_id = 'w-899e35'");
        assertEquals(245119, w.get("pid"));
        assertNull(w.get("prompt_file"), "TAC-X writes no prompt file");
        assertTrue(db.text("SELECT decision_input FROM logic_flow").contains("\"runner\":\"tac-x\""));
        assertTrue(db.text("SELECT decision_input FROM logic_flow").contains("Planning → Building"));
    }

    @Test
    void providerLinesOfTheRoutingBranches() {
        Db db = ingest(Tac8.of(Tac8.banner(), Tac8.line("🤖 Spawning worker for gh-9", "   Command: claude -p x",
                "   Provider: claude-cli", "   Model: claude-opus-4",
                        "   Tried to route with attrs: {'priority': 'critical'}",
                "❌ Provider openrouter not available")));
        String in = db.text("SELECT decision_input FROM logic_flow");
        assertTrue(in.contains("\"provider\":\"claude-cli\"") && in.contains("\"model\":\"claude-opus-4\"")
                && in.contains("\"route_attrs\""), in);
        assertEquals(1, db.count("SELECT COUNT(*) FROM system_events WHERE event_type = 'provider_unavailable'"));
    }

    @Test
    void theWorktreeCheckIsADecisionWithItsInputsAndACheckPlusPreserveOperation() {
        Db db = ingest(Tac8.of(Tac8.banner(), Tac8.preserve("gh-512"), Tac8.spawn("gh-512", "w-aa11bb", 3)));
        Map<String, Object> d = db.row("SELECT * FROM logic_flow WHERE decision_point = 'worktree_already_exists'");
        assertEquals("ensure_worktree", d.get("function_name"));
        assertEquals("worktree", d.get("context_type"));
        assertEquals("gh-512", d.get("context_id"));
        String in = (String) d.get("decision_input");
        assertTrue(in.contains("\"has_changes\":true") && in.contains("\"worker_running\":false")
                && in.contains("\"changed_entries\":3") && in.contains("\"file_mtime_age_minutes\":0.4"), in);
        assertTrue(((String) d.get("decision_output")).contains("\"action\":\"preserve\""));
        assertEquals("✅ Recent changes detected - preserving completed work", d.get("decision_reason"));
        List<Map<String, Object>> ops = db.rows("SELECT * FROM worktree_operations ORDER BY operation_id");
        assertEquals(List.of("check", "preserve"), ops.stream().map(o -> o.get("operation")).toList());
        Map<String, Object> keep = ops.get(1);
        assertEquals(1, keep.get("had_changes"));
        assertEquals(0, keep.get("was_clean"));
        assertEquals(0, keep.get("worker_running"));
        assertNull(keep.get("worker_pid"));
        assertEquals(0.4, keep.get("file_mtime_age_minutes"));
        assertTrue(((String) keep.get("decision_logic")).contains("fresh work, not crash debris"));
        assertEquals("w-aa11bb", keep.get("worker_id"), "the spawn after it shares the preserved worktree");
        assertEquals(1, db.count("SELECT COUNT(*) FROM ingest_skips WHERE reason LIKE 'tac8 W10%'"));
    }

    @Test
    void staleWorktreeWithManualDeletionThenCreate() {
        Db db = ingest(Tac8.of(Tac8.banner(), Tac8.line(WARN + "  Worktree already exists: " + R + "/trees/gh-7",
                "   🔍 Worktree status check:", "      - Has changes: True", "      - Worker running: False",
                "      - Worker PID: None", "   📝 Worktree has uncommitted changes (1 files)",
                "   " + Tac8.PAUSE + "  Worker not running (PID None)",
                "      - Most recent file change: 29361874.2 minutes ago",
                "   " + Tac8.BIN + "  Stale worktree detected (no recent changes) - removing",
                "   Git couldn't remove worktree, deleting directory manually", "   ✓ Worktree removed"),
                Tac8.create("gh-7", "w-777777")));
        assertEquals(List.of("check", "remove", "create"),
                db.column("SELECT operation FROM worktree_operations ORDER BY operation_id"));
        String logic = db.text("SELECT decision_logic FROM worktree_operations WHERE operation = 'remove'");
        assertTrue(logic.contains("\"manual_delete\":true") && logic.contains("\"removed\":true"), logic);
        assertTrue(db.text("SELECT decision_input FROM logic_flow").contains("\"no_files_outside_git\":true"));
    }

    @Test
    void stillRunningWorkerAbortsTheLaunch() {
        Db db = ingest(Tac8.of(Tac8.banner(), Tac8.line(WARN + "  Worktree already exists: " + R + "/trees/gh-8",
                "   🔍 Worktree status check:", "      - Has changes: True", "      - Worker running: True",
                "      - Worker PID: 5151", "   📝 Worktree has uncommitted changes (2 files)",
                "   " + WARN + "  Worker still running - worktree is active",
                "❌ Failed to launch worker for gh-8: Worktree " + R + "/trees/gh-8 is still active")));
        assertEquals("keep_active", db.text("SELECT json_extract(decision_output, '$.action') FROM logic_flow "
                + "WHERE decision_point = 'worktree_already_exists'"));
        assertEquals(5151,
                db.row("SELECT worker_pid FROM worktree_operations WHERE operation = 'preserve'").get("worker_pid"));
        assertEquals("worktree_error",
                db.text("SELECT failure_type FROM task_status_history WHERE to_status = 'failed'"));
    }

    @Test
    void oldBodyOfM2ToM7AndTheRemovalLinesOfM3AndM4() {
        Db db = ingest(Tac8.of(Tac8.banner(), Tac8.line(WARN + "  Worktree already exists: " + R + "/trees/gh-3",
                "   Worktree has uncommitted changes", "   Worker not running - removing stale worktree",
                "   Git remove exit code: 0", "   Git stderr: ", "   Directory still exists, manually deleting",
                "   ✓ Directory removed: " + R + "/trees/gh-3"), Tac8.create("gh-3", "w-333333"),
                Tac8.line(WARN + "  Worktree already exists: " + R + "/trees/gh-4",
                        "🔄 Removing stale worktree: " + R + "/trees/gh-4",
                                "   Git removal failed, manually deleting directory",
                        "   Directory removed: " + R + "/trees/gh-4", "   ✓ Directory removed by git")));
        assertEquals(List.of("check", "remove", "create", "check", "remove"),
                db.column("SELECT operation FROM worktree_operations ORDER BY operation_id"));
        List<String> logic =
                db.column("SELECT decision_logic FROM worktree_operations WHERE operation = 'remove' ORDER BY "
                        + "operation_id");
        assertTrue(logic.get(0).contains("\"git_exit_code\":0")
                && logic.get(0).contains("\"git_exit_code_seen_by\":\"coordinator\""),
                logic.get(0));
        assertTrue(logic.get(1).contains("\"removed_by\":\"git\""), logic.get(1));
        assertEquals(List.of("1", "0"),
                db.column("SELECT had_changes FROM worktree_operations WHERE operation = 'remove' "
                + "ORDER BY operation_id"));
    }

    @Test
    void runtimeBasedPreservationOfTheBranchF7cc12fc() {
        Db db = ingest(Tac8.of(Tac8.banner(), Tac8.line(WARN + "  Worktree already exists: " + R + "/trees/gh-5",
                "   🔍 Worktree status check:", "      - Has changes: True", "      - Worker runtime: 312.5s",
                "   ✅ Worker completed work - preserving worktree")));
        assertEquals("312.5", db.text("SELECT json_extract(decision_input, '$.worker_runtime_s') FROM logic_flow"));
        assertEquals("preserve", db.text("SELECT operation FROM worktree_operations WHERE operation <> 'check'"));
    }

    @Test
    void completionBlockOfAFixedCoordinatorCompletesTheTaskWithItsPr() {
        Db db = ingest(Tac8.of(Tac8.banner(), Tac8.spawn("gh-512", "w-5c1e0b", 1),
                Tac8.line("🏁 Worker w-5c1e0b finished for gh-512", "   📊 Tokens: 0 in / 0 out / 0 total",
                        "   ✅ Task gh-512 completed - PR #521",
                        "https://github.com/circuit-synth/circuit-synth/issues/512#issuecomment-3475539087",
                        "   💬 Posted comment to issue #512",
                        "   🧹 Cleaned up worktree: " + R + "/trees/gh-512")));
        Map<String, Object> t = db.row("SELECT status, pr_number FROM tasks WHERE task_id = 'gh-512'");
        assertEquals("completed", t.get("status"));
        assertEquals(521, t.get("pr_number"));
        String out = db.text("SELECT decision_output FROM logic_flow WHERE decision_point = 'worker_finished'");
        assertTrue(out.contains("\"result\":\"completed\"") && out.contains("\"comment_posted\":true")
                && out.contains("issuecomment-3475539087"), out);
        assertEquals("0", db.text("SELECT json_extract(decision_input, '$.tokens_total') FROM logic_flow "
                + "WHERE decision_point = 'worker_finished'").replace(".0", ""));
        assertEquals("remove", db.text("SELECT operation FROM worktree_operations"));
    }

    @Test
    void completionBlockRetryAndPermanentFailureAndBlock() {
        Db db = ingest(Tac8.of(Tac8.banner(), Tac8.line("🏁 Worker w-111111 finished for gh-513",
                "   " + WARN + "  Worker exited in 3.2s (instant failure)", "   📊 Tokens: 0 in / 0 out / 0 total",
                "   ⚠️ Failed (attempt 1/3): pr_creation_failed", "   🔄 Will retry in 120s",
                "🏁 Worker w-222222 finished for gh-514", "   📊 Tokens: 0 in / 0 out / 0 total",
                "   ❌ Failed permanently after 3 attempts: unknown",
                "   🚨 Max attempts (3) reached - manual intervention required",
                "🏁 Worker w-333333 finished for gh-515", "   ⏰ Task gh-515 blocked - waiting for human",
                "🏁 Worker w-444444 finished for gh-516", "   ❌ Failed: No PR created")));
        assertEquals("pending", db.text("SELECT status FROM tasks WHERE task_id = 'gh-513'"));
        assertEquals("120", db.text("SELECT json_extract(decision_output, '$.backoff_s') FROM logic_flow "
                + "WHERE context_id = 'w-111111'"));
        assertEquals("failed", db.text("SELECT status FROM tasks WHERE task_id = 'gh-514'"));
        assertTrue(db.text("SELECT decision_output FROM logic_flow WHERE context_id = 'w-222222'").contains("Max "
                + "attempts (3)"));
        assertEquals("blocked", db.text("SELECT status FROM tasks WHERE task_id = 'gh-515'"));
        assertEquals("failed", db.text("SELECT status FROM tasks WHERE task_id = 'gh-516'"));
    }

    @Test
    void pythonWarningsAndGitWarningsAreWarningsAndAnUnknownLineIsKept() {
        Db db = ingest(Tac8.of(Tac8.banner(), Tac8.line(
                "/usr/lib/python3/dist-packages/requests/__init__.py:87: RequestsDependencyWarning: urllib3 mismatch",
                "warning: unable to rmdir 'trees/gh-452': Directory not empty",
                "❌ Something the catalogue does not know", "plain words")));
        assertEquals(2,
                db.count("SELECT COUNT(*) FROM system_events WHERE severity = 'warning' AND component IN ('python', "
                        + "'git')"));
        List<Map<String, Object>> unknown = db.rows("SELECT severity, message FROM system_events WHERE "
                + "event_type = 'unrecognized_line' ORDER BY event_id");
        assertEquals(2, unknown.size(), "nothing is dropped");
        assertEquals("error", unknown.get(0).get("severity"), "severity from the emoji");
        assertEquals("info", unknown.get(1).get("severity"));
    }

    @Test
    void tracebackAfterItsErrorLineIsItsStackTrace() {
        Db db = ingest(Tac8.of(Tac8.banner(),
                Tac8.line("❌ Error in main loop: Expecting value: line 1 column 1 (char 0)"),
                Tac8.traceback(), Tac8.line("📥 Found 1 new tasks from GitHub")));
        Map<String, Object> e = db.row("SELECT * FROM system_events WHERE event_type = 'main_loop_error'");
        String trace = (String) e.get("stack_trace");
        assertTrue(trace.startsWith("Traceback (most recent call last):\n"), trace);
        assertTrue(trace.endsWith("json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)"), trace);
        assertEquals(7, trace.split("\n").length);
        assertEquals(0, db.count("SELECT COUNT(*) FROM system_events WHERE event_type = 'traceback'"));
    }

    @Test
    void tracebackThatBufferingMovedBeforeItsErrorIsJoinedToIt() {
        // stderr is unbuffered, stdout block-buffered: the traceback lands first, the error line at the next flush
        Db db = ingest(Tac8.of(Tac8.traceback(), Tac8.line("Preparing worktree (new branch 'auto/w-123456')"),
                Tac8.banner(), Tac8.line("👶 Reaped unknown child (PID 41410, exit 1)",
                        "❌ Error in main loop: Expecting value: line 1 column 1 (char 0)")));
        assertEquals(1, db.count("SELECT COUNT(*) FROM coordinator_sessions"), "the banner adopts the session of the "
                + "lines before it");
        Map<String, Object> e = db.row("SELECT * FROM system_events WHERE event_type = 'main_loop_error'");
        assertTrue(((String) e.get("stack_trace")).endsWith("JSONDecodeError: Expecting value: line 1 column 1 (char "
                + "0)"));
        String details = (String) e.get("details");
        assertTrue(details.contains("\"traceback_reordered\":true"), details);
        assertTrue(details.contains("\"real_exit_code\":1") && details.contains("\"real_exit_derived\":true"), details);
        assertEquals(0, db.count("SELECT COUNT(*) FROM system_events WHERE event_type = 'traceback'"),
                "joined, not doubled");
    }

    @Test
    void chainedExceptionsStayOneTracebackAndAnUnjoinedOneIsKept() {
        Db db = ingest(Tac8.of(Tac8.line("Traceback (most recent call last):", "  File \"x.py\", line 1, in <module>",
                "KeyError: 'coordinator'", "", "During handling of the above exception, another exception occurred:",
                        "",
                "Traceback (most recent call last):", "  File \"y.py\", line 2, in load", "RuntimeError: bad config",
                "  with a second line of its message")));
        Map<String, Object> t = db.row("SELECT * FROM system_events WHERE event_type = 'traceback'");
        assertEquals("Python traceback: RuntimeError: bad config", t.get("message"));
        assertTrue(((String) t.get("stack_trace")).contains("KeyError: 'coordinator'\nDuring handling"));
        assertTrue(((String) t.get("stack_trace")).endsWith("with a second line of its message"));
    }

    @Test
    void gitOutputBeforeItsCreateLineIsAGitEventAndTheSpawnStillNamesTheBranch() {
        Db db = ingest(Tac8.of(Tac8.banner(), Tac8.line("Preparing worktree (new branch 'auto/w-abcdef')",
                "HEAD is now at 8d41f2a Merge pull request #598", "🌲 Creating worktree: " + R + "/trees/gh-5"),
                Tac8.spawn("gh-5", "w-abcdef", 9)));
        assertEquals(2, db.count("SELECT COUNT(*) FROM system_events WHERE event_type = 'git_output'"));
        assertEquals("auto/w-abcdef",
                db.text("SELECT branch_name FROM worktree_operations WHERE operation = 'create'"));
    }

    @Test
    void groupLinesWithoutTheirGroupAreKeptAsOrphans() {
        Db db = ingest(Tac8.of(Tac8.banner(), Tac8.line("📥 Found 1 new tasks from GitHub",
                "      - Has changes: True", "   ✓ Worker w-123abc started (PID: 77)",
                        "   📊 Tokens: 1 in / 2 out / 3 total")));
        assertEquals(3, db.count("SELECT COUNT(*) FROM system_events WHERE event_type = 'orphan_line'"));
        assertEquals(0, db.count("SELECT COUNT(*) FROM worker_sessions"), "no task to give the worker: not invented");
    }
}
