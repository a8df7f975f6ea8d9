package io.taclog.sink.coordinator;

import io.taclog.model.TimeSource;
import io.taclog.model.Times;
import io.taclog.model.coordinator.Sources;
import io.taclog.model.coordinator.TaskStatusChanged;
import io.taclog.sink.WriteContext;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Objects;

/**
 * Records task status transitions in {@code task_status_history} and derives the task's columns from
 * them. The same transition reported by two sources (the spawn line and the work queue's Active entry,
 * a launch failure and the queue's META line) is one row: the second confirms it, fills in what it
 * adds, and a recorded time replaces an observed or provisional one (which then anchors the backfill
 * estimate of the line that made it).
 */
public final class TaskTransitions {

    private TaskTransitions() {
    }

    /** Records a transition (used by the coordinator writers and by the transcript's PR writer). */
    public static void record(WriteContext ctx, TaskStatusChanged f) throws SQLException {
        Sessions.ensure(ctx, f.sessionId(), f.when(), f.source());
        Tasks.ensure(ctx, f.taskId(), f.sessionId(), f.when(), f.source());
        Long same = sameTransition(ctx, f);
        if (same != null) {
            confirm(ctx, same, f);
        } else if (!noOp(ctx, f)) {
            insert(ctx, f);
        }
        Tasks.recompute(ctx, f.taskId());
    }

