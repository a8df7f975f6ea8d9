package io.taclog.sink.coordinator;

import io.taclog.model.TimeSource;
import io.taclog.model.Times;
import io.taclog.model.coordinator.Sources;
import io.taclog.model.coordinator.WorkerSpawned;
import io.taclog.parse.PathMap;
import io.taclog.sink.FactWriter;
import io.taclog.sink.WriteContext;
import io.taclog.sink.workers.WorkerEnds;
import io.taclog.sink.workers.WorkerLinker;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

/**
 * The coordinator's record of a worker, stored through the worker linker (which merges a transcript
 * stream seen earlier into it). A recorded spawn time (the work queue's Started line) beats an
 * observed one and anchors the backfill estimate of the spawn line. Then: status changes that named
 * the worker before its spawn arrived are applied, and the spawn-loop rule runs.
 */
public final class WorkerSpawnWriter implements FactWriter<WorkerSpawned> {

    private final WorkerLinker linker;
    private final SpawnLoops loops;
    private final WorkerStatusWriter statuses;
    /** The coordinator's log-file paths as the sidecar sees them (taclog.coordinator.path-map). */
    private final PathMap paths;

    public WorkerSpawnWriter(WorkerLinker linker, DerivedRules rules, WorkerStatusWriter statuses, PathMap paths) {
        this.linker = linker;
        this.loops = new SpawnLoops(rules);
        this.statuses = statuses;
        this.paths = paths;
    }

    @Override
    public Class<WorkerSpawned> type() {
        return WorkerSpawned.class;
    }

    @Override
    public void write(WorkerSpawned w, WriteContext ctx) throws SQLException {
        Sessions.ensure(ctx, w.sessionId(), w.when(), w.source());
        Sessions.touch(ctx, w.sessionId(), w.when());
        Tasks.ensure(ctx, w.taskId(), w.sessionId(), w.when(), w.source());
        if (!w.launched()) {
            failedLaunch(w, paths.apply(w.logFile()), ctx);
            return;
        }
        String before = Sql.one(ctx, "SELECT time_source FROM worker_sessions WHERE worker_id = ?", w.workerId());
        linker.coordinatorWorker(new WorkerLinker.CoordinatorWorker(w.workerId(), w.sessionId(), w.taskId(),
                w.when().at(), w.when().timeSource(), w.pid(), w.worktreePath(), w.branchName(), w.promptFile(),
                paths.apply(w.logFile()), w.status()), ctx);
        String storedSource = Sql.one(ctx, "SELECT time_source FROM worker_sessions WHERE worker_id = ?", w.workerId());
        if (TimeSource.RECORDED.equals(w.when().timeSource()) && !TimeSource.RECORDED.equals(before)) {
            Estimates.recordedFor(ctx, "worker_sessions", w.workerId(), "spawned_at", w.when().at(), "spawn-started");
        } else if (!TimeSource.RECORDED.equals(storedSource)) {
            Estimates.register(ctx, "worker_sessions", w.workerId(), "spawned_at", w.when());
        } else if (w.when().provisional() && ctx.line() != null) {
            // the queue recorded this worker's start before its spawn line was read: the line is an anchor
            Instant recorded = Times.parseOrNull(Sql.one(ctx, "SELECT spawned_at FROM worker_sessions WHERE "
                    + "worker_id = ?", w.workerId()));
            Estimates.anchor(ctx, ctx.line().fileId(), ctx.line().offset(), recorded, "spawn-started");
        }
        statuses.applyDeferred(ctx, w.workerId());
        if (!Sources.QUEUE.equals(w.source()) || before == null) {
            loops.onSpawn(ctx, w.workerId(), w.taskId(), w.sessionId(), w.when());
        }
    }

    /**
     * A launch that failed before a process ran (its worker id named by the failed git command or the
     * queue's Failed entry). It has no PID and no transcript, so it is stored as it is rather than
     * through the linker, which would join a transcript of a later attempt of the same task to it.
     */
    private static void failedLaunch(WorkerSpawned w, String logFile, WriteContext ctx) throws SQLException {
        PreparedStatement ps = ctx.statement("INSERT INTO worker_sessions(worker_id, session_id, task_id, spawned_at, "
                + "status, worktree_path, branch_name, prompt_file, log_file, origin, name_quality, time_source, "
                + "failed_at, failure_reason, failure_type, exit_source, process_status, process_failed_at, "
                + "process_failure_reason) VALUES (?1,?2,?3,?4,'failed',?5,?6,?7,?8,'coordinator',"
                + WorkerLinker.NAME_FROM_COORDINATOR + ",?9,?4,?10,'launch_failed',?11,'failed',?4,?10) "
                + "ON CONFLICT(worker_id) DO UPDATE SET process_failure_reason = "
                + "COALESCE(worker_sessions.process_failure_reason, excluded.process_failure_reason), failure_type = "
                + "COALESCE(worker_sessions.failure_type, excluded.failure_type), worktree_path = "
                + "COALESCE(worker_sessions.worktree_path, excluded.worktree_path), log_file = "
                + "COALESCE(worker_sessions.log_file, excluded.log_file), process_status = CASE WHEN "
                + "worker_sessions.pid IS NULL THEN 'failed' ELSE worker_sessions.process_status END");
        ps.setString(1, w.workerId());
        ps.setString(2, w.sessionId());
        ps.setString(3, w.taskId());
        ps.setString(4, Sql.at(w.when()));
        Sql.text(ps, 5, w.worktreePath());
        Sql.text(ps, 6, w.branchName());
        Sql.text(ps, 7, w.promptFile());
        Sql.text(ps, 8, logFile);
        ps.setString(9, w.when().timeSource());
        Sql.text(ps, 10, w.failureReason());
        ps.setString(11, w.source());
        ps.executeUpdate();
        WorkerEnds.derive(ctx, w.workerId());
        Estimates.register(ctx, "worker_sessions", w.workerId(), "spawned_at", w.when());
        Estimates.register(ctx, "worker_sessions", w.workerId(), "process_failed_at", w.when());
    }

    SpawnLoops loops() {
        return loops;
    }
}
