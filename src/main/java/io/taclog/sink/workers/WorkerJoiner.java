package io.taclog.sink.workers;

import static io.taclog.sink.workers.LinkSql.exec;
import static io.taclog.sink.workers.LinkSql.one;
import static io.taclog.sink.workers.WorkerLinker.CACHE;
import static io.taclog.sink.workers.WorkerLinker.NEXT_INDEX;
import static io.taclog.sink.workers.WorkerLinker.NO_COORDINATOR;

import io.taclog.model.Times;
import io.taclog.sink.WriteContext;
import io.taclog.sink.workers.WorkerLinker.CoordinatorWorker;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** Joins a transcript's provisional worker to the coordinator's record of it, moving or renaming its rows. */
final class WorkerJoiner {

    /** SQL ranking the time source in {@code %s}: recorded 2, estimated 1, observed (or none) 0. */
    private static final String SOURCE_RANK =
            "(CASE %s WHEN 'recorded' THEN 2 WHEN 'estimated' THEN 1 ELSE 0 END)";

    private WorkerJoiner() {
    }

    /**
     * Records the coordinator's view of a worker and joins a transcript stream seen earlier to it.
     * Returns the worker id.
     */
    static String coordinatorWorker(CoordinatorWorker w, WriteContext ctx) throws SQLException {
        PreparedStatement up = ctx.statement("INSERT INTO worker_sessions(worker_id, session_id, task_id, spawned_at, "
                + "pid, status, worktree_path, branch_name, prompt_file, log_file, origin, name_quality, time_source, "
                + "process_status) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,'coordinator',3,?11,?6) "
                + "ON CONFLICT(worker_id) DO UPDATE SET "
                + "session_id = CASE WHEN worker_sessions.session_id = '" + NO_COORDINATOR
                + "' THEN excluded.session_id ELSE worker_sessions.session_id END, "
                + "task_id = excluded.task_id, pid = COALESCE(excluded.pid, worker_sessions.pid), "
                + "worktree_path = COALESCE(excluded.worktree_path, worker_sessions.worktree_path), "
                + "branch_name = COALESCE(excluded.branch_name, worker_sessions.branch_name), "
                + "prompt_file = COALESCE(excluded.prompt_file, worker_sessions.prompt_file), "
                + "log_file = COALESCE(excluded.log_file, worker_sessions.log_file), "
                // a spawn time of weaker evidence (recorded > estimated > observed) never replaces a stronger one
                + "spawned_at = CASE WHEN " + SOURCE_RANK.formatted("worker_sessions.time_source") + " > "
                + SOURCE_RANK.formatted("excluded.time_source") + " THEN worker_sessions.spawned_at "
                + "ELSE excluded.spawned_at END, "
                + "time_source = CASE WHEN " + SOURCE_RANK.formatted("worker_sessions.time_source") + " > "
                + SOURCE_RANK.formatted("excluded.time_source") + " THEN worker_sessions.time_source "
                + "ELSE excluded.time_source END, "
                + "origin = 'coordinator', name_quality = 3");
        up.setString(1, w.workerId());
        up.setString(2, w.sessionId());
        up.setString(3, w.taskId());
        up.setString(4, Times.format(w.spawnedAt()));
        if (w.pid() == null) {
            up.setNull(5, java.sql.Types.INTEGER);
        } else {
            up.setInt(5, w.pid());
        }
        up.setString(6, w.status() == null ? "spawned" : w.status());
        up.setString(7, w.worktreePath());
        up.setString(8, w.branchName());
        up.setString(9, w.promptFile());
        up.setString(10, w.logFile());
        up.setString(11, w.timeSource());
        up.executeUpdate();
        ctx.txCache().put(WorkerLinker.MAYBE_UNCLAIMED, Boolean.TRUE);
        String linked = one(ctx, "SELECT agent_session_id FROM worker_sessions WHERE worker_id = ?", w.workerId());
        if (linked == null) {
            String provisional = provisionalFor(w, ctx);
            if (provisional != null) {
                merge(provisional, w.workerId(), ctx);
            }
        }
        return w.workerId();
    }

    /**
     * A transcript-only worker of the same task or log file that started after this spawn; the log file also by
     * its name alone (the sidecar may see the coordinator's files under another directory).
     */
    private static String provisionalFor(CoordinatorWorker w, WriteContext ctx) throws SQLException {
        PreparedStatement ps = ctx.statement("SELECT worker_id, first_activity_at, time_source FROM worker_sessions "
                + "WHERE origin = 'transcript' AND (task_id = ? OR log_file = ?) ORDER BY first_activity_at");
        ps.setString(1, w.taskId());
        ps.setString(2, w.logFile());
        String found = firstAfterSpawn(LinkSql.rows(ps), w);
        if (found != null || w.logFile() == null) {
            return found;
        }
        PreparedStatement byName = ctx.statement("SELECT worker_id, first_activity_at, time_source FROM "
                + "worker_sessions WHERE origin = 'transcript' AND " + LinkSql.sameFileName(1, 2)
                + " ORDER BY first_activity_at");
        LinkSql.bindFileName(byName, 1, 2, w.logFile());
        List<String[]> rows = LinkSql.rows(byName);
        // the same name in several folders (worker.jsonl per task): the name says nothing; no link is better
        // than a wrong one (taclog.coordinator.path-map tells the folders apart)
        return rows.size() == 1 ? firstAfterSpawn(rows, w) : null;
    }