    private static Long sameTransition(WriteContext ctx, TaskStatusChanged f) throws SQLException {
        PreparedStatement ps = ctx.statement("SELECT history_id FROM task_status_history h WHERE h.task_id = ?1 "
                + "AND h.to_status = ?2 AND ((?3 IS NOT NULL AND h.worker_id = ?3) "
                + "OR (?4 IS NOT NULL AND h.attempt = ?4 AND (h.worker_id IS NULL OR ?3 IS NULL)) "
                + "OR (?5 IS NOT NULL AND h.pr_number = ?5) "
                + "OR (?2 = 'completed' AND (h.pr_number IS NULL OR ?5 IS NULL) AND h.history_id = "
                + "(SELECT MAX(x.history_id) FROM task_status_history x WHERE x.task_id = ?1))) "
                // a different status in between makes this a new transition (back to active after a false end)
                + "AND NOT EXISTS (SELECT 1 FROM task_status_history y WHERE y.task_id = ?1 AND y.to_status <> ?2 "
                + "AND y.timestamp > h.timestamp AND y.timestamp <= ?6) "
                + "ORDER BY h.history_id LIMIT 1");
        ps.setString(1, f.taskId());
        ps.setString(2, f.toStatus());
        Sql.text(ps, 3, f.workerId());
        Sql.integer(ps, 4, f.attempt());
        Sql.integer(ps, 5, f.prNumber());
        ps.setString(6, Sql.at(f.when()));
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : null;
        }
    }

    /** The task already has this status with the same worker, attempt and PR: nothing new happened. */
    private static boolean noOp(WriteContext ctx, TaskStatusChanged f) throws SQLException {
        PreparedStatement ps = ctx.statement("SELECT to_status, worker_id, attempt, pr_number FROM task_status_history "
                + "WHERE task_id = ? ORDER BY history_id DESC LIMIT 1");
        ps.setString(1, f.taskId());
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return false;
            }
            return f.toStatus().equals(rs.getString(1)) && Objects.equals(f.workerId(), rs.getString(2))
                    && Objects.equals(f.attempt(), intOrNull(rs, 3)) && Objects.equals(f.prNumber(), intOrNull(rs, 4));
        }
    }

    private static void insert(WriteContext ctx, TaskStatusChanged f) throws SQLException {
        String from = Sql.one(ctx, "SELECT status FROM tasks WHERE task_id = ?", f.taskId());
        PreparedStatement ps = ctx.statement("INSERT INTO task_status_history(task_id, session_id, timestamp, "
                + "time_source, from_status, to_status, worker_id, reason, source, derived, evidence, attempt, "
                + "max_attempts, failure_type, pid, worktree_path, pr_number, pr_url, source_key) "
                + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(source_key) WHERE source_key IS NOT NULL "
                + "DO NOTHING");
        ps.setString(1, f.taskId());
        ps.setString(2, f.sessionId() == null ? io.taclog.sink.workers.WorkerLinker.NO_COORDINATOR : f.sessionId());
        ps.setString(3, Sql.at(f.when()));
        ps.setString(4, f.when().timeSource());
        Sql.text(ps, 5, from);
        ps.setString(6, f.toStatus());
        Sql.text(ps, 7, f.workerId());
        Sql.text(ps, 8, f.reason());
        ps.setString(9, f.derived() ? Sources.DERIVED : f.source());
        ps.setBoolean(10, f.derived());
        Sql.text(ps, 11, f.evidenceJson());
        Sql.integer(ps, 12, f.attempt());
        Sql.integer(ps, 13, f.maxAttempts());
        Sql.text(ps, 14, f.failureType());
        Sql.integer(ps, 15, f.pid());
        Sql.text(ps, 16, f.worktreePath());
        Sql.integer(ps, 17, f.prNumber());
        Sql.text(ps, 18, f.prUrl());
        Sql.text(ps, 19, f.key());
        if (ps.executeUpdate() == 1) {
            Estimates.register(ctx, "task_status_history", f.key(), "timestamp", f.when());
        }
    }

    private static void confirm(WriteContext ctx, long historyId, TaskStatusChanged f) throws SQLException {
        PreparedStatement read = ctx.statement(
                "SELECT timestamp, time_source, source_key, source FROM task_status_history WHERE history_id = ?");
        read.setLong(1, historyId);
        String oldSource;
        String oldKey;
        String oldTimeSource;
        try (ResultSet rs = read.executeQuery()) {
            rs.next();
            oldTimeSource = rs.getString(2);
            oldKey = rs.getString(3);
            oldSource = rs.getString(4);
        }
        boolean betterTime = TimeSource.RECORDED.equals(f.when().timeSource())
                && !TimeSource.RECORDED.equals(oldTimeSource);
        // the work queue's META line holds the failure type the coordinator itself stored
        boolean preferType = Sources.QUEUE.equals(f.source()) && f.failureType() != null;
        PreparedStatement ps = ctx.statement("UPDATE task_status_history SET worker_id = COALESCE(worker_id, ?1), "
                + "attempt = COALESCE(attempt, ?2), max_attempts = COALESCE(max_attempts, ?3), "
                + "failure_type = CASE WHEN ?4 = 1 THEN ?5 ELSE COALESCE(failure_type, ?5) END, pid = COALESCE(pid, ?6), "
                + "worktree_path = COALESCE(worktree_path, ?7), pr_number = COALESCE(pr_number, ?8), "
                + "pr_url = COALESCE(pr_url, ?9), reason = COALESCE(reason, ?10), "
                + "evidence = json_set(COALESCE(evidence, '{}'), '$.confirmed_by.' || ?11, ?12), "
                + "timestamp = CASE WHEN ?13 = 1 THEN ?14 ELSE timestamp END, "
                + "time_source = CASE WHEN ?13 = 1 THEN ?15 ELSE time_source END WHERE history_id = ?16");
        Sql.text(ps, 1, f.workerId());
        Sql.integer(ps, 2, f.attempt());
        Sql.integer(ps, 3, f.maxAttempts());
        ps.setBoolean(4, preferType);
        Sql.text(ps, 5, f.failureType());
        Sql.integer(ps, 6, f.pid());
        Sql.text(ps, 7, f.worktreePath());
        Sql.integer(ps, 8, f.prNumber());
        Sql.text(ps, 9, f.prUrl());
        Sql.text(ps, 10, f.reason());
        ps.setString(11, f.derived() ? Sources.DERIVED : f.source());
        Sql.text(ps, 12, f.key() == null ? f.reason() : f.key());
        ps.setBoolean(13, betterTime);
        ps.setString(14, Sql.at(f.when()));
        ps.setString(15, f.when().timeSource());
        ps.setLong(16, historyId);
        ps.executeUpdate();
        if (betterTime && oldKey != null && Sources.LOG.equals(oldSource)) {
            Estimates.recordedFor(ctx, "task_status_history", oldKey, "timestamp", f.when().at(),
                    "transition-" + f.toStatus());
        }
    }

    static Integer intOrNull(ResultSet rs, int column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    /** The instant of a stored time column, for writers that compare times. */
    static Instant instant(String text) {
        return Times.parseOrNull(text);
    }
}
