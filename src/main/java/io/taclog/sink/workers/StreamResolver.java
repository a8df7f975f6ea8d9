package io.taclog.sink.workers;

import static io.taclog.sink.workers.LinkSql.one;
import static io.taclog.sink.workers.WorkerLinker.NAME_FROM_PATH;
import static io.taclog.sink.workers.WorkerLinker.NAME_FROM_SESSION;
import static io.taclog.sink.workers.WorkerLinker.NO_COORDINATOR;

import io.taclog.model.StreamRef;
import io.taclog.model.Times;
import io.taclog.sink.WriteContext;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** Finds or creates the worker of a transcript stream: a known link, a coordinator spawn, or a new name. */
final class StreamResolver {

    private StreamResolver() {
    }

    /** The key a stream is known by: its session id, or its file when it has none (yet). */
    static String streamKey(StreamRef ref) {
        return ref.agentSessionId() != null ? ref.agentSessionId() : "file:" + ref.sourcePath();
    }

    /** The worker of a stream not resolved in this transaction yet; creates one when nobody claims it. */
    static String resolve(StreamRef ref, String streamKey, Instant at, String timeSource, WriteContext ctx)
            throws SQLException {
        String fileKey = ref.sourcePath() == null ? streamKey : "file:" + ref.sourcePath();
        PreparedStatement links = ctx.statement(
                "SELECT agent_session_id, worker_id FROM agent_sessions WHERE agent_session_id IN (?, ?)");
        links.setString(1, streamKey);
        links.setString(2, fileKey);
        String known = null;
        boolean fileHasWorker = false;
        try (ResultSet rs = links.executeQuery()) {
            while (rs.next()) {
                if (streamKey.equals(rs.getString(1))) {
                    known = rs.getString(2);
                } else {
                    fileHasWorker = true;
                }
            }
        }
        if (known != null) {
            return maybeBetterName(known, ref, ctx);
        }
        String adopted = fileHasWorker ? adoptTextOnlyWorker(ref, streamKey, at, ctx) : null;
        if (adopted != null) {
            return adopted;
        }
        String claimed = mayHaveUnclaimedWorkers(ctx) ? claimCoordinatorWorker(ref, at, timeSource, ctx) : null;
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
        // a task only from evidence (the path names it); without any the worker stays unassigned (NULL), never
        // filed under a task made up from its session id: a coordinator's claim sets the task later
        String task = ref.taskHint();
        Placeholders.ensureNoCoordinatorSession(at, ctx);
        if (task != null) {
            Placeholders.ensureTask(task, at, ctx);
        }
        PreparedStatement ps = ctx.statement("INSERT INTO worker_sessions(worker_id, session_id, task_id, spawned_at, "
                + "status, log_file, origin, name_quality, agent, agent_session_id, time_source, first_activity_at, "
                + "last_activity_at, process_status) VALUES (?,?,?,?,'running',?,'transcript',?,?,?,?,?,?,'running') "
                + "ON CONFLICT(worker_id) DO NOTHING");
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
        // the name the path or session suggests, unless a worker has it: then the first free suffixed one
        String name = base;
        ps.setString(1, name);
        if (ps.executeUpdate() == 0) {
            name = uniqueName(base, streamKey, ctx);
            ps.setString(1, name);
            ps.executeUpdate();
        }
        linkStream(streamKey, name, ref, at, "transcript", ctx);
        ctx.txCache().put(WorkerLinker.FRESH + name, Boolean.TRUE);
        ctx.txCache().put(WorkerLinker.NEXT_INDEX + name, 0);
        return name;
    }

    /**
     * Whether any coordinator worker still waits for its stream (asked once per transaction, and again after the
     * coordinator records a worker): a backfill of transcripts alone skips the claim query for every stream.
     */
    private static boolean mayHaveUnclaimedWorkers(WriteContext ctx) throws SQLException {
        Object cached = ctx.txCache().get(WorkerLinker.MAYBE_UNCLAIMED);
        if (cached != null) {
            return (Boolean) cached;
        }
        boolean any = one(ctx, "SELECT worker_id FROM worker_sessions WHERE origin = 'coordinator' "
                + "AND agent_session_id IS NULL LIMIT 1", null) != null;
        ctx.txCache().put(WorkerLinker.MAYBE_UNCLAIMED, any);
        return any;
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
    private static String maybeBetterName(String worker, StreamRef ref, WriteContext ctx) throws SQLException {
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
        WorkerJoiner.rename(worker, better, NAME_FROM_PATH, ctx);
        return better;
    }

    private static String uniqueName(String base, String streamKey, WriteContext ctx) throws SQLException {
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

    /**
     * Finds the coordinator's (not yet linked) worker this stream belongs to, or null: by the exact log path or
     * the task the path names, else by the file's name (the coordinator wrote its log file's path as it sees it,
     * the sidecar may see the same file elsewhere: a container mount, a synced copy, a relative path), where
     * the coordinator's worker id equals the file's stem or its log file has the same name.
     */
    private static String claimCoordinatorWorker(StreamRef ref, Instant at, String timeSource, WriteContext ctx)
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
        String claimed = latestSpawnBefore(LinkSql.rows(ps), at, timeSource);
        if (claimed != null || ref.sourcePath() == null) {
            return claimed;
        }
        PreparedStatement byName = ctx.statement("SELECT worker_id, spawned_at, time_source, task_id "
                + "FROM worker_sessions WHERE origin = 'coordinator' AND agent_session_id IS NULL "
                + "AND (worker_id = ?1 OR " + LinkSql.sameFileName(2, 3) + ") "
                + "AND NOT (status = 'failed' AND pid IS NULL) ORDER BY spawned_at DESC");
        byName.setString(1, io.taclog.parse.TranscriptPaths.stem(ref.sourcePath()));
        LinkSql.bindFileName(byName, 2, 3, ref.sourcePath());
        List<String[]> rows = LinkSql.rows(byName);
        if (rows.stream().map(r -> r[3]).distinct().count() > 1) {
            // the same name in the folders of several tasks (worker.jsonl): the name says nothing, and a
            // wrong task is worse than none (taclog.coordinator.path-map tells the folders apart)
            return null;
        }
        return latestSpawnBefore(rows, at, timeSource);
    }

    /** Of candidate spawns (newest first), the latest one before the stream began; null if none fits. */
    private static String latestSpawnBefore(List<String[]> rows, Instant at, String timeSource) {
        if (rows.isEmpty()) {
            return null;
        }
        for (String[] r : rows) {
            Instant spawned = Times.parseOrNull(r[1]);
            if (SpawnTimes.comparable(timeSource, r[2]) && spawned != null) {
                if (!spawned.isAfter(at.plus(SpawnTimes.TOLERANCE))) {
                    return r[0]; // rows are newest first: the latest spawn before the stream began
                }
            } else {
                return rows.get(0)[0]; // times say nothing: the latest unclaimed spawn of the task
            }
        }
        return null;
    }
}
