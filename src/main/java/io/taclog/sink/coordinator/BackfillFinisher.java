package io.taclog.sink.coordinator;

import io.taclog.model.TimeSource;
import io.taclog.model.Times;
import io.taclog.model.coordinator.Sources;
import io.taclog.sink.Database;
import io.taclog.sink.WriteContext;
import io.taclog.sink.workers.WorkerEnds;
import io.taclog.sink.workers.WorkerLinker;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What a backfill does once every source is read: estimates the times of the coordinator.log lines
 * from their anchors, re-derives what depends on times (the order of each task's transitions and its
 * current status, work-queue facts read before any session, the spawn-loop window rule), and checks
 * for stalled workers as of the newest time in the data (wall-clock time says nothing about history).
 */
public final class BackfillFinisher {

    /** What the finish did (printed by the backfill command). */
    public record Report(int files, int anchors, int estimated, int stalled, int relinked, String detail) {
        @Override
        public String toString() {
            return "coordinator times: " + estimated + " estimated from " + anchors + " anchor(s) in " + files
                    + " log file(s)" + (detail.isEmpty() ? "" : " (" + detail + ")") + "; stalled workers: " + stalled
                    + (relinked == 0 ? "" : "; tasks whose streams were re-paired with their spawns: " + relinked);
        }
    }

    private final Database db;
    private final DerivedRules rules;
    private final Clock clock;

    public BackfillFinisher(Database db, DerivedRules rules, Clock clock) {
        this.db = db;
        this.rules = rules;
        this.clock = clock;
    }

    public Report finish() throws SQLException {
        return WriteContext.transaction(db, clock.instant(), ctx -> {
            int relinked = StreamRelinker.relinkAll(ctx); // before the estimate: it adds the streams' anchors
            List<TimeEstimator.FileEstimate> est = new TimeEstimator().estimate(ctx);
            WorkerEnds.deriveAll(ctx); // the estimate moved the processes' end times
            laterDetectionsAreRedetections(ctx);
            rechainTransitions(ctx);
            restampEpisodes(ctx);
            for (String task : ids(ctx, "SELECT DISTINCT task_id FROM task_status_history")) {
                Tasks.recompute(ctx, task);
            }
            detectedNoLaterThanFirstRecord(ctx);
            reHomeQueueFacts(ctx);
            SpawnLoops loops = new SpawnLoops(rules);
            for (String task : ids(ctx, "SELECT task_id FROM worker_sessions WHERE origin = 'coordinator' AND pid IS "
                    + "NOT NULL GROUP BY task_id HAVING COUNT(*) >= " + rules.spawnLoopCount())) {
                loops.windowPass(ctx, task);
            }
            Instant newest = Times.parseOrNull(Sql.one(ctx, NEWEST));
            if (newest != null) {
                endsReadLaterThanTheData(ctx, newest);
            }
            int stalled = newest == null ? 0
                    : new StallCheck(db, rules, clock, false).check(ctx, newest, TimeSource.ESTIMATED);
            StringBuilder detail = new StringBuilder();
            for (TimeEstimator.FileEstimate f : est) {
                if (detail.length() > 0) {
                    detail.append("; ");
                }
                detail.append("file ").append(f.fileId()).append(": rate from ").append(f.rateFrom());
            }
            return new Report(est.size(), est.stream().mapToInt(TimeEstimator.FileEstimate::anchors).sum(),
                    est.stream().mapToInt(TimeEstimator.FileEstimate::estimated).sum(), stalled, relinked,
                    detail.toString());
        });
    }

    /** The newest time the data itself knows (read times of lines without timestamps are left out). */
    private static final String NEWEST = "SELECT MAX(t) FROM (SELECT MAX(timestamp) AS t FROM conversations WHERE "
            + "time_source = 'recorded' UNION ALL SELECT MAX(timestamp) FROM api_calls WHERE time_source = 'recorded' "
            + "UNION ALL SELECT MAX(COALESCE(ended_at, last_seen_at)) FROM coordinator_sessions WHERE session_id <> '"
            + WorkerLinker.NO_COORDINATOR + "' AND COALESCE(ended_time_source, time_source) <> 'observed' "
            + "UNION ALL SELECT MAX(last_updated) FROM work_queue_snapshots "
            + "UNION ALL SELECT MAX(timestamp) FROM task_status_history WHERE time_source <> 'observed') newest";

    /**
     * A backfill reads the work queue's latest version only, so a task it lists as new may have run long
     * before: a 'detected' transition of the queue later than another transition of its task is the queue
     * listing it under Pending again (TAC-8 re-queues a re-detected task). A detection the coordinator
     * reports as an event is only a detection: it fills the task's details and moves no status.
     */
    private static void laterDetectionsAreRedetections(WriteContext ctx) throws SQLException {
        Sql.update(ctx, "UPDATE task_status_history SET to_status = 'pending', reason = COALESCE(reason, '') "
                + "|| ' (re-detected: the task has earlier transitions)' WHERE to_status = 'detected' "
                + "AND source = '" + Sources.QUEUE + "' AND EXISTS "
                + "(SELECT 1 FROM task_status_history e WHERE e.task_id = task_status_history.task_id "
                + "AND e.timestamp < task_status_history.timestamp)");
    }

