package io.taclog.testing.coordinator;

/** TAC-8 lines for tests, exactly as the coordinator prints them (research section 3.2). */
public final class Tac8 {

    public static final String R = "/home/demo/orbit";
    public static final String WARN = "\u26a0\ufe0f";
    public static final String PAUSE = "\u23f8\ufe0f";
    public static final String BIN = "\ud83d\uddd1\ufe0f";

    private Tac8() {
    }

    public static String[] banner() {
        return new String[] {"🚀 Circuit-Synth Coordinator starting...", "   Config: " + R + "/adws/config.toml",
            "   Tasks: " + R + "/tasks.md", "   Max concurrent: 1", ""};
    }

    public static String[] spawn(String task, String worker, int pid) {
        return new String[] {"🤖 Spawning worker for " + task, "   Command: claude -p " + R + "/logs/" + task
                + "-prompt.txt --model claude-sonnet-4-5 --output-format stream-json --verbose "
                + "--dangerously-skip-permissions", "   ✓ Worker " + worker + " started (PID: " + pid + ")"};
    }

    public static String[] create(String task, String worker) {
        return new String[] {"🌲 Creating worktree: " + R + "/trees/" + task,
            "Preparing worktree (new branch 'auto/" + worker + "')", "HEAD is now at 8d41f2a Merge pull request #598"};
    }

    public static String[] preserve(String task) {
        return new String[] {WARN + "  Worktree already exists: " + R + "/trees/" + task,
            "   🔍 Worktree status check:", "      - Has changes: True", "      - Worker running: False",
            "      - Worker PID: None", "   📝 Worktree has uncommitted changes (3 files)",
            "   " + PAUSE + "  Worker not running (PID None)", "      - Most recent file change: 0.4 minutes ago",
            "   ✅ Recent changes detected - preserving completed work",
            "      Worktree appears to contain fresh work, not crash debris",
            "      Worker should commit its changes or be cleaned up later"};
    }

    public static String[] cleanRemove(String task) {
        return new String[] {WARN + "  Worktree already exists: " + R + "/trees/" + task,
            "   🔍 Worktree status check:", "      - Has changes: False", "      - Worker running: False",
            "      - Worker PID: None", "   🔄 Worktree is clean - removing and recreating",
            "   Git couldn't remove worktree, deleting directory manually", "   ✓ Worktree removed"};
    }

    public static String[] shutdown() {
        return new String[] {"", "🛑 Shutting down (signal 15)...", "", "👋 Coordinator shutting down..."};
    }

    public static String[] traceback() {
        return new String[] {"Traceback (most recent call last):",
            "  File \"" + R + "/adws/coordinator.py\", line 976, in run", "    issues = self.fetch_github_issues()",
            "             ^^^^^^^^^^^^^^^^^^^^^^^^^^",
            "  File \"/usr/lib/python3.11/json/decoder.py\", line 355, in raw_decode",
            "    raise JSONDecodeError(\"Expecting value\", s, err.value) from None",
            "json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)"};
    }

    /** Concatenates groups of lines. */
    public static String[] of(String[]... groups) {
        return java.util.Arrays.stream(groups).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }

    public static String[] line(String... l) {
        return l;
    }
}
