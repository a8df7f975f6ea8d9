package io.taclog.sink.coordinator;

import io.taclog.model.coordinator.WorktreeOperation;
import io.taclog.parse.tac8.JsonObj;
import io.taclog.sink.FactWriter;
import io.taclog.sink.WriteContext;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Worktree operations, one row per operation key: the group's later lines fill in inputs, the branch,
 * the worker, git's errors (non-null fields replace, the decision logic is merged). A fact without an
 * operation only completes an existing row. Removing a worktree while a worker of its task still runs
 * is reported as a derived warning (TAC-8 deletes a clean worktree under its running worker).
 */
public final class WorktreeOperationWriter implements FactWriter<WorktreeOperation> {

    @Override
    public Class<WorktreeOperation> type() {
        return WorktreeOperation.class;
    }

    @Override
    public void write(WorktreeOperation o, WriteContext ctx) throws SQLException {
        if (o.operation() == null) {
            patch(o, ctx);
            return;
        }
        Sessions.ensure(ctx, o.sessionId(), o.when(), o.source());
        Sessions.touch(ctx, o.sessionId(), o.when());
        Tasks.ensure(ctx, o.taskId(), o.sessionId(), o.when(), o.source());
        PreparedStatement ps =
                ctx.statement("INSERT INTO worktree_operations(session_id, task_id, timestamp, operation, "
                + "worktree_path, branch_name, decision_reason, had_changes, was_clean, worker_running, worker_pid, "
                + "file_mtime_age_minutes, decision_logic, time_source, source, source_key, derived, worker_id) "
                + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(source_key) WHERE source_key IS NOT NULL "
                + "DO NOTHING");
        ps.setString(1, o.sessionId());
        ps.setString(2, o.taskId());
        ps.setString(3, Sql.at(o.when()));
        ps.setString(4, o.operation());
        ps.setString(5, o.worktreePath());
        Sql.text(ps, 6, o.branchName());
        Sql.text(ps, 7, o.reason());
        Sql.bool(ps, 8, o.hadChanges());
        Sql.bool(ps, 9, o.wasClean());
        Sql.bool(ps, 10, o.workerRunning());
        Sql.integer(ps, 11, o.workerPid());
        Sql.real(ps, 12, o.mtimeAgeMinutes());
        Sql.text(ps, 13, o.logicJson());
        ps.setString(14, o.when().timeSource());
        Sql.text(ps, 15, o.derived() ? io.taclog.model.coordinator.Sources.DERIVED : o.source());
        Sql.text(ps, 16, o.key());
        ps.setBoolean(17, o.derived());
        Sql.text(ps, 18, o.workerId());
        if (ps.executeUpdate() == 1) {
            Estimates.register(ctx, "worktree_operations", o.key(), "timestamp", o.when());
            if ("remove".equals(o.operation()) && !o.derived()) {
                removedUnderRunningWorker(o, ctx);
            }
        } else {
            patch(o, ctx);
        }
    }

    private static void patch(WorktreeOperation o, WriteContext ctx) throws SQLException {
        PreparedStatement ps = ctx.statement("UPDATE worktree_operations SET branch_name = COALESCE(?1, branch_name), "
                + "decision_reason = COALESCE(?2, decision_reason), had_changes = COALESCE(?3, had_changes), "
                + "was_clean = COALESCE(?4, was_clean), worker_running = COALESCE(?5, worker_running), "
                + "worker_pid = COALESCE(?6, worker_pid), file_mtime_age_minutes = COALESCE(?7, "
                + "file_mtime_age_minutes), decision_logic = CASE WHEN ?8 IS NULL THEN decision_logic "
                + "ELSE json_patch(COALESCE(decision_logic, '{}'), ?8) END, worker_id = COALESCE(?9, worker_id) "
                + "WHERE source_key = ?10");
        Sql.text(ps, 1, o.branchName());
        Sql.text(ps, 2, o.reason());
        Sql.bool(ps, 3, o.hadChanges());
        Sql.bool(ps, 4, o.wasClean());
        Sql.bool(ps, 5, o.workerRunning());
        Sql.integer(ps, 6, o.workerPid());
        Sql.real(ps, 7, o.mtimeAgeMinutes());
        Sql.text(ps, 8, o.logicJson());
        Sql.text(ps, 9, o.workerId());
        ps.setString(10, o.key());
        ps.executeUpdate();
    }

    /**
     * TAC-8 decides on a worktree without knowing that earlier workers of the task still run in it
     * (W12 always says False for a re-detected task): removing it pulls the directory from under them.
     */
    private static void removedUnderRunningWorker(WorktreeOperation o, WriteContext ctx) throws SQLException {
        PreparedStatement ps =
                ctx.statement("SELECT worker_id, pid FROM worker_sessions WHERE task_id = ? AND origin = "
                + "'coordinator' AND pid IS NOT NULL AND status IN ('spawned', 'running') ORDER BY spawned_at, "
                + "worker_id");
        ps.setString(1, o.taskId());
        List<String> running = new ArrayList<>();
        List<Integer> pids = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                running.add(rs.getString(1));
                pids.add(rs.getInt(2));
            }
        }
        if (running.isEmpty()) {
            return;
        }
        String key = o.key() + ":under-running-worker";
        PreparedStatement ev = ctx.statement("INSERT INTO system_events(session_id, timestamp, event_type, severity, "
                + "component, message, details, task_id, worker_id, time_source, source, source_key, derived) "
                + "VALUES (?,?,'worktree_removed_under_running_worker','warning','derived',?,?,?,?,?,'derived',?,1) "
                + "ON CONFLICT(source_key) WHERE source_key IS NOT NULL DO NOTHING");
        ev.setString(1, o.sessionId());
        ev.setString(2, Sql.at(o.when()));
        ev.setString(3, "worktree " + o.worktreePath() + " removed while worker(s) " + String.join(", ", running)
                + " of " + o.taskId() + " still ran in it");
        ev.setString(4, JsonObj.of().put("derived", true).put("rule", "remove_while_worker_running")
                .put("operation", o.key()).put("running_workers", running).put("pids", pids)
                .put("coordinator_saw_worker_running", o.workerRunning())
                .put("why", "TAC-8 computes 'Worker running' from the re-detected task's PID, which is None, so it "
                        + "never sees the workers it started earlier (research section 3.2)").json());
        ev.setString(5, o.taskId());
        ev.setString(6, running.get(running.size() - 1));
        ev.setString(7, o.when().timeSource());
        ev.setString(8, key);
        if (ev.executeUpdate() == 1) {
            Estimates.register(ctx, "system_events", key, "timestamp", o.when());
        }
    }
}
