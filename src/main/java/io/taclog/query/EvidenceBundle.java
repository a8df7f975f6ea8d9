package io.taclog.query;

import io.taclog.model.Times;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything about one task that a reviewer may want attached to its PR: the decision trail, status
 * history, worktree operations, each worker's conversation and tool calls, the cost breakdown with the
 * price version behind every estimate, and the errors. A plain map tree (rendered as JSON or Markdown).
 */
public final class EvidenceBundle {

    /** Bumped when the bundle's shape changes incompatibly. */
    public static final int VERSION = 1;

    private final Connection db;

    public EvidenceBundle(Connection db) {
        this.db = db;
    }

    /** Null when the task does not exist. */
    public Map<String, Object> build(String taskId, Instant now) throws SQLException {
        TaskStory.Story story = new TaskStory(db).load(taskId, true);
        if (story == null) {
            return null;
        }
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("bundle_version", VERSION);
        b.put("generated_at", Times.format(now));
        b.put("task", story.task());
        b.put("totals", story.totals());
        b.put("decisions", new DecisionsQuery(db).forTask(taskId));
        b.put("status_history", Schema.hasTable(db, "task_status_history")
                ? Rows.query(db, "SELECT * FROM task_status_history WHERE task_id = ? ORDER BY timestamp, history_id", taskId)
                : List.of());
        b.put("triggers", Rows.query(db, "SELECT * FROM action_triggers WHERE task_id = ? ORDER BY timestamp, trigger_id", taskId));
        b.put("worktree_operations", Rows.query(db,
                "SELECT * FROM worktree_operations WHERE task_id = ? ORDER BY timestamp, operation_id", taskId));
        List<Map<String, Object>> workers = new ArrayList<>();
        for (TaskStory.WorkerSummary w : story.workers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("summary", w);
            m.put("cost_breakdown", Rows.query(db, "SELECT model, is_sidechain, COUNT(*) AS calls, "
                    + "SUM(tokens_input) AS tokens_input, SUM(tokens_output) AS tokens_output, "
                    + "SUM(tokens_cached_read) AS tokens_cache_read, "
                    + "SUM(tokens_cache_write_5m) AS tokens_cache_write_5m, "
                    + "SUM(tokens_cache_write_1h) AS tokens_cache_write_1h, SUM(estimated_cost_usd) AS estimated_usd, "
                    + "SUM(estimated_cost_usd IS NULL) AS unpriced_calls, GROUP_CONCAT(DISTINCT price_version) AS "
                    + "price_versions FROM api_calls WHERE worker_id = ? GROUP BY model, is_sidechain", w.workerId()));
            m.put("reported_model_usage", Rows.query(db,
                    "SELECT * FROM worker_model_usage WHERE worker_id = ? ORDER BY model", w.workerId()));
            m.put("tool_calls", Rows.query(db, "SELECT tool_use_id, tool_name, called_at, answered_at, tool_success, "
                    + "tool_latency_ms, unanswered, is_sidechain FROM tool_calls "
                    + "WHERE worker_id = ? ORDER BY called_at NULLS FIRST, tool_use_id",
                    w.workerId()));
            m.put("conversation", Rows.query(db, "SELECT message_index, timestamp, time_source, role, content_type, "
                    + "CASE WHEN content_type IN ('tool_use', 'tool_result') THEN NULL ELSE content END AS content, "
                    + "tool_name, tool_input, tool_output, tool_success, tool_use_id, is_sidechain, model "
                    + "FROM conversations WHERE worker_id = ? ORDER BY message_index", w.workerId()));
            workers.add(m);
        }
        b.put("workers", workers);
        b.put("errors", Rows.query(db, "SELECT timestamp, severity, event_type, component, worker_id, message, "
                + "stack_trace FROM system_events WHERE (task_id = ? OR worker_id IN (SELECT worker_id FROM "
                + "worker_sessions WHERE task_id = ?)) AND severity IN ('warning', 'error', 'critical') "
                + "ORDER BY timestamp, event_id", taskId, taskId));
        return b;
    }
}