    /**
     * Stream-json lines have no time: read in a backfill, their observed time is the backfill's. A worker's
     * end and last activity are its last recorded line (the session file of the same run), and the stderr
     * text a worker left in its log (the crash message) is placed there too, as an estimate.
     */
    private static void endsReadLaterThanTheData(WriteContext ctx, Instant newest) throws SQLException {
        String last = "(SELECT MAX(c.timestamp) FROM conversations c WHERE c.worker_id = worker_sessions.worker_id "
                + "AND c.time_source = 'recorded')";
        // the two ends' times, not the visible ones derived from them (WorkerEnds)
        for (String column : new String[] {"process_completed_at", "process_failed_at", "result_at",
            "last_activity_at"}) {
            Sql.update(ctx, "UPDATE worker_sessions SET " + column + " = " + last + " WHERE " + column + " > ? AND "
                    + last + " IS NOT NULL", newest);
        }
        WorkerEnds.deriveAll(ctx);
        String lastOfEvent =
                "(SELECT MAX(c.timestamp) FROM conversations c WHERE c.worker_id = system_events.worker_id "
                + "AND c.time_source = 'recorded')";
        Sql.update(ctx, "UPDATE system_events SET timestamp = " + lastOfEvent + ", time_source = ? WHERE time_source = "
                + "? AND timestamp > ? AND worker_id IS NOT NULL AND " + lastOfEvent + " IS NOT NULL",
                TimeSource.ESTIMATED, TimeSource.OBSERVED, newest);
    }

    /** A task was detected no later than the first thing the coordinator did about it. */
    private static void detectedNoLaterThanFirstRecord(WriteContext ctx) throws SQLException {
        String first =
                "MIN(COALESCE((SELECT MIN(w.timestamp) FROM worktree_operations w WHERE w.task_id = tasks.task_id), "
                + "detected_at), COALESCE((SELECT MIN(a.timestamp) FROM action_triggers a WHERE a.task_id = "
                + "tasks.task_id), detected_at), COALESCE((SELECT MIN(l.timestamp) FROM logic_flow l WHERE "
                + "l.context_id = tasks.task_id), detected_at), COALESCE((SELECT MIN(s.spawned_at) FROM "
                + "worker_sessions s WHERE s.task_id = tasks.task_id AND s.origin = 'coordinator'), detected_at))";
        Sql.update(ctx, "UPDATE tasks SET time_source = CASE WHEN " + first + " < detected_at THEN 'estimated' ELSE "
                + "time_source END, detected_at = MIN(detected_at, " + first + ")");
    }

    /** Spawn-loop episodes take the (now estimated) times of their warning and their workers. */
    private static void restampEpisodes(WriteContext ctx) throws SQLException {
        Sql.update(ctx,
                "UPDATE derived_episodes SET opened_at = COALESCE((SELECT e.timestamp FROM system_events e WHERE "
                + "e.source_key = derived_episodes.event_source_key), opened_at), last_member_at = COALESCE((SELECT "
                + "MAX(w.spawned_at) FROM derived_episode_members m JOIN worker_sessions w ON w.worker_id = "
                + "m.member_id WHERE m.episode_id = derived_episodes.episode_id), last_member_at), closed_at = CASE "
                + "WHEN closed_at IS NULL THEN NULL ELSE COALESCE((SELECT MAX(COALESCE(w.completed_at, w.failed_at)) "
                + "FROM derived_episode_members m JOIN worker_sessions w ON w.worker_id = m.member_id WHERE "
                + "m.episode_id = derived_episodes.episode_id), closed_at) END WHERE kind = ?", SpawnLoops.KIND);
    }

    /** Each transition's from-status is the status before it in time (arrival order was not time order). */
    private static void rechainTransitions(WriteContext ctx) throws SQLException {
        Sql.update(ctx, "UPDATE task_status_history SET from_status = (SELECT p.to_status FROM task_status_history p "
                + "WHERE p.task_id = task_status_history.task_id AND (p.timestamp < task_status_history.timestamp OR "
                + "(p.timestamp = task_status_history.timestamp AND p.history_id < task_status_history.history_id)) "
                + "ORDER BY p.timestamp DESC, p.history_id DESC LIMIT 1)");
    }

    /**
     * Work-queue facts read before any coordinator session existed went to the synthetic 'work-queue'
     * session; now that times are known they move to the session running at their time.
     */
    private static void reHomeQueueFacts(WriteContext ctx) throws SQLException {
        String owner = "(SELECT s.session_id FROM coordinator_sessions s WHERE s.session_id NOT IN ('"
                + Sessions.QUEUE_ONLY + "', '" + WorkerLinker.NO_COORDINATOR + "') AND s.placeholder = 0 AND "
                + "s.started_at <= %s ORDER BY s.started_at DESC LIMIT 1)";
        String[][] tables = {{"action_triggers", "timestamp"}, {"logic_flow", "timestamp"},
            {"system_events", "timestamp"}, {"task_status_history", "timestamp"}, {"worktree_operations", "timestamp"},
            {"tasks", "detected_at"}, {"worker_sessions", "spawned_at"}, {"work_queue_snapshots", "last_updated"}};
        for (String[] t : tables) {
            String o = String.format(owner, t[0] + "." + t[1]);
            Sql.update(ctx, "UPDATE " + t[0] + " SET session_id = " + o + " WHERE session_id = ? AND " + o
                    + " IS NOT NULL", Sessions.QUEUE_ONLY);
        }
        boolean used = false;
        for (String[] t : tables) {
            used |= Sql.one(ctx, "SELECT 1 FROM " + t[0] + " WHERE session_id = ? LIMIT 1",
                    Sessions.QUEUE_ONLY) != null;
        }
        if (!used) {
            Sql.update(ctx, "DELETE FROM coordinator_sessions WHERE session_id = ?", Sessions.QUEUE_ONLY);
        }
    }

    private static List<String> ids(WriteContext ctx, String sql) throws SQLException {
        PreparedStatement ps = ctx.statement(sql);
        List<String> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
