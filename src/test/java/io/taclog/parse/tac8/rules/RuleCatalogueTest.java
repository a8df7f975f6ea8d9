package io.taclog.parse.tac8.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every print template of the catalogue (research section 3.2, all versions, appendix A) matched by its
 * own rule with the right values. A rule without an example here fails the last test.
 */
class RuleCatalogueTest {

    private static final LineRules RULES = LineRules.bundled();
    private static final String R = "/home/shane/Desktop/circuit-synth";
    private static final String W = "\u26a0\ufe0f";

    /** id, line, whether a traceback is open, expected fields (a subset). */
    static Stream<Arguments> templates() {
        return Stream.of(
                t("R01", "🚀 Circuit-Synth Coordinator starting..."),
                t("R02", "   Config: " + R + "/adws/config.toml", "path", R + "/adws/config.toml"),
                t("R03", "   Tasks: " + R + "/tasks.md", "path", R + "/tasks.md"),
                t("R04", "   Max concurrent: 3", "count", "3"),
                t("S01", "🛑 Shutting down (signal 15)...", "signum", "15"),
                t("R13", "👋 Coordinator shutting down..."),
                t("B02", "✓ Budget tracking enabled: 5,000,000 tokens/month", "limit", "5,000,000"),
                t("B01", W + "  Budget tracking modules not available - continuing without budget monitoring"),
                t("R06", "📥 Found 1 new tasks from GitHub", "count", "1"),
                t("R07", "🗑\ufe0f  Removing gh-512 - no longer has rpi-auto label", "task", "gh-512", "label",
                        "rpi-auto"),
                t("R08", "   Removed 2 pending task(s) without rpi-auto label", "count", "2"),
                t("R09", "⏳ Task gh-514 in backoff: 116s remaining", "task", "gh-514", "remaining", "116"),
                t("R10", "🔄 Retry attempt 2/3 for gh-514", "attempt", "2", "max", "3", "task", "gh-514"),
                t("R11", "❌ Failed to launch worker for gh-452: Command '['git', 'worktree', 'add', '" + R
                        + "/trees/gh-452', '-b', 'auto/w-0afb14']' returned non-zero exit status 128.", "task",
                                "gh-452"),
                t("R12", "❌ Error in main loop: Expecting value: line 1 column 1 (char 0)", "error",
                        "Expecting value: line 1 column 1 (char 0)"),
                t("F01", W + "  Failed to fetch GitHub issues: Command '['gh', 'issue', 'list', '-R', "
                        + "'circuit-synth/circuit-synth', '-l', 'rpi-auto', '--json', 'number,title,labels', "
                        + "'--limit', '50']' returned non-zero exit status 1."),
                t("P01", W + "  Failed to parse metadata for gh-514: Expecting ',' delimiter", "task", "gh-514"),
                t("K01", "👶 Reaped worker w-899e35 (PID 245119, exit 0)", "worker", "w-899e35", "pid", "245119",
                        "exit", "0"),
                t("K01", "👶 Reaped worker w-899e35 (PID 245119, exit -9)", "exit", "-9"),
                t("K02", "👶 Reaped unknown child (PID 245188, exit 1)", "pid", "245188", "exit", "1"),
                t("K03", W + "  Error reaping child: [Errno 10] No child processes", "error",
                        "[Errno 10] No child processes"),
                t("W01", W + "  Worktree already exists: " + R + "/trees/gh-512", "path", R + "/trees/gh-512"),
                t("W02", "   Worktree has uncommitted changes", "hasChanges", true),
                t("W03", "   Worker not running - removing stale worktree", "action", "remove"),
                t("W04", "🔄 Removing stale worktree: " + R + "/trees/gh-512", "action", "remove"),
                t("W10", "   🔍 Worktree status check:"),
                t("W11", "      - Has changes: True", "hasChanges", "True"),
                t("W12", "      - Worker running: False", "workerRunning", "False"),
                t("W13", "      - Worker PID: None", "workerPid", "None"),
                t("W14", "   📝 Worktree has uncommitted changes (4 files)", "changedEntries", "4"),
                t("W15", "   \u23f8\ufe0f  Worker not running (PID None)", "workerPid", "None", "workerRunning", false),
                t("W16", "      - Most recent file change: 0.4 minutes ago", "fileMtimeAgeMinutes", "0.4"),
                t("W16", "      - Most recent file change: 29361874.2 minutes ago", "fileMtimeAgeMinutes",
                        "29361874.2"),
                t("W17", "   ✅ Recent changes detected - preserving completed work", "action", "preserve"),
                t("W18", "      Worktree appears to contain fresh work, not crash debris"),
                t("W19", "      Worker should commit its changes or be cleaned up later"),
                t("W20", "   🗑\ufe0f  Stale worktree detected (no recent changes) - removing", "action", "remove"),
                t("W21", "   " + W + "  Worker still running - worktree is active", "action", "keep_active"),
                t("W22", "   🔄 Worktree is clean - removing and recreating", "action", "remove"),
                t("W30", "   Git removal failed, manually deleting directory", "manualDelete", true),
                t("W31", "   Directory removed: " + R + "/trees/gh-512", "removedPath", R + "/trees/gh-512"),
                t("W32", "   Git remove exit code: 0", "gitExitCode", "0"),
                t("W33", "   Git stderr: fatal: '" + R + "/trees/gh-512' is not a working tree", "gitStderr",
                        "fatal: '" + R + "/trees/gh-512' is not a working tree"),
                t("W34", "   Directory still exists, manually deleting", "manualDelete", true),
                t("W35", "   ✓ Directory removed: " + R + "/trees/gh-512", "removed", true),
                t("W36", "   ✓ Directory removed by git", "removedBy", "git"),
                t("W37", "   Git couldn't remove worktree, deleting directory manually", "manualDelete", true),
                t("W38", "   ✓ Worktree removed", "removed", true),
                t("W05", "🌲 Creating worktree: " + R + "/trees/gh-512", "path", R + "/trees/gh-512"),
                t("W40", "      - Worker runtime: 312.5s", "workerRuntimeS", "312.5"),
                t("W41", "   ✅ Worker completed work - preserving worktree", "action", "preserve"),
                t("W42", "   🗑\ufe0f  Worker appears to have crashed early - removing stale worktree", "action",
                        "remove"),
                t("X01", "🤖 Spawning worker for gh-512", "task", "gh-512"),
                t("X02", "   Command: claude -p " + R + "/logs/gh-512-prompt.txt --model claude-sonnet-4-5 "
                        + "--output-format stream-json --verbose --dangerously-skip-permissions"),
                t("X03", "   ✓ Worker w-5c1e0b started (PID: 88213)", "worker", "w-5c1e0b", "pid", "88213"),
                t("X11", "🤖 Spawning TAC-X pipeline for gh-504", "task", "gh-504", "runner", "tac-x"),
                t("X12", "   ✓ TAC-X Pipeline w-899e35 started (PID: 245119)", "worker", "w-899e35"),
                t("X13", "   📋 Stages: Planning → Building → Reviewing → PR Creation", "stages",
                        "Planning → Building → Reviewing → PR Creation"),
                t("P10", "❌ Provider openrouter not available", "provider", "openrouter"),
                t("P11", "   Tried to route with attrs: {'priority': 'high', 'retry_count': 0}"),
                t("P12", "   Provider: claude-cli", "provider", "claude-cli"),
                t("P13", "   Model: claude-sonnet-4-5", "model", "claude-sonnet-4-5"),
                t("D01", "🏁 Worker w-5c1e0b finished for gh-512", "worker", "w-5c1e0b", "task", "gh-512"),
                t("D02", "   ⏰ Task blocked, needs human input"),
                t("D03", "   ✅ PR created: https://github.com/circuit-synth/circuit-synth/pull/521", "url",
                        "https://github.com/circuit-synth/circuit-synth/pull/521"),
                t("D04", "   ❌ Failed: No PR created", "error", "No PR created"),
                t("D05", "   ❌ Failed: Worker exited with code 1", "error", "Worker exited with code 1"),
                t("D10", "   " + W + "  Worker exited in 3.2s (instant failure)", "instantFailureS", "3.2"),
                t("D11", "   📊 Tokens: 0 in / 0 out / 0 total", "tokensIn", "0", "tokensTotal", "0"),
                t("A01", W + "  Error parsing stream-json output: Expecting value: line 1 column 1 (char 0)"),
                t("D12", "   ✅ Task gh-512 completed - PR #521", "task", "gh-512", "pr", "521"),
                t("G08", "https://github.com/circuit-synth/circuit-synth/issues/512#issuecomment-3475539087", "issue",
                        "512"),
                t("D13", "   💬 Posted comment to issue #512", "issue", "512"),
                t("D14", "   " + W + "  Failed to post comment: HTTP 403", "error", "HTTP 403"),
                t("D15", "   🧹 Cleaned up worktree: " + R + "/trees/gh-512", "path", R + "/trees/gh-512"),
                t("D16", "   " + W + "  Failed to clean up worktree: busy", "error", "busy"),
                t("D17", "   ⏰ Task gh-512 blocked - waiting for human", "task", "gh-512"),
                t("D18", "   ❌ Task gh-513 failed - no PR created", "task", "gh-513"),
                t("D24", "   ❌ Task gh-513 failed permanently: timeout", "task", "gh-513", "permanent", true),
                t("D19", "   ❌ Task gh-513 failed: boom", "error", "boom"),
                t("D20", "   ⚠️ Failed (attempt 1/3): pr_creation_failed", "attempt", "1", "failureType",
                        "pr_creation_failed"),
                t("D21", "   🔄 Will retry in 120s", "seconds", "120"),
                t("D22", "   ❌ Failed permanently after 3 attempts: unknown", "attempts", "3", "failureType",
                        "unknown"),
                t("D23", "   🚨 Max attempts (3) reached - manual intervention required"),
                t("D23", "   ⚠️ Repeated unknown failures detected"),
                t("D23", "   ⚠️ Task health is CRITICAL - 2/3 attempts"),
                t("G01", "Preparing worktree (new branch 'auto/w-5c1e0b')", "branch", "auto/w-5c1e0b"),
                t("G02", "Preparing worktree (checking out 'auto/w-5c1e0b')", "branch", "auto/w-5c1e0b"),
                t("G03", "HEAD is now at 42b8e44 docs: Update coordinator.py docstring (#471) (#499)", "commit",
                        "42b8e44"),
                t("G04", "fatal: '" + R + "/trees/gh-452' already exists"),
                t("G05", "error: unable to write file src/circuit_synth/__init__.py"),
                t("G06", "warning: unable to rmdir 'trees/gh-452': Directory not empty"),
                t("N01", "nohup: ignoring input"),
                t("Y01", "/usr/lib/python3/dist-packages/requests/__init__.py:87: RequestsDependencyWarning: "
                        + "urllib3 (2.2.1) doesn't match a supported version!", "category",
                                "RequestsDependencyWarning"),
                t("T01", "Traceback (most recent call last):"),
                tb("T02", "  File \"" + R + "/adws/coordinator.py\", line 976, in run", "line", "976", "function",
                        "run"),
                t("T03", "During handling of the above exception, another exception occurred:"),
                t("T03", "The above exception was the direct cause of the following exception:"),
                tb("T04", "    issues = self.fetch_github_issues()"),
                tb("T04", "             ^^^^^^^^^^^^^^^^^^^^^^^^^^"),
                tb("T05", "json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)", "type",
                        "json.decoder.JSONDecodeError"),
                tb("T05", "KeyboardInterrupt", "type", "KeyboardInterrupt"));
    }

