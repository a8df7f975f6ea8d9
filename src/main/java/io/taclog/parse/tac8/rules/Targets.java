package io.taclog.parse.tac8.rules;

import java.util.Map;
import java.util.Set;

/**
 * The targets a rule can name, and the fields each one needs. A rules file that names an unknown
 * target, or leaves out a required field, is refused at start.
 */
public final class Targets {

    private static final Map<String, Set<String>> REQUIRED = Map.ofEntries(
            Map.entry("session.start", Set.of()),
            Map.entry("session.config", Set.of("path")),
            Map.entry("session.tasks_file", Set.of("path")),
            Map.entry("session.max_workers", Set.of("count")),
            Map.entry("session.blank", Set.of()),
            Map.entry("session.signal", Set.of("signum")),
            Map.entry("session.end", Set.of()),
            Map.entry("session.budget", Set.of("limit")),
            Map.entry("poll.found", Set.of("count")),
            Map.entry("label.removed", Set.of("task")),
            Map.entry("label.summary", Set.of("count")),
            Map.entry("retry.backoff", Set.of("task", "remaining")),
            Map.entry("retry.attempt", Set.of("task", "attempt")),
            Map.entry("launch.failed", Set.of("task", "error")),
            Map.entry("loop.error", Set.of("error")),
            Map.entry("github.fetch_failed", Set.of("error")),
            Map.entry("reaper.worker", Set.of("worker", "exit")),
            Map.entry("reaper.child", Set.of("pid", "exit")),
            Map.entry("worktree.exists", Set.of("path")),
            Map.entry("worktree.header", Set.of()),
            Map.entry("worktree.field", Set.of()),
            Map.entry("worktree.decide", Set.of("action")),
            Map.entry("worktree.note", Set.of()),
            Map.entry("worktree.removal", Set.of()),
            Map.entry("worktree.create", Set.of("path")),
            Map.entry("spawn.start", Set.of("task")),
            Map.entry("spawn.command", Set.of("command")),
            Map.entry("spawn.started", Set.of("worker", "pid")),
            Map.entry("spawn.detail", Set.of()),
            Map.entry("spawn.provider_unavailable", Set.of("provider")),
            Map.entry("completion.start", Set.of("worker", "task")),
            Map.entry("completion.field", Set.of()),
            Map.entry("completion.pr", Set.of()),
            Map.entry("completion.comment", Set.of("issue")),
            Map.entry("completion.comment_url", Set.of("url")),
            Map.entry("completion.comment_failed", Set.of("error")),
            Map.entry("completion.cleanup", Set.of("path")),
            Map.entry("completion.cleanup_failed", Set.of("error")),
            Map.entry("completion.blocked", Set.of()),
            Map.entry("completion.failed", Set.of()),
            Map.entry("completion.retry", Set.of("attempt", "failureType")),
            Map.entry("completion.retry_in", Set.of("seconds")),
            Map.entry("completion.failed_permanently", Set.of("failureType")),
            Map.entry("completion.alert", Set.of("alert")),
            Map.entry("git.preparing", Set.of("branch")),
            Map.entry("git.head", Set.of("commit")),
            Map.entry("git.error", Set.of("message")),
            Map.entry("event", Set.of()),
            Map.entry("traceback.start", Set.of()),
            Map.entry("traceback.frame", Set.of()),
            Map.entry("traceback.chain", Set.of()),
            Map.entry("traceback.line", Set.of()),
            Map.entry("traceback.exception", Set.of("type")));

    public static final Set<String> SEVERITIES = Set.of("debug", "info", "warning", "error", "critical");

    private Targets() {
    }

    public static boolean known(String target) {
        return REQUIRED.containsKey(target);
    }

    public static Set<String> required(String target) {
        return REQUIRED.getOrDefault(target, Set.of());
    }

    public static Set<String> all() {
        return REQUIRED.keySet();
    }
}
