package io.taclog.sink.workers;

import io.taclog.model.StreamRef;
import io.taclog.model.TimeSource;
import io.taclog.model.Times;
import io.taclog.sink.WriteContext;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides which worker a transcript stream belongs to, in whatever order the facts arrive.
 *
 * <p>A stream seen first gets a provisional worker named from its path (default the file stem) or, if
 * the path says nothing, from its session id. When the coordinator's record of a worker arrives (before
 * or after), the stream and the worker are joined: the stream's first activity is matched to the
 * spawn closest before it (when both times are comparable), otherwise to the latest unclaimed spawn of
 * the same task. Joining renames the provisional worker everywhere in one transaction.
 */
public final class WorkerLinker {

    /** Coordinator session of workers seen only in transcripts (the seed requires a session id). */
    public static final String NO_COORDINATOR = "no-coordinator";
    public static final int NAME_FROM_SESSION = 1;
    public static final int NAME_FROM_PATH = 2;
    public static final int NAME_FROM_COORDINATOR = 3;
    private static final Duration TOLERANCE = Duration.ofSeconds(5);
    private static final String CACHE = "worker-of:";

    /** The coordinator's record of one worker (spawn line, spawn event, work-queue Active entry). */
    public record CoordinatorWorker(String workerId, String sessionId, String taskId, Instant spawnedAt,
                                    String timeSource, Integer pid, String worktreePath, String branchName,
                                    String promptFile, String logFile, String status) {
    }

    /** Worker id of a stream; creates a provisional worker the first time a stream is seen. */
    public String workerFor(StreamRef ref, Instant at, String timeSource, WriteContext ctx) throws SQLException {
        String streamKey = streamKey(ref);
        String cached = (String) ctx.txCache().get(CACHE + streamKey);
        String worker = cached != null ? cached : resolve(ref, streamKey, at, timeSource, ctx);
        ctx.txCache().put(CACHE + streamKey, worker);
        noteActivity(worker, at, ctx);
        if (TimeSource.RECORDED.equals(timeSource)) {
            noteRecordedStart(worker, at, ctx);
        }
        return worker;
    }

    /**
     * A transcript-only worker first seen through a copy without timestamps (stream-json, observed at
     * backfill time) takes its start from the earliest recorded time that any copy supplies.
     */
    private static void noteRecordedStart(String worker, Instant at, WriteContext ctx) {
        String key = "recorded-start:" + worker;
        Instant prev = (Instant) ctx.txCache().get(key);
        if (prev != null && !at.isBefore(prev)) {
            return;
        }
        ctx.txCache().put(key, at);
        ctx.beforeCommit(key, () -> {
            String t = Times.format((Instant) ctx.txCache().get(key));
            // the CASE conditions read the old values: SQLite evaluates every SET expression before assigning
            PreparedStatement ps = ctx.statement("UPDATE worker_sessions SET "
                    + "spawned_at = CASE WHEN origin = 'transcript' AND (COALESCE(time_source, '') <> 'recorded' "
                    + "OR spawned_at > ?1) THEN ?1 ELSE spawned_at END, "
                    + "time_source = CASE WHEN origin = 'transcript' THEN 'recorded' ELSE time_source END, "
                    + "first_activity_at = CASE WHEN first_activity_at IS NULL OR first_activity_at > ?1 THEN ?1 "
                    + "ELSE first_activity_at END WHERE worker_id = ?2");
            ps.setString(1, t);
            ps.setString(2, worker);
            ps.executeUpdate();
        });
    }

    private static String streamKey(StreamRef ref) {
        return ref.agentSessionId() != null ? ref.agentSessionId() : "file:" + ref.sourcePath();
    }

