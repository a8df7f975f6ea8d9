package io.taclog.sink.coordinator;

import io.taclog.model.TimeSource;
import io.taclog.model.Times;
import io.taclog.parse.tac8.JsonObj;
import io.taclog.sink.WriteContext;
import io.taclog.sink.workers.WorkerEnds;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Backfill: pairs the transcript streams of a task that was spawned several times with its spawns by
 * order, and anchors each spawn line on its stream's first recorded time.
 *
 * <p>While following live files a stream is linked to the spawn just before it; a backfill reads the
 * files in whatever order and TAC-8's shared {@code logs/<task>.jsonl} holds the newest worker's stream
 * first (each spawn truncates it), so same-task streams can land on the wrong spawn. Once everything is
 * read the order is known: the k-th spawn line of the task started the k-th stream (by its first
 * recorded time). Only tasks where every launched worker has exactly one stream with a recorded start
 * are re-paired; each re-pairing moves the transcript's rows, figures and end between the workers and is kept
 * as a derived 'workers_relinked' event with its evidence. The coordinator's facts (exit code, the process's end)
 * stay with their worker, so each worker's status is derived again from its own process end and the end of the
 * stream it now has.
 */
final class StreamRelinker {

    /**
     * The transcript-made columns of worker_sessions that travel with a stream, its end included (WorkerEnds): the
     * visible status and end times are derived again once the stream's end has moved.
     */
    private static final List<String> STREAM_COLUMNS = Stream.concat(Stream.of("agent",
            "agent_session_id", "model", "cwd", "first_activity_at", "last_activity_at", "reported_cost_usd",
            "result_subtype", "result_is_error", "result_text", "duration_ms", "duration_api_ms", "num_turns",
            "result_usage", "api_error_status"), WorkerEnds.RESULT_COLUMNS.stream()).toList();

    /** One launched worker of a task, where its spawn line is and the stream linked to it. */
    private record Spawn(String worker, String session, String spawnedAt, String timeSource, Long fileId, Long offset,
                         int streams, String stream, String streamStart) {
    }

    private StreamRelinker() {
    }

    /** Re-pairs every task that needs it; returns how many tasks were re-paired. */
    static int relinkAll(WriteContext ctx) throws SQLException {
        int n = 0;
        for (String task : tasks(ctx)) {
            n += relink(ctx, task) ? 1 : 0;
        }
        return n;
    }

