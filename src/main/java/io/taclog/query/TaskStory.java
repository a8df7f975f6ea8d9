package io.taclog.query;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A task's whole story: the task row, each worker with its duration, calls, tokens, cost (reported where
 * the transcript has it, else estimated), tool calls and errors, and a timeline in time order of
 * triggers, decisions with their reasons, status transitions, worktree operations, worker lifecycle,
 * errors and the PR. Cost rolls up from calls to workers to the task.
 */
public final class TaskStory {

    private final Connection db;

    public TaskStory(Connection db) {
        this.db = db;
    }

    /** One worker of the task with its roll-ups. */
    public record WorkerSummary(String workerId, String status, String spawnedAt, String endedAt,
                                Double durationMinutes, Long exitCode, String failureReason, String model,
                                String agentSessionId, long calls, long sidechainCalls, long tokensInput,
                                long tokensOutput, long tokensCacheRead, long tokensCacheWrite, double estimatedUsd,
                                double sidechainEstimatedUsd, Double reportedUsd, double costUsd, String basis,
                                long unpricedCalls, long toolCalls, long toolFailures, long unansweredToolCalls,
                                String slowestTool, Double slowestToolMs, long errors) {
    }

    /** One entry of the timeline. */
    public record Event(String at, String timeSource, String kind, String summary, Map<String, Object> details) {
    }

    /** The story; {@code task} holds the tasks row and the rolled-up totals. */
    public record Story(Map<String, Object> task, List<WorkerSummary> workers, List<Event> timeline,
                        Map<String, Object> totals) {
    }

    /** Null when the task does not exist. */
    public Story load(String taskId, boolean full) throws SQLException {
        Map<String, Object> task = Rows.one(db, "SELECT * FROM tasks WHERE task_id = ?", taskId);
        if (task == null) {
            return null;
        }
        List<WorkerSummary> workers = new ArrayList<>();
        for (Map<String, Object> w : Rows.query(db, "SELECT * FROM worker_sessions WHERE task_id = ? "
                + "ORDER BY spawned_at NULLS FIRST, worker_id", taskId)) {
            workers.add(summarize(w));
        }
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("workers", (long) workers.size());
        totals.put("calls", workers.stream().mapToLong(WorkerSummary::calls).sum());
        totals.put("sidechain_calls", workers.stream().mapToLong(WorkerSummary::sidechainCalls).sum());
        totals.put("tokens_input", workers.stream().mapToLong(WorkerSummary::tokensInput).sum());
        totals.put("tokens_output", workers.stream().mapToLong(WorkerSummary::tokensOutput).sum());
        totals.put("tokens_cache_read", workers.stream().mapToLong(WorkerSummary::tokensCacheRead).sum());
        totals.put("tokens_cache_write", workers.stream().mapToLong(WorkerSummary::tokensCacheWrite).sum());
        totals.put("estimated_usd", workers.stream().mapToDouble(WorkerSummary::estimatedUsd).sum());
        totals.put("cost_usd", workers.stream().mapToDouble(WorkerSummary::costUsd).sum());
        totals.put("basis", basis(workers));
        totals.put("tool_calls", workers.stream().mapToLong(WorkerSummary::toolCalls).sum());
        totals.put("tool_failures", workers.stream().mapToLong(WorkerSummary::toolFailures).sum());
        totals.put("errors", workers.stream().mapToLong(WorkerSummary::errors).sum());
        List<Event> timeline = full ? timeline(taskId, task, workers) : List.of();
        return new Story(task, workers, timeline, totals);
    }

    private static String basis(List<WorkerSummary> workers) {
        boolean r = workers.stream().anyMatch(w -> "reported".equals(w.basis()));
        boolean e = workers.stream().anyMatch(w -> "estimated".equals(w.basis()) && w.calls() > 0);
        return r && e ? "mixed" : r ? "reported" : "estimated";
    }