    private String resolve(StreamRef ref, String streamKey, Instant at, String timeSource, WriteContext ctx)
            throws SQLException {
        String known = one(ctx, "SELECT worker_id FROM agent_sessions WHERE agent_session_id = ?", streamKey);
        if (known != null) {
            return maybeBetterName(known, ref, ctx);
        }
        String adopted = adoptTextOnlyWorker(ref, streamKey, at, ctx);
        if (adopted != null) {
            return adopted;
        }
        String claimed = claimCoordinatorWorker(ref, at, timeSource, ctx);
        if (claimed != null) {
            linkStream(streamKey, claimed, ref, at, "coordinator", ctx);
            PreparedStatement ps = ctx.statement("UPDATE worker_sessions SET agent_session_id = "
                    + "COALESCE(agent_session_id, ?), agent = COALESCE(agent, ?), log_file = COALESCE(log_file, ?), "
                    + "first_activity_at = COALESCE(first_activity_at, ?) WHERE worker_id = ?");
            ps.setString(1, ref.agentSessionId());
            ps.setString(2, ref.agent());
            ps.setString(3, ref.sourcePath());
            ps.setString(4, Times.format(at));
            ps.setString(5, claimed);
            ps.executeUpdate();
            return claimed;
        }
        int quality = ref.workerHint() != null ? NAME_FROM_PATH : NAME_FROM_SESSION;
        String base = ref.workerHint() != null ? ref.workerHint() : streamKey;
        String name = uniqueName(base, streamKey, ctx);
        String task = ref.taskHint() != null ? ref.taskHint() : streamKey;
        ensureNoCoordinatorSession(at, ctx);
        ensureTask(task, at, ctx);
        PreparedStatement ps = ctx.statement("INSERT INTO worker_sessions(worker_id, session_id, task_id, spawned_at, "
                + "status, log_file, origin, name_quality, agent, agent_session_id, time_source, first_activity_at, "
                + "last_activity_at) VALUES (?,?,?,?,'running',?,'transcript',?,?,?,?,?,?)");
        ps.setString(1, name);
        ps.setString(2, NO_COORDINATOR);
        ps.setString(3, task);
        ps.setString(4, Times.format(at));
        ps.setString(5, ref.sourcePath());
        ps.setInt(6, quality);
        ps.setString(7, ref.agent());
        ps.setString(8, ref.agentSessionId());
        ps.setString(9, timeSource);
        ps.setString(10, Times.format(at));
        ps.setString(11, Times.format(at));
        ps.executeUpdate();
        linkStream(streamKey, name, ref, at, "transcript", ctx);
        return name;
    }

    /**
     * Stderr text before a file's first JSON line (node prints its warnings before Claude's init line) has no
     * stream yet, so it got a worker keyed by the file alone; the first stream that then appears in the file is
     * that worker. Without this, such a file held a phantom worker with only the text, and the real stream got a
     * second, suffixed name.
     */
    private static String adoptTextOnlyWorker(StreamRef ref, String streamKey, Instant at, WriteContext ctx)
            throws SQLException {
        if (ref.agentSessionId() == null || ref.sourcePath() == null) {
            return null;
        }
        String worker = one(ctx, "SELECT w.worker_id FROM agent_sessions a JOIN worker_sessions w ON w.worker_id = "
                + "a.worker_id WHERE a.agent_session_id = ? AND w.agent_session_id IS NULL AND w.origin = 'transcript'",
                "file:" + ref.sourcePath());
        if (worker == null) {
            return null;
        }
        linkStream(streamKey, worker, ref, at, "transcript", ctx);
        PreparedStatement ps = ctx.statement("UPDATE worker_sessions SET agent_session_id = ?, "
                + "agent = COALESCE(agent, ?) WHERE worker_id = ?");
        ps.setString(1, ref.agentSessionId());
        ps.setString(2, ref.agent());
        ps.setString(3, worker);
        ps.executeUpdate();
        return worker;
    }