    private static Arguments t(String id, String line, Object... fields) {
        return Arguments.of(id, line, false, map(fields));
    }

    private static Arguments tb(String id, String line, Object... fields) {
        return Arguments.of(id, line, true, map(fields));
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("templates")
    void eachTemplateIsMatchedByItsOwnRuleWithItsValues(String id, String line, boolean inTraceback,
                                                        Map<String, Object> fields) {
        RuleMatch m = RULES.match(line, inTraceback);
        assertNotNull(m, "no rule matched: " + line);
        assertEquals(id, m.id(), "wrong rule for: " + line);
        fields.forEach((k, v) -> assertEquals(v, m.fields().get(k), id + " field " + k));
    }

    @Test
    void everyRuleOfTheBundledFileHasAnExampleHere() {
        Set<String> covered = new TreeSet<>();
        templates().forEach(a -> covered.add((String) a.get()[0]));
        covered.add("R05"); // blank lines never reach the rules: the classifier counts them as skipped
        Set<String> all = new TreeSet<>();
        RULES.rules().forEach(r -> all.add(r.id()));
        Set<String> missing = new TreeSet<>(all);
        missing.removeAll(covered);
        assertTrue(missing.isEmpty(), "rules without an example in this test: " + missing);
    }

    @Test
    void tracebackOnlyRulesDoNotMatchOutsideATraceback() {
        assertNull(RULES.match("json.decoder.JSONDecodeError: Expecting value", false));
        assertNull(RULES.match("    issues = self.fetch_github_issues()", false));
        assertNull(RULES.match("something the coordinator never printed", false));
    }

    @Test
    void warningEmojiWithoutItsVariationSelectorIsADifferentLine() {
        // research 3.2: ⚠️ is U+26A0 U+FE0F; a line without the selector is not the template
        assertNull(RULES.match("\u26a0  Worktree already exists: " + R + "/trees/gh-512", false));
    }
}
