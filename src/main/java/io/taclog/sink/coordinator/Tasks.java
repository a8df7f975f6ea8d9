package io.taclog.sink.coordinator;

import io.taclog.model.coordinator.Stamp;
import io.taclog.model.coordinator.TaskObserved;
import io.taclog.sink.WriteContext;
import io.taclog.sink.workers.WorkerLinker;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Task rows: created by whichever record names a task first (a detection, a status, a spawn, a
 * transcript), completed by the others in any order. The session of a task is the coordinator session
 * that detected it; placeholders of transcript-only or queue-only records give way to a real one.
 */
final class Tasks {

    private static final String UPGRADE_SESSION = "session_id = CASE WHEN tasks.session_id IN ('"
            + WorkerLinker.NO_COORDINATOR + "', '" + Sessions.QUEUE_ONLY + "') AND excluded.session_id NOT IN ('"
            + WorkerLinker.NO_COORDINATOR + "', '" + Sessions.QUEUE_ONLY + "') THEN excluded.session_id "
            + "ELSE tasks.session_id END";

    private Tasks() {
    }

    /** Makes sure a task row exists (a record that only names the task). */
    static void ensure(WriteContext ctx, String taskId, String sessionId, Stamp when, String origin)
            throws SQLException {
        String cacheKey = "task:" + taskId;
        if (ctx.txCache().containsKey(cacheKey)) {
            return;
        }
        PreparedStatement ps = ctx.statement("INSERT INTO tasks(task_id, session_id, detected_at, time_source, source, "
                + "issue_number, status, status_source, detection_seen) VALUES (?,?,?,?,?,?,'detected',?,0) "
                + "ON CONFLICT(task_id) DO UPDATE SET " + UPGRADE_SESSION + ", source = CASE WHEN tasks.source = "
                + "'transcript' THEN excluded.source ELSE tasks.source END RETURNING (detected_at = ?)");
        ps.setString(1, taskId);
        ps.setString(2, sessionId == null ? WorkerLinker.NO_COORDINATOR : sessionId);
        ps.setString(3, Sql.at(when));
        ps.setString(4, when.timeSource());
        ps.setString(5, sourceOf(taskId, origin));
        Sql.integer(ps, 6, WorkerLinker.issueNumber(taskId));
        ps.setString(7, origin);
        ps.setString(8, Sql.at(when));
        boolean stampedNow;
        try (var rs = ps.executeQuery()) {
            stampedNow = rs.next() && rs.getBoolean(1);
        }
        if (stampedNow) {
            Estimates.register(ctx, "tasks", taskId, "detected_at", when);
        }
        ctx.txCache().put(cacheKey, Boolean.TRUE);
    }

    /** A detection record: the task's details, and the earliest detection time wins. */
    static void detected(WriteContext ctx, TaskObserved t) throws SQLException {
        ensure(ctx, t.taskId(), t.sessionId(), t.when(), t.origin());
        PreparedStatement ps = ctx.statement("UPDATE tasks SET " + UPGRADE_SESSION.replace("excluded.session_id", "?1")
                + ", title = COALESCE(?2, title), priority = COALESCE(?3, priority), labels = COALESCE(?4, labels), "
                + "description = COALESCE(?5, description), issue_url = COALESCE(?6, issue_url), "
                + "issue_number = COALESCE(?7, issue_number), source = CASE WHEN ?8 IS NOT NULL AND (source IN "
                + "('transcript', 'coordinator-log', 'work-queue', 'coordinator-event') OR detection_seen = 0) "
                + "THEN ?8 ELSE source END, time_source = CASE WHEN ?9 < detected_at THEN ?10 ELSE time_source END, "
                + "detected_at = MIN(detected_at, ?9), detection_seen = 1 WHERE task_id = ?11");
        Sql.text(ps, 1, t.sessionId() == null ? WorkerLinker.NO_COORDINATOR : t.sessionId());
        Sql.text(ps, 2, t.title());
        Sql.integer(ps, 3, t.priority());
        Sql.text(ps, 4, t.labelsJson());
        Sql.text(ps, 5, t.description());
        Sql.text(ps, 6, t.issueUrl());
        Sql.integer(ps, 7, t.issueNumber());
        Sql.text(ps, 8, t.taskSource());
        ps.setString(9, Sql.at(t.when()));
        ps.setString(10, t.when().timeSource());
        ps.setString(11, t.taskId());
        ps.executeUpdate();
    }