    private static List<String> tasks(WriteContext ctx) throws SQLException {
        PreparedStatement ps = ctx.statement("SELECT task_id FROM worker_sessions WHERE origin = 'coordinator' AND pid "
                + "IS NOT NULL GROUP BY task_id HAVING COUNT(*) >= 2 ORDER BY task_id");
        List<String> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static boolean relink(WriteContext ctx, String task) throws SQLException {
        List<Spawn> spawns = spawns(ctx, task);
        if (spawns.stream().anyMatch(s -> s.streams() != 1 || s.streamStart() == null)) {
            return false; // a worker without (or with several) streams: the order says nothing certain
        }
        Comparator<Spawn> bySpawn = spawnOrder(spawns);
        if (bySpawn == null) {
            return false;
        }
        List<Spawn> ordered = new ArrayList<>(spawns);
        ordered.sort(bySpawn);
        List<Spawn> byStream = new ArrayList<>(spawns);
        byStream.sort(Comparator.comparing(Spawn::streamStart));
        Map<String, Spawn> streamOwner = new LinkedHashMap<>(); // worker -> the spawn whose stream it should get
        for (int i = 0; i < ordered.size(); i++) {
            streamOwner.put(ordered.get(i).worker(), byStream.get(i));
        }
        for (Spawn s : ordered) {
            if (s.fileId() != null) {
                Estimates.anchor(ctx, s.fileId(), s.offset(), Times.parseOrNull(streamOwner.get(s.worker())
                        .streamStart()), "transcript-start");
            }
        }
        if (ordered.stream().allMatch(s -> streamOwner.get(s.worker()).worker().equals(s.worker()))) {
            return false;
        }
        move(ctx, ordered, streamOwner);
        evidence(ctx, task, ordered, streamOwner);
        return true;
    }

    private static List<Spawn> spawns(WriteContext ctx, String task) throws SQLException {
        PreparedStatement ps = ctx.statement("SELECT w.worker_id, w.session_id, w.spawned_at, w.time_source, "
                + "p.file_id, p.line_offset, (SELECT COUNT(*) FROM agent_sessions a WHERE a.worker_id = w.worker_id), "
                + "w.agent_session_id, (SELECT MIN(c.timestamp) FROM conversations c WHERE c.agent_session_id = "
                + "w.agent_session_id AND c.time_source = 'recorded') FROM worker_sessions w LEFT JOIN "
                + "pending_estimates p ON p.table_name = 'worker_sessions' AND p.column_name = 'spawned_at' AND "
                + "p.row_key = w.worker_id WHERE w.task_id = ? AND w.origin = 'coordinator' AND w.pid IS NOT NULL");
        ps.setString(1, task);
        List<Spawn> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Long file = rs.getObject(5) == null ? null : rs.getLong(5);
                Long offset = rs.getObject(6) == null ? null : rs.getLong(6);
                out.add(new Spawn(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), file, offset,
                        rs.getInt(7), rs.getString(8), rs.getString(9)));
            }
        }
        return out;
    }

    /** Spawn lines of one log file by their place in it; else recorded spawn times; else no order. */
    private static Comparator<Spawn> spawnOrder(List<Spawn> spawns) {
        Long file = spawns.get(0).fileId();
        if (file != null && spawns.stream().allMatch(s -> file.equals(s.fileId()))) {
            return Comparator.comparing(Spawn::offset);
        }
        if (spawns.stream().allMatch(s -> TimeSource.RECORDED.equals(s.timeSource()) && s.spawnedAt() != null)) {
            return Comparator.comparing(Spawn::spawnedAt);
        }
        return null;
    }

    /** Moves each stream's rows to its new worker (through a temporary owner, so no two streams collide). */
    private static void move(WriteContext ctx, List<Spawn> ordered, Map<String, Spawn> streamOwner)
            throws SQLException {
        Map<String, Map<String, Object>> figures = new LinkedHashMap<>();
        for (Spawn s : ordered) {
            figures.put(s.worker(), streamFigures(ctx, s.worker()));
        }
        List<String[]> moves = new ArrayList<>(); // {from worker, temporary owner, to worker, stream}
        for (Spawn target : ordered) {
            Spawn from = streamOwner.get(target.worker());
            if (!from.worker().equals(target.worker())) {
                moves.add(new String[] {from.worker(), "relink~" + from.stream(), target.worker(), from.stream()});
            }
        }
        for (String[] m : moves) {
            Sql.update(ctx, "UPDATE conversations SET worker_id = ? WHERE worker_id = ? AND agent_session_id = ?", m[1],
                    m[0], m[3]);
            Sql.update(ctx, "UPDATE system_events SET worker_id = ? WHERE worker_id = ? AND (source IS NULL OR "
                    + "source = 'transcript')", m[1], m[0]);
            Sql.update(ctx, "UPDATE worker_model_usage SET worker_id = ? WHERE worker_id = ?", m[1], m[0]);
            // the completion a pull request in the stream showed (PullRequestWriter's 'P:' rows)
            Sql.update(ctx,
                    "UPDATE task_status_history SET worker_id = ? WHERE worker_id = ? AND source_key LIKE 'P:%'",
                    m[1], m[0]);
        }
        for (String[] m : moves) {
            // rows the stream did not bring (text lines without a stream) keep their places; the moved ones follow
            String clash = Sql.one(ctx, "SELECT 1 FROM conversations a JOIN conversations b ON a.message_index = "
                    + "b.message_index WHERE a.worker_id = ? AND b.worker_id = ? LIMIT 1", m[1], m[2]);
            Sql.update(ctx, "UPDATE conversations SET worker_id = ?1, message_index = message_index + CASE WHEN ?3 = 1 "
                    + "THEN (SELECT COALESCE(MAX(message_index) + 1, 0) FROM conversations WHERE worker_id = ?1) ELSE "
                    + "0 END WHERE worker_id = ?2", m[2], m[1], clash != null);
            Sql.update(ctx, "UPDATE api_calls SET worker_id = ? WHERE worker_id = ? AND agent_session_id = ?", m[2],
                    m[0], m[3]);
            Sql.update(ctx, "UPDATE agent_sessions SET worker_id = ? WHERE agent_session_id = ?", m[2], m[3]);
            Sql.update(ctx, "UPDATE system_events SET worker_id = ?1, message = REPLACE(message, ?3, ?1) WHERE "
                    + "worker_id = ?2", m[2], m[1], m[0]);
            Sql.update(ctx, "UPDATE worker_model_usage SET worker_id = ? WHERE worker_id = ?", m[2], m[1]);
            Sql.update(ctx, "UPDATE task_status_history SET worker_id = ? WHERE worker_id = ?", m[2], m[1]);
            setFigures(ctx, m[2], figures.get(m[0]));
        }
        for (String[] m : moves) {
            WorkerEnds.derive(ctx, m[2]);
        }
    }

    private static Map<String, Object> streamFigures(WriteContext ctx, String worker) throws SQLException {
        PreparedStatement ps = ctx.statement("SELECT " + String.join(", ", STREAM_COLUMNS)
                + " FROM worker_sessions WHERE worker_id = ?");
        ps.setString(1, worker);
        Map<String, Object> out = new LinkedHashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                for (String c : STREAM_COLUMNS) {
                    out.put(c, rs.getObject(c));
                }
            }
        }
        return out;
    }

    private static void setFigures(WriteContext ctx, String worker, Map<String, Object> figures) throws SQLException {
        StringBuilder sql = new StringBuilder("UPDATE worker_sessions SET ");
        List<Object> args = new ArrayList<>();
        for (String c : STREAM_COLUMNS) {
            sql.append(args.isEmpty() ? "" : ", ").append(c).append(" = ?"); // names from the constant list only
            args.add(figures.get(c));
        }
        args.add(worker);
        Sql.update(ctx, sql.append(" WHERE worker_id = ?").toString(), args.toArray());
    }

    private static void evidence(WriteContext ctx, String task, List<Spawn> ordered, Map<String, Spawn> streamOwner)
            throws SQLException {
        Map<String, String> before = new LinkedHashMap<>();
        Map<String, String> after = new LinkedHashMap<>();
        Map<String, String> starts = new LinkedHashMap<>();
        for (Spawn s : ordered) {
            before.put(s.worker(), s.stream());
            after.put(s.worker(), streamOwner.get(s.worker()).stream());
            starts.put(s.stream(), s.streamStart());
        }
        Instant at = ordered.stream().map(s -> Times.parseOrNull(s.streamStart())).max(Instant::compareTo)
                .orElseThrow();
        String details = JsonObj.of().put("derived", true).put("rule", "the k-th spawn of a task started its k-th "
                        + "transcript stream (by first recorded time)").put("spawn_order", List.copyOf(before.keySet()))
                .put("stream_first_recorded", starts).put("linked_before", before).put("linked_after", after).json();
        Sql.update(ctx, "INSERT INTO system_events(session_id, timestamp, event_type, severity, component, message, "
                + "details, task_id, time_source, source, source_key, derived) VALUES (?,?,'workers_relinked','info',"
                + "'derived',?,?,?,?,'derived',?,1) ON CONFLICT(source_key) WHERE source_key IS NOT NULL DO NOTHING",
                ordered.get(0).session(), Times.format(at), "transcript streams of " + task + " re-paired with its "
                        + ordered.size() + " spawns by order (a backfill read them out of order)",
                details, task, TimeSource.RECORDED, "relink:" + task);
    }
}
