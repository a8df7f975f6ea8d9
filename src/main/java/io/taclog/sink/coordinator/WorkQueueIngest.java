package io.taclog.sink.coordinator;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.taclog.ingest.LineClassifier;
import io.taclog.model.Fact;
import io.taclog.model.Times;
import io.taclog.model.coordinator.CoordinatorEvent;
import io.taclog.model.coordinator.Sources;
import io.taclog.model.coordinator.Stamp;
import io.taclog.parse.tac8.JsonObj;
import io.taclog.parse.tac8.LocalTimes;
import io.taclog.parse.tac8.queue.QueueDiff;
import io.taclog.parse.tac8.queue.QueueSnapshot;
import io.taclog.parse.tac8.queue.TasksMd;
import io.taclog.sink.Database;
import io.taclog.sink.FactWriters;
import io.taclog.sink.WriteContext;
import io.taclog.source.Hashes;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Applies one version of the work queue: stores it once (by content hash: a version read again, after a
 * restart or from a second path, changes nothing), diffs it with the previous version stored in the
 * database and writes the resulting facts, all in one transaction. Only versions the coordinator wrote
 * (they carry a Last-updated line) are diffed; anything else is kept and reported, never diffed, so a
 * damaged file cannot make every task look finished.
 */
public final class WorkQueueIngest {

    /** What became of a version. */
    public record Result(String outcome, int facts, long snapshotId) {
        public static final String APPLIED = "applied";
        public static final String DUPLICATE = "duplicate";
        public static final String LATE = "late";
        public static final String NOT_A_QUEUE = "not-a-queue";
    }

    private final Database db;
    private final FactWriters writers;
    private final LocalTimes times;
    private final Clock clock;

    public WorkQueueIngest(Database db, FactWriters writers, LocalTimes times, Clock clock) {
        this.db = db;
        this.writers = writers;
        this.times = times;
        this.clock = clock;
    }

    public Result ingest(String file, byte[] content, Instant modifiedAt) throws SQLException {
        Instant observed = clock.instant();
        String sha = Hashes.sha256Hex(content);
        String text = decode(content);
        QueueSnapshot snap = TasksMd.parse(text);
        String structure = Hashes.sha256Hex(text.replaceAll("(?m)^\\*\\*Last updated:\\*\\*.*$", "")
                .getBytes(StandardCharsets.UTF_8));
        return WriteContext.transaction(db, observed, ctx -> {
            if (Sql.one(ctx, "SELECT snapshot_id FROM work_queue_snapshots WHERE content_sha256 = ?", sha) != null) {
                return new Result(Result.DUPLICATE, 0, -1);
            }
            Instant lastUpdated = times.instant(snap.lastUpdated());
            Stamp when = lastUpdated != null ? Stamp.recorded(lastUpdated) : Stamp.observed(observed);
            String session = Sessions.latest(ctx);
            if (session == null) {
                session = Sessions.QUEUE_ONLY;
            }
            Sessions.ensure(ctx, session, when, Sources.QUEUE);
            Previous prev = previous(ctx);
            String outcome;
            List<Fact> facts;
            if (lastUpdated == null) {
                outcome = Result.NOT_A_QUEUE;
                facts = List.of(new CoordinatorEvent("Q" + sha.substring(0, 16) + ":not-a-queue", session, when,
                        "work_queue_unreadable", "warning", "work_queue", "work-queue version without a Last-updated "
                        + "line: kept, not compared (" + snap.unparsed().size() + " unparsed lines)",
                        JsonObj.of().put("file", file).put("bytes", content.length).put("first_lines", snap.unparsed()
                                .stream().limit(5).map(QueueSnapshot.Unparsed::text).toList()).json(), null, null,
                        null, Sources.QUEUE, false));
            } else if (prev != null && prev.lastUpdated != null && lastUpdated.isBefore(prev.lastUpdated)) {
                outcome = Result.LATE;
                facts = List.of(new CoordinatorEvent("Q" + sha.substring(0, 16) + ":late", session, when,
                        "work_queue_late_version", "info", "work_queue", "work-queue version older than one already "
                        + "applied: kept, not compared", JsonObj.of().put("file", file).put("last_updated",
                        snap.lastUpdated()).put("newest_applied", Times.format(prev.lastUpdated)).json(), null, null,
                        null, Sources.QUEUE, false));
            } else {
                outcome = Result.APPLIED;
                QueueDiff.Context c = new QueueDiff.Context("Q" + sha.substring(0, 16), session, when, times,
                        known(ctx, snap, prev), running(ctx, snap, when), file, prev == null);
                facts = QueueDiff.diff(prev == null ? null : prev.snapshot, snap, c);
            }
            for (Fact f : facts) {
                writers.write(f, ctx);
            }
            long id = store(ctx, file, sha, structure, snap, observed, lastUpdated, modifiedAt, session,
                    content.length, facts.size(), Result.APPLIED.equals(outcome), prev);
            return new Result(outcome, facts.size(), id);
        });
    }