    static String sourceOf(String taskId, String origin) {
        return taskId != null && taskId.startsWith("gh-") ? "github" : origin;
    }

    /** Recomputes a task's current status and lifecycle columns from its transitions (latest by time). */
    static void recompute(WriteContext ctx, String taskId) throws SQLException {
        PreparedStatement ps = ctx.statement(RECOMPUTE);
        ps.setString(1, taskId);
        ps.executeUpdate();
    }

    private static final String H = "FROM task_status_history h WHERE h.task_id = tasks.task_id";
    private static final String LATEST = " ORDER BY h.timestamp DESC, h.history_id DESC LIMIT 1)";
    private static final String FIRST = " ORDER BY h.timestamp, h.history_id LIMIT 1)";
    /**
     * The latest transition, a detection ranking below every other: a detection creates a task and fills its
     * details; seen again (a repeated event, the issue seen again on GitHub) it never moves the task back.
     */
    private static final String LATEST_STAGE =
            " ORDER BY h.to_status <> 'detected' DESC, h.timestamp DESC, h.history_id DESC LIMIT 1)";
    /** Closes an aggregate subquery, which reads all matching rows. */
    private static final String ALL = ")";

    private static final String RECOMPUTE = "UPDATE tasks SET "
            + fromHistory("status", "h.to_status", "", LATEST_STAGE)
            + fromHistory("status_source", "h.source", "", LATEST_STAGE)
            + latestKnown("worker_id")
            + latestKnown("worktree_path")
            + stamped("assigned", " AND h.to_status IN ('assigned', 'active')", FIRST)
            + stamped("started", " AND h.to_status = 'active'", FIRST)
            + stamped("completed", " AND h.to_status = 'completed'", LATEST)
            + stamped("failed", " AND h.to_status = 'failed'", LATEST)
            + fromHistory("failure_reason", "h.reason", " AND h.to_status = 'failed'", LATEST)
            + latestKnown("failure_type")
            + fromHistory("attempts", "MAX(h.attempt)", " AND h.to_status IN ('failed', 'pending')", ALL)
            + fromHistory("max_attempts", "MAX(h.max_attempts)", "", ALL)
            + latestKnown("pr_number")
            + latestKnown("pr_url")
            + "time_source = CASE WHEN (SELECT MIN(h.timestamp) " + H + ") < detected_at "
            + "THEN (SELECT h.time_source " + H + FIRST + " ELSE time_source END, "
            + "detected_at = MIN(detected_at, COALESCE((SELECT MIN(h.timestamp) " + H + "), detected_at)) "
            + "WHERE task_id = ?";

    /**
     * One SET item: {@code column} takes {@code value} from the task's history rows matching {@code where}, of
     * the row {@code pick} chooses (LATEST, FIRST) or over all of them (ALL, an aggregate); it keeps its value
     * when no row matches.
     */
    private static String fromHistory(String column, String value, String where, String pick) {
        return column + " = COALESCE((SELECT " + value + " " + H + where + pick + ", " + column + "), ";
    }

    /** The latest value a transition stated for a column that the history shares with the task. */
    private static String latestKnown(String column) {
        return fromHistory(column, "h." + column, " AND h." + column + " IS NOT NULL", LATEST);
    }

    /** An event's time ({@code <event>_at}) and its time source, from the same history row. */
    private static String stamped(String event, String where, String pick) {
        return fromHistory(event + "_at", "h.timestamp", where, pick)
                + fromHistory(event + "_time_source", "h.time_source", where, pick);
    }
}
