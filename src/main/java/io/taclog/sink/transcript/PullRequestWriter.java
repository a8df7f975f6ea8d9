package io.taclog.sink.transcript;

import io.taclog.model.PullRequestObserved;
import io.taclog.model.Times;
import io.taclog.model.coordinator.Sources;
import io.taclog.model.coordinator.Stamp;
import io.taclog.model.coordinator.TaskStatusChanged;
import io.taclog.sink.FactWriter;
import io.taclog.sink.coordinator.TaskTransitions;
import io.taclog.sink.WriteContext;
import io.taclog.sink.workers.WorkerLinker;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * A pull request seen in a worker's transcript: the task gets its PR number and URL (derived, with the
 * evidence kept in a system event) and a derived 'completed' transition in its history, since the
 * coordinator never logs completions.
 */
public final class PullRequestWriter implements FactWriter<PullRequestObserved> {

    private final WorkerLinker linker;

    public PullRequestWriter(WorkerLinker linker) {
        this.linker = linker;
    }

    @Override
    public Class<PullRequestObserved> type() {
        return PullRequestObserved.class;
    }

    @Override
    public void write(PullRequestObserved p, WriteContext ctx) throws SQLException {
        String worker = linker.workerFor(p.stream(), p.at(), p.timeSource(), ctx);
        PreparedStatement seen = ctx.statement("SELECT 1 FROM system_events WHERE event_type = 'pr_created' "
                + "AND worker_id = ? AND CAST(json_extract(details, '$.pr_number') AS INTEGER) = ? LIMIT 1");
        seen.setString(1, worker);
        seen.setInt(2, p.prNumber());
        try (java.sql.ResultSet rs = seen.executeQuery()) {
            if (rs.next()) {
                // the same PR seen again (the other copy of the transcript, a later `gh pr view`): a copy with
                // timestamps gives the event and the completion their recorded time
                if (io.taclog.model.TimeSource.RECORDED.equals(p.timeSource())) {
                    PreparedStatement up = ctx.statement("UPDATE system_events SET timestamp = ?, time_source = ? "
                            + "WHERE event_type = 'pr_created' AND worker_id = ? "
                            + "AND CAST(json_extract(details, '$.pr_number') AS INTEGER) = ? "
                            + "AND COALESCE(time_source, '') <> 'recorded'");
                    up.setString(1, Times.format(p.at()));
                    up.setString(2, p.timeSource());
                    up.setString(3, worker);
                    up.setInt(4, p.prNumber());
                    up.executeUpdate();
                    completeTask(p, worker, ctx);
                }
                return;
            }
        }
        PreparedStatement task = ctx.statement("UPDATE tasks SET pr_number = COALESCE(pr_number, ?), "
                + "pr_url = COALESCE(pr_url, ?) WHERE task_id = (SELECT task_id FROM worker_sessions "
                + "WHERE worker_id = ?)");
        task.setInt(1, p.prNumber());
        task.setString(2, p.prUrl());
        task.setString(3, worker);
        task.executeUpdate();
        PreparedStatement ev = ctx.statement("INSERT INTO system_events(session_id, timestamp, event_type, severity, "
                + "component, message, details, worker_id, task_id, time_source) SELECT session_id, ?, 'pr_created', "
                + "'info', 'derived', ?, json_object('derived', json('true'), 'pr_number', ?, 'pr_url', ?, "
                + "'evidence', ?, 'file', ?), worker_id, task_id, ? FROM worker_sessions WHERE worker_id = ?");
        ev.setString(1, Times.format(p.at()));
        ev.setString(2, "worker " + worker + " created pull request #" + p.prNumber());
        ev.setInt(3, p.prNumber());
        ev.setString(4, p.prUrl());
        ev.setString(5, p.evidence());
        ev.setString(6, p.stream().sourcePath());
        ev.setString(7, p.timeSource());
        ev.setString(8, worker);
        ev.executeUpdate();
        completeTask(p, worker, ctx);
    }

    /**
     * A worker's new pull request is the evidence that its task completed (TAC-8 never logs completions):
     * a derived 'completed' transition in the task's history, with the PR.
     */
    private static void completeTask(PullRequestObserved p, String worker, WriteContext ctx) throws SQLException {
        PreparedStatement ps = ctx.statement("SELECT session_id, task_id FROM worker_sessions WHERE worker_id = ?");
        ps.setString(1, worker);
        String session;
        String task;
        try (java.sql.ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return;
            }
            session = rs.getString(1);
            task = rs.getString(2);
        }
        if (task == null) {
            return; // an unassigned worker: no task to complete (its pr_created event keeps the evidence)
        }
        String evidence = io.taclog.parse.tac8.JsonObj.of().put("rule", "gh pr create printed a new pull request in "
                + "the worker's transcript").put("evidence", p.evidence())
                .put("file", p.stream().sourcePath()).put("agent_session_id", p.stream().agentSessionId()).json();
        // keyed by task and PR, not by worker: a provisional worker is renamed when it is linked
        TaskTransitions.record(ctx, new TaskStatusChanged("P:" + task + ":" + p.prNumber(), session, task,
                new Stamp(p.at(), p.timeSource(), false), "completed", worker, "pull request #" + p.prNumber()
                + " created", Sources.TRANSCRIPT, true, evidence, null, null, null, null, null, p.prNumber(), p.prUrl(),
                null));
    }
}