    /** A stream first named by its session id is renamed when a file with a meaningful path shows up. */
    private String maybeBetterName(String worker, StreamRef ref, WriteContext ctx) throws SQLException {
        if (ref.workerHint() == null) {
            return worker;
        }
        PreparedStatement ps = ctx.statement("SELECT origin, name_quality FROM worker_sessions WHERE worker_id = ?");
        ps.setString(1, worker);
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next() || !"transcript".equals(rs.getString(1)) || rs.getInt(2) >= NAME_FROM_PATH) {
                return worker;
            }
        }
        String better = uniqueName(ref.workerHint(), streamKey(ref), ctx);
        rename(worker, better, NAME_FROM_PATH, ctx);
        return better;
    }

    private String uniqueName(String base, String streamKey, WriteContext ctx) throws SQLException {
        if (one(ctx, "SELECT worker_id FROM worker_sessions WHERE worker_id = ?", base) == null) {
            return base;
        }
        String suffix = streamKey.startsWith("file:") ? Integer.toHexString(streamKey.hashCode())
                : streamKey.substring(0, Math.min(8, streamKey.length()));
        String candidate = base + "~" + suffix;
        int n = 2;
        while (one(ctx, "SELECT worker_id FROM worker_sessions WHERE worker_id = ?", candidate) != null) {
            candidate = base + "~" + suffix + "-" + n++;
        }
        return candidate;
    }

    private static void linkStream(String streamKey, String worker, StreamRef ref, Instant at, String linkedBy,
                                   WriteContext ctx) throws SQLException {
        PreparedStatement ps = ctx.statement("INSERT INTO agent_sessions(agent_session_id, worker_id, agent, "
                + "first_source, first_seen_at, linked_by) VALUES (?,?,?,?,?,?) "
                + "ON CONFLICT(agent_session_id) DO UPDATE SET worker_id = excluded.worker_id, "
                + "linked_by = excluded.linked_by");
        ps.setString(1, streamKey);
        ps.setString(2, worker);
        ps.setString(3, ref.agent());
        ps.setString(4, ref.sourcePath());
        ps.setString(5, Times.format(at));
        ps.setString(6, linkedBy);
        ps.executeUpdate();
    }

    /** Finds the coordinator's (not yet linked) worker this stream belongs to, or null. */
    private String claimCoordinatorWorker(StreamRef ref, Instant at, String timeSource, WriteContext ctx)
            throws SQLException {
        if (ref.taskHint() == null && ref.sourcePath() == null) {
            return null;
        }
        PreparedStatement ps = ctx.statement("SELECT worker_id, spawned_at, time_source FROM worker_sessions "
                + "WHERE origin = 'coordinator' AND agent_session_id IS NULL AND (task_id = ? OR log_file = ?) "
                // a launch that failed before a process ran (no PID) has no transcript to claim
                + "AND NOT (status = 'failed' AND pid IS NULL) "
                + "ORDER BY spawned_at DESC");
        ps.setString(1, ref.taskHint());
        ps.setString(2, ref.sourcePath());
        List<String[]> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
            }
        }
        if (rows.isEmpty()) {
            return null;
        }
        for (String[] r : rows) {
            Instant spawned = Times.parseOrNull(r[1]);
            if (comparable(timeSource, r[2]) && spawned != null) {
                if (!spawned.isAfter(at.plus(TOLERANCE))) {
                    return r[0]; // rows are newest first: the latest spawn before the stream began
                }
            } else {
                return rows.get(0)[0]; // times say nothing: the latest unclaimed spawn of the task
            }
        }
        return null;
    }

    private static boolean comparable(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return a.equals(b) || !TimeSource.OBSERVED.equals(a) && !TimeSource.OBSERVED.equals(b);
    }

    /**
     * Records the coordinator's view of a worker and joins a transcript stream seen earlier to it.
     * Returns the worker id.
     */
    public String coordinatorWorker(CoordinatorWorker w, WriteContext ctx) throws SQLException {
        PreparedStatement up = ctx.statement("INSERT INTO worker_sessions(worker_id, session_id, task_id, spawned_at, "
                + "pid, status, worktree_path, branch_name, prompt_file, log_file, origin, name_quality, time_source) "
                + "VALUES (?,?,?,?,?,?,?,?,?,?,'coordinator',3,?) ON CONFLICT(worker_id) DO UPDATE SET "
                + "session_id = CASE WHEN worker_sessions.session_id = '" + NO_COORDINATOR
                + "' THEN excluded.session_id ELSE worker_sessions.session_id END, "
                + "task_id = excluded.task_id, pid = COALESCE(excluded.pid, worker_sessions.pid), "
                + "worktree_path = COALESCE(excluded.worktree_path, worker_sessions.worktree_path), "
                + "branch_name = COALESCE(excluded.branch_name, worker_sessions.branch_name), "
                + "prompt_file = COALESCE(excluded.prompt_file, worker_sessions.prompt_file), "
                + "log_file = COALESCE(excluded.log_file, worker_sessions.log_file), "
                + "spawned_at = CASE WHEN worker_sessions.time_source = 'recorded' AND excluded.time_source <> "
                + "'recorded' THEN worker_sessions.spawned_at ELSE excluded.spawned_at END, "
                + "time_source = CASE WHEN worker_sessions.time_source = 'recorded' THEN 'recorded' "
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
        String linked = one(ctx, "SELECT agent_session_id FROM worker_sessions WHERE worker_id = ?", w.workerId());
        if (linked == null) {
            String provisional = provisionalFor(w, ctx);
            if (provisional != null) {
                merge(provisional, w.workerId(), ctx);
            }
        }
        return w.workerId();
    }

    /** A transcript-only worker of the same task or log file that started after this spawn. */
    private String provisionalFor(CoordinatorWorker w, WriteContext ctx) throws SQLException {
        PreparedStatement ps = ctx.statement("SELECT worker_id, first_activity_at, time_source FROM worker_sessions "
                + "WHERE origin = 'transcript' AND (task_id = ? OR log_file = ?) ORDER BY first_activity_at");
        ps.setString(1, w.taskId());
        ps.setString(2, w.logFile());
        List<String[]> rows = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
            }
        }
        for (String[] r : rows) {
            Instant first = Times.parseOrNull(r[1]);
            if (comparable(r[2], w.timeSource()) && first != null && w.spawnedAt() != null) {
                if (!first.isBefore(w.spawnedAt().minus(TOLERANCE))) {
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
    public void merge(String from, String into, WriteContext ctx) throws SQLException {
        if (from.equals(into)) {
            return;
        }
        exec(ctx, "UPDATE worker_sessions SET agent = COALESCE(agent, (SELECT agent FROM worker_sessions WHERE "
                + "worker_id = ?1)), agent_session_id = COALESCE(agent_session_id, (SELECT agent_session_id FROM "
                + "worker_sessions WHERE worker_id = ?1)), model = COALESCE(model, (SELECT model FROM worker_sessions "
                + "WHERE worker_id = ?1)), "
                + "cwd = COALESCE(cwd, (SELECT cwd FROM worker_sessions WHERE worker_id = ?1)), "
                + "first_activity_at = (SELECT first_activity_at FROM worker_sessions WHERE worker_id = ?1), "
                + "last_activity_at = MAX(COALESCE(last_activity_at, ''), (SELECT COALESCE(last_activity_at, '') FROM "
                + "worker_sessions WHERE worker_id = ?1)), "
                + "reported_cost_usd = COALESCE(reported_cost_usd, (SELECT reported_cost_usd FROM worker_sessions "
                + "WHERE worker_id = ?1)), result_subtype = COALESCE(result_subtype, (SELECT result_subtype FROM "
                + "worker_sessions WHERE worker_id = ?1)), result_is_error = COALESCE(result_is_error, (SELECT "
                + "result_is_error FROM worker_sessions WHERE worker_id = ?1)), result_text = COALESCE(result_text, "
                + "(SELECT result_text FROM worker_sessions WHERE worker_id = ?1)), "
                + "duration_ms = COALESCE(duration_ms, "
                + "(SELECT duration_ms FROM worker_sessions WHERE worker_id = ?1)), duration_api_ms = "
                + "COALESCE(duration_api_ms, (SELECT duration_api_ms FROM worker_sessions WHERE worker_id = ?1)), "
                + "num_turns = COALESCE(num_turns, (SELECT num_turns FROM worker_sessions WHERE worker_id = ?1)), "
                + "result_usage = COALESCE(result_usage, (SELECT result_usage FROM worker_sessions WHERE "
                + "worker_id = ?1)), api_error_status = COALESCE(api_error_status, (SELECT api_error_status FROM "
                + "worker_sessions WHERE worker_id = ?1)), completed_at = COALESCE(completed_at, (SELECT completed_at "
                + "FROM worker_sessions WHERE worker_id = ?1)), failed_at = COALESCE(failed_at, (SELECT failed_at "
                + "FROM worker_sessions WHERE worker_id = ?1)) WHERE worker_id = ?2", from, into);
        moveChildren(from, into, ctx);
        exec(ctx, "DELETE FROM worker_sessions WHERE worker_id = ?1", from);
        forget(from, ctx);
    }

    /** Gives a worker a new id everywhere (a better name turned up). */
    public void rename(String from, String to, int quality, WriteContext ctx) throws SQLException {
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
    }

    /** Transaction-cache key prefix of the next free message index of a worker. */
    public static final String NEXT_INDEX = "next-index:";

    private static void forget(String worker, WriteContext ctx) {
        ctx.txCache().entrySet().removeIf(e -> e.getKey() instanceof String k && k.startsWith(CACHE)
                && worker.equals(e.getValue()));
    }

    private static void noteActivity(String worker, Instant at, WriteContext ctx) {
        String key = "activity:" + worker;
        Instant prev = (Instant) ctx.txCache().get(key);
        if (prev != null && !at.isAfter(prev)) {
            return;
        }
        ctx.txCache().put(key, at);
        // one update per worker and transaction; a worker renamed later in the transaction simply has no row
        // under this name any more and gets its activity from its later facts
        ctx.beforeCommit(key, () -> {
            PreparedStatement ps = ctx.statement("UPDATE worker_sessions SET last_activity_at = ?1 "
                    + "WHERE worker_id = ?2 AND (last_activity_at IS NULL OR last_activity_at < ?1)");
            ps.setString(1, Times.format((Instant) ctx.txCache().getOrDefault(key, at)));
            ps.setString(2, worker);
            ps.executeUpdate();
        });
    }

    private static void ensureNoCoordinatorSession(Instant at, WriteContext ctx) throws SQLException {
        if (ctx.txCache().containsKey("no-coordinator-session")) {
            return;
        }
        PreparedStatement ps = ctx.statement("INSERT INTO coordinator_sessions(session_id, started_at, ended_at, "
                + "config, exit_reason) VALUES (?, ?, ?, "
                + "'{\"synthetic\":true,\"note\":\"workers seen only in transcripts\"}', "
                + "'none') ON CONFLICT(session_id) DO NOTHING");
        ps.setString(1, NO_COORDINATOR);
        ps.setString(2, Times.format(at));
        ps.setString(3, Times.format(at));
        ps.executeUpdate();
        ctx.txCache().put("no-coordinator-session", Boolean.TRUE);
    }

    /** A placeholder task for a worker whose task only its path names (the work queue fills it in later). */
    private static void ensureTask(String task, Instant at, WriteContext ctx) throws SQLException {
        PreparedStatement ps = ctx.statement("INSERT INTO tasks(task_id, session_id, detected_at, source, "
                + "issue_number, status) VALUES (?,?,?,'transcript',?, 'observed') ON CONFLICT(task_id) DO NOTHING");
        ps.setString(1, task);
        ps.setString(2, NO_COORDINATOR);
        ps.setString(3, Times.format(at));
        Integer issue = issueNumber(task);
        if (issue == null) {
            ps.setNull(4, java.sql.Types.INTEGER);
        } else {
            ps.setInt(4, issue);
        }
        ps.executeUpdate();
    }

    /** The issue number in a task id such as gh-450. */
    public static Integer issueNumber(String taskId) {
        if (taskId == null) {
            return null;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^[A-Za-z]+-(\\d{1,9})$").matcher(taskId);
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }

    private static String one(WriteContext ctx, String sql, String arg) throws SQLException {
        PreparedStatement ps = ctx.statement(sql);
        ps.setString(1, arg);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static void exec(WriteContext ctx, String sql, String a, String b) throws SQLException {
        PreparedStatement ps = ctx.statement(sql);
        ps.setString(1, a);
        ps.setString(2, b);
        ps.executeUpdate();
    }

    private static void exec(WriteContext ctx, String sql, String a) throws SQLException {
        PreparedStatement ps = ctx.statement(sql);
        ps.setString(1, a);
        ps.executeUpdate();
    }
}
