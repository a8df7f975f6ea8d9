package io.taclog.parse.tac8;

import java.util.Locale;

/**
 * TAC-8's error categorisation (error_handling.py, research section 6.4), reproduced so that a
 * launch failure in the log gets the failure type the coordinator itself would give it. The next
 * work-queue snapshot's META line records the type the coordinator actually stored.
 */
public final class FailureTypes {

    private FailureTypes() {
    }

    /** First match wins, on the lower-cased message, exactly in TAC-8's order. */
    public static String categorize(String message, Integer exitCode, Double durationSeconds) {
        String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (m.contains("worktree") || m.contains("already exists")) {
            return "worktree_error";
        }
        if (m.contains("pr") || m.contains("pull request")) {
            return "pr_creation_failed"; // any word containing "pr" ("process" too): TAC-8's own rule
        }
        if (m.contains("validation") || m.contains("invalid")) {
            return "validation_error";
        }
        if (m.contains("timeout") || m.contains("timed out")) {
            return "timeout";
        }
        if (exitCode != null && exitCode < 0) {
            return "crash";
        }
        if (durationSeconds != null && durationSeconds > 3600) {
            return "stuck";
        }
        return "unknown";
    }

    /** TAC-8's backoff after the given number of failures: 60 x 2^attempts s (300 x for startup errors). */
    public static long backoffSeconds(int attempts, String failureType) {
        long base = "startup_error".equals(failureType) ? 300 : 60;
        return base << Math.max(0, Math.min(attempts, 20));
    }
}