    /** Of candidate transcript workers (earliest first), the first that began after the spawn. */
    private static String firstAfterSpawn(List<String[]> rows, CoordinatorWorker w) {
        for (String[] r : rows) {
            Instant first = Times.parseOrNull(r[1]);
            if (SpawnTimes.comparable(r[2], w.timeSource()) && first != null && w.spawnedAt() != null) {
                if (!first.isBefore(w.spawnedAt().minus(SpawnTimes.TOLERANCE))) {
                    return r[0];
                }
            } else {
                return rows.get(rows.size() - 1)[0];
            }
        }
        return null;
    }

    /**
     * Moves everything of worker {@code from} to worker {@code into} (which exists), keeping the
     * transcript's figures, and deletes {@code from}.
     */
    static void merge(String from, String into, WriteContext ctx) throws SQLException {
        if (from.equals(into)) {
            return;
        }
        exec(ctx, "UPDATE worker_sessions SET agent = COALESCE(agent, (SELECT agent FROM worker_sessions WHERE "
                + "worker_id = ?1)), agent_session_id = COALESCE(agent_session_id, (SELECT agent_session_id FROM "
                + "worker_sessions WHERE worker_id = ?1)), model = COALESCE(model, (SELECT model FROM worker_sessions "
                + "WHERE worker_id = ?1)), "
                + "cwd = COALESCE(cwd, (SELECT cwd FROM worker_sessions WHERE worker_id = ?1)), "
                // the worker moved into keeps its task; an unassigned one (a Codex review's parent) takes the
                // task the moved worker's path named
                + "task_id = COALESCE(task_id, (SELECT task_id FROM worker_sessions WHERE worker_id = ?1)), "
                + "first_activity_at = (SELECT first_activity_at FROM worker_sessions WHERE worker_id = ?1), "
                + "last_activity_at = MAX(COALESCE(last_activity_at, ''), (SELECT COALESCE(last_activity_at, '') FROM "
                + "worker_sessions WHERE worker_id = ?1)), "
                + "reported_cost_usd = COALESCE(reported_cost_usd, (SELECT reported_cost_usd FROM worker_sessions "
                + "WHERE worker_id = ?1)), result_subtype = CASE WHEN (SELECT result_is_error FROM worker_sessions WHERE "
                + "worker_id = ?1) AND NOT COALESCE(result_is_error, 0) THEN (SELECT result_subtype FROM "
                + "worker_sessions WHERE worker_id = ?1) ELSE COALESCE(result_subtype, (SELECT result_subtype FROM "
                + "worker_sessions WHERE worker_id = ?1)) END, "
                // an error result seen on either worker is kept (as WorkerResultWriter keeps it)
                + "result_is_error = COALESCE(MAX(result_is_error, (SELECT result_is_error FROM worker_sessions "
                + "WHERE worker_id = ?1)), result_is_error, (SELECT result_is_error FROM worker_sessions "
                + "WHERE worker_id = ?1)), result_text = COALESCE(result_text, "
                + "(SELECT result_text FROM worker_sessions WHERE worker_id = ?1)), "
                + "duration_ms = COALESCE(duration_ms, "
                + "(SELECT duration_ms FROM worker_sessions WHERE worker_id = ?1)), duration_api_ms = "
                + "COALESCE(duration_api_ms, (SELECT duration_api_ms FROM worker_sessions WHERE worker_id = ?1)), "
                + "num_turns = COALESCE(num_turns, (SELECT num_turns FROM worker_sessions WHERE worker_id = ?1)), "
                + "result_usage = COALESCE(result_usage, (SELECT result_usage FROM worker_sessions WHERE "
                + "worker_id = ?1)), api_error_status = COALESCE(api_error_status, (SELECT api_error_status FROM "
                + "worker_sessions WHERE worker_id = ?1)), " + endTime("process_completed_at") + ", "
                + endTime("process_failed_at") + ", "
                + "process_failure_reason = COALESCE(process_failure_reason, (SELECT process_failure_reason FROM "
                + "worker_sessions WHERE worker_id = ?1)), "
                // the transcript's end the provisional worker got before the coordinator's record arrived joins this
                // one's as another result line of the run would (WorkerEnds.addResult)
                + WorkerEnds.addResult(of("result_status"), of("result_at"), of("result_reason")) + ", "
                + WorkerStatuses.moveTo("process_status", of("process_status"))
                + " WHERE worker_id = ?2", from, into);
        WorkerEnds.derive(ctx, into);
        moveChildren(from, into, ctx);
        exec(ctx, "DELETE FROM worker_sessions WHERE worker_id = ?1", from);
        forget(from, ctx);
    }