    private record Previous(Instant lastUpdated, QueueSnapshot snapshot, String structure) {
    }

    /** The newest version applied, with the newest stored structure (heartbeats store none of their own). */
    private static Previous previous(WriteContext ctx) throws SQLException {
        PreparedStatement ps = ctx.statement("SELECT last_updated, structure_sha256, (SELECT b.body FROM "
                + "work_queue_snapshots b WHERE b.applied = 1 AND b.body IS NOT NULL ORDER BY b.last_updated DESC, "
                + "b.snapshot_id DESC LIMIT 1) FROM work_queue_snapshots WHERE applied = 1 "
                + "ORDER BY last_updated DESC, snapshot_id DESC LIMIT 1");
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            String body = rs.getString(3);
            try {
                QueueSnapshot s = body == null ? null : LineClassifier.JSON.readValue(body, QueueSnapshot.class);
                return new Previous(Times.parseOrNull(rs.getString(1)), s, rs.getString(2));
            } catch (JsonProcessingException e) {
                throw new SQLException("stored work-queue version is not readable JSON", e);
            }
        }
    }

    /** Tasks of the snapshot whose detection taclog already recorded (their new entry is a re-detection). */
    private static Set<String> known(WriteContext ctx, QueueSnapshot snap, Previous prev) throws SQLException {
        Set<String> out = new HashSet<>();
        PreparedStatement ps = ctx.statement("SELECT 1 FROM tasks t WHERE t.task_id = ? AND (t.detection_seen = 1 OR "
                + "EXISTS (SELECT 1 FROM task_status_history h WHERE h.task_id = t.task_id))");
        for (String id : snap.taskIds()) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    out.add(id);
                }
            }
        }
        return out;
    }

    /** The running coordinator worker of each task the snapshot names (a re-detection must not reset it). */
    private static java.util.Map<String, String> running(WriteContext ctx, QueueSnapshot snap, Stamp when)
            throws SQLException {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        // only workers known to have started before this version (a backfill's provisional times say nothing)
        PreparedStatement ps = ctx.statement("SELECT w.worker_id FROM worker_sessions w WHERE w.task_id = ? AND "
                + "w.origin = 'coordinator' AND w.pid IS NOT NULL AND w.status IN ('spawned', 'running') AND "
                + "w.spawned_at <= ? AND NOT EXISTS (SELECT 1 FROM pending_estimates p WHERE p.table_name = "
                + "'worker_sessions' AND p.row_key = w.worker_id AND p.column_name = 'spawned_at') "
                + "ORDER BY w.spawned_at DESC LIMIT 1");
        ps.setString(2, Sql.at(when));
        for (String id : snap.taskIds()) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    out.put(id, rs.getString(1));
                }
            }
        }
        return out;
    }

    private static long store(WriteContext ctx, String file, String sha, String structure, QueueSnapshot snap,
                              Instant observed, Instant lastUpdated, Instant modifiedAt, String session, int bytes,
                              int facts, boolean applied, Previous prev) throws SQLException {
        boolean sameStructure = prev != null && structure.equals(prev.structure) && prev.snapshot != null;
        String body;
        try {
            body = sameStructure ? null : LineClassifier.JSON.writeValueAsString(snap);
        } catch (JsonProcessingException e) {
            throw new SQLException("cannot store a work-queue version", e);
        }
        PreparedStatement ps = ctx.statement("INSERT INTO work_queue_snapshots(content_sha256, file, observed_at, "
                + "last_updated, last_updated_local, file_modified_at, bytes, session_id, pending, active, completed, "
                + "failed, blocked, unparsed_lines, structure_sha256, body, applied, changes) "
                + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING snapshot_id");
        ps.setString(1, sha);
        ps.setString(2, file);
        ps.setString(3, Times.format(observed));
        Sql.time(ps, 4, lastUpdated);
        Sql.text(ps, 5, snap.lastUpdated());
        Sql.time(ps, 6, modifiedAt);
        ps.setInt(7, bytes);
        ps.setString(8, session);
        ps.setInt(9, snap.pending().size());
        ps.setInt(10, snap.active().size());
        ps.setInt(11, snap.completed().size());
        ps.setInt(12, snap.failed().size());
        ps.setInt(13, snap.blocked().size());
        ps.setInt(14, snap.unparsed().size());
        ps.setString(15, structure);
        Sql.text(ps, 16, body);
        ps.setBoolean(17, applied);
        ps.setInt(18, facts);
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** UTF-8 with bad bytes replaced: a damaged file is still read (and its damage reported as unparsed). */
    private static String decode(byte[] content) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(content)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return new String(content, StandardCharsets.UTF_8);
        }
    }
}