    private WorkerSummary summarize(Map<String, Object> w) throws SQLException {
        String id = (String) w.get("worker_id");
        Map<String, Object> calls = Rows.one(db, "SELECT COUNT(*) AS n, COALESCE(SUM(is_sidechain), 0) AS side, "
                + "COALESCE(SUM(tokens_input), 0) AS i, COALESCE(SUM(tokens_output), 0) AS o, "
                + "COALESCE(SUM(tokens_cached_read), 0) AS cr, COALESCE(SUM(tokens_cached_write), 0) AS cw, "
                + "COALESCE(SUM(estimated_cost_usd), 0) AS est, "
                + "COALESCE(SUM(CASE WHEN is_sidechain = 1 THEN estimated_cost_usd END), 0) AS side_est, "
                + "COALESCE(SUM(estimated_cost_usd IS NULL), 0) AS unpriced FROM api_calls WHERE worker_id = ?", id);
        Map<String, Object> tools = Rows.one(db, "SELECT COUNT(*) AS n, COALESCE(SUM(tool_success = 0), 0) AS failed, "
                + "COALESCE(SUM(unanswered), 0) AS unanswered FROM tool_calls WHERE worker_id = ?", id);
        Map<String, Object> slowest = Rows.one(db, "SELECT tool_name, tool_latency_ms FROM tool_calls "
                + "WHERE worker_id = ? AND tool_latency_ms IS NOT NULL ORDER BY tool_latency_ms DESC, tool_use_id LIMIT 1", id);
        long errors = Rows.lng(Rows.one(db, "SELECT COUNT(*) AS n FROM system_events WHERE worker_id = ? "
                + "AND severity IN ('error', 'critical')", id).get("n"));
        Double reported = w.get("reported_cost_usd") == null ? null : Rows.dbl(w.get("reported_cost_usd"));
        double est = Rows.dbl(calls.get("est"));
        String ended = w.get("completed_at") != null ? (String) w.get("completed_at") : (String) w.get("failed_at");
        // boxed on both sides: a worker still running has no end, and unboxing its null minutes threw
        Double minutes = w.get("duration_ms") != null ? Double.valueOf(Rows.dbl(w.get("duration_ms")) / 60000.0)
                : Durations.minutesBetween((String) w.get("spawned_at"), ended);
        return new WorkerSummary(id, (String) w.get("status"), (String) w.get("spawned_at"), ended, minutes,
                w.get("exit_code") == null ? null : Rows.lng(w.get("exit_code")), (String) w.get("failure_reason"),
                (String) w.get("model"), (String) w.get("agent_session_id"), Rows.lng(calls.get("n")),
                Rows.lng(calls.get("side")), Rows.lng(calls.get("i")), Rows.lng(calls.get("o")),
                Rows.lng(calls.get("cr")), Rows.lng(calls.get("cw")), est, Rows.dbl(calls.get("side_est")), reported,
                reported != null ? reported : est, reported != null ? "reported" : "estimated",
                Rows.lng(calls.get("unpriced")), Rows.lng(tools.get("n")), Rows.lng(tools.get("failed")),
                Rows.lng(tools.get("unanswered")), slowest == null ? null : (String) slowest.get("tool_name"),
                slowest == null ? null : Rows.dbl(slowest.get("tool_latency_ms")), errors);
    }

    private List<Event> timeline(String taskId, Map<String, Object> task, List<WorkerSummary> workers)
            throws SQLException {
        List<Event> events = new ArrayList<>();
        events.add(new Event((String) task.get("detected_at"), (String) task.get("time_source"), "detected",
                "task " + taskId + " detected (" + task.get("source") + ")" + title(task), Map.of()));
        for (Map<String, Object> r : Rows.query(db, "SELECT * FROM action_triggers WHERE task_id = ?", taskId)) {
            events.add(event(r, "timestamp", "trigger", r.get("trigger_type") + " from " + r.get("trigger_source")));
        }
        for (Map<String, Object> r : Rows.query(db, "SELECT * FROM logic_flow WHERE context_id = ?", taskId)) {
            String reason = r.get("decision_reason") == null ? "" : ": " + r.get("decision_reason");
            events.add(event(r, "timestamp", "decision", r.get("function_name") + " / " + r.get("decision_point")
                    + reason));
        }
        if (Schema.hasTable(db, "task_status_history")) {
            for (Map<String, Object> r : Rows.query(db, "SELECT * FROM task_status_history WHERE task_id = ?",
                    taskId)) {
                events.add(event(r, "timestamp", "status", (r.get("from_status") == null ? "" : r.get("from_status")
                        + " -> ") + r.get("to_status") + (r.get("worker_id") == null ? "" : " (" + r.get("worker_id")
                        + ")") + (r.get("reason") == null ? "" : ": " + r.get("reason"))));
            }
        }
        for (Map<String, Object> r : Rows.query(db, "SELECT * FROM worktree_operations WHERE task_id = ?", taskId)) {
            String reason = r.get("decision_reason") == null ? "" : ": " + r.get("decision_reason");
            events.add(event(r, "timestamp", "worktree", r.get("operation") + " " + r.get("worktree_path") + reason));
        }
        for (WorkerSummary w : workers) {
            events.add(new Event(w.spawnedAt(), null, "worker", "worker " + w.workerId() + " spawned",
                    Map.of("worker_id", w.workerId())));
            if (w.endedAt() != null) {
                events.add(new Event(w.endedAt(), null, "worker", "worker " + w.workerId() + " " + w.status()
                        + (w.exitCode() == null ? "" : " (exit " + w.exitCode() + ")")
                        + (w.failureReason() == null ? "" : ": " + w.failureReason()),
                        Map.of("worker_id", w.workerId())));
            }
        }
        for (Map<String, Object> r : Rows.query(db, "SELECT * FROM system_events WHERE task_id = ? OR worker_id IN "
                + "(SELECT worker_id FROM worker_sessions WHERE task_id = ?)", taskId, taskId)) {
            events.add(event(r, "timestamp", "event", r.get("severity") + " " + r.get("event_type") + ": "
                    + r.get("message")));
        }
        if (task.get("pr_number") != null) {
            events.add(new Event((String) task.get("completed_at"), null, "pr", "PR #" + task.get("pr_number")
                    + (task.get("pr_url") == null ? "" : " " + task.get("pr_url")), Map.of()));
        }
        events.sort(Comparator.comparing((Event e) -> e.at() == null ? "~" : e.at()));
        return events;
    }

    private static String title(Map<String, Object> task) {
        return task.get("title") == null ? "" : ": " + task.get("title");
    }

    private static Event event(Map<String, Object> r, String timeColumn, String kind, String summary) {
        Map<String, Object> details = new LinkedHashMap<>(r);
        details.remove(timeColumn);
        return new Event((String) r.get(timeColumn), (String) r.get("time_source"), kind, summary, details);
    }
}