    /** Gives a worker a new id everywhere (a better name turned up). */
    static void rename(String from, String to, int quality, WriteContext ctx) throws SQLException {
        exec(ctx, "UPDATE worker_sessions SET worker_id = ?2 WHERE worker_id = ?1", from, to);
        exec(ctx, "UPDATE worker_sessions SET name_quality = " + quality + " WHERE worker_id = ?1", to);
        moveChildren(from, to, ctx);
        forget(from, ctx);
    }

    private static void moveChildren(String from, String into, WriteContext ctx) throws SQLException {
        exec(ctx, "DELETE FROM conversations WHERE worker_id = ?1 AND dedup_key IN "
                + "(SELECT dedup_key FROM conversations WHERE worker_id = ?2)", from, into);
        exec(ctx, "UPDATE conversations SET message_index = message_index + "
                + "(SELECT COALESCE(MAX(message_index) + 1, 0) "
                + "FROM conversations WHERE worker_id = ?2), worker_id = ?2 WHERE worker_id = ?1", from, into);
        exec(ctx, "UPDATE api_calls SET worker_id = ?2 WHERE worker_id = ?1", from, into);
        exec(ctx, "UPDATE agent_sessions SET worker_id = ?2 WHERE worker_id = ?1", from, into);
        exec(ctx, "DELETE FROM worker_model_usage WHERE worker_id = ?1 AND model IN "
                + "(SELECT model FROM worker_model_usage WHERE worker_id = ?2)", from, into);
        exec(ctx, "UPDATE worker_model_usage SET worker_id = ?2 WHERE worker_id = ?1", from, into);
        // a transcript-only worker's events belong to the no-coordinator session and name it in their message
        exec(ctx, "UPDATE system_events SET worker_id = ?2, message = REPLACE(message, 'worker ' || ?1 || ' ', "
                + "'worker ' || ?2 || ' '), session_id = CASE WHEN session_id = '" + NO_COORDINATOR + "' THEN "
                + "COALESCE((SELECT w.session_id FROM worker_sessions w WHERE w.worker_id = ?2), session_id) "
                + "ELSE session_id END WHERE worker_id = ?1", from, into);
        // the coordinator tables that name workers (schema v3): status history, worktree operations, tasks
        exec(ctx, "UPDATE task_status_history SET worker_id = ?2, session_id = CASE WHEN session_id = '"
                + NO_COORDINATOR + "' THEN COALESCE((SELECT w.session_id FROM worker_sessions w "
                + "WHERE w.worker_id = ?2), session_id) ELSE session_id END WHERE worker_id = ?1", from, into);
        exec(ctx, "UPDATE worktree_operations SET worker_id = ?2 WHERE worker_id = ?1", from, into);
        exec(ctx, "UPDATE tasks SET worker_id = ?2 WHERE worker_id = ?1", from, into);
        ctx.txCache().remove(NEXT_INDEX + from);
        ctx.txCache().remove(NEXT_INDEX + into);
        forgetRowsOf(from, ctx);
        forgetRowsOf(into, ctx);
    }

    /** Rows moved in or out: what the transaction cache knew of a worker's rows no longer holds. */
    private static void forgetRowsOf(String worker, WriteContext ctx) {
        ctx.txCache().remove(WorkerLinker.FRESH + worker);
        ctx.txCache().keySet().removeIf(k -> k instanceof WorkerLinker.RowKey r && r.worker().equals(worker));
    }

    /** Drops the cached stream links that point to a worker id that no longer exists. */
    private static void forget(String worker, WriteContext ctx) {
        ctx.txCache().entrySet().removeIf(e -> e.getKey() instanceof String k && k.startsWith(CACHE)
                && worker.equals(e.getValue()));
    }

    /** SQL for column {@code column} of the worker moved from (parameter 1). */
    private static String of(String column) {
        return "(SELECT " + column + " FROM worker_sessions WHERE worker_id = ?1)";
    }

    /** The earlier of the two workers' end times, as for one worker ({@link WorkerStatuses#earlier}). */
    private static String endTime(String column) {
        return column + " = " + WorkerStatuses.earlier(column,
                "(SELECT " + column + " FROM worker_sessions WHERE worker_id = ?1)");
    }
}
