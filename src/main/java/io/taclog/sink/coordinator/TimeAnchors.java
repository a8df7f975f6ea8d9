package io.taclog.sink.coordinator;

import com.fasterxml.jackson.databind.JsonNode;
import io.taclog.ingest.LineClassifier;
import io.taclog.model.Times;
import io.taclog.parse.tac8.FailureTypes;
import io.taclog.sink.WriteContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/** The known times a backfilled coordinator.log's estimate rests on (see {@link TimeEstimator}). */
final class TimeAnchors {

    /** A file's modification time this far after its newest recorded anchor is a copy's, not a flush's. */
    static final Duration MTIME_TRUST = Duration.ofHours(1);

    private TimeAnchors() {
    }

    static TreeMap<Long, Instant> anchors(WriteContext ctx, long fileId) throws SQLException {
        PreparedStatement ps = ctx.statement("SELECT line_offset, at FROM time_anchors WHERE file_id = ? "
                + "ORDER BY line_offset, at");
        ps.setLong(1, fileId);
        TreeMap<Long, Instant> out = new TreeMap<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Instant at = Times.parseOrNull(rs.getString(2));
                if (at != null) {
                    out.putIfAbsent(rs.getLong(1), at);
                }
            }
        }
        return out;
    }

    /**
     * "⏳ Task T in backoff: Rs remaining" of failure n, whose time the queue recorded: the line was
     * printed at failed_at + backoff(n) - R (TAC-8's backoff rule, research 6.4).
     */
    static void addCountdownAnchors(WriteContext ctx, long fileId) throws SQLException {
        for (Object[] r : countdowns(ctx, fileId)) {
            String task = (String) r[1];
            Integer attempts = (Integer) r[2];
            if (attempts == null) {
                continue;
            }
            PreparedStatement ps = ctx.statement("SELECT timestamp, failure_type FROM task_status_history WHERE "
                    + "task_id = ? AND to_status = 'failed' AND attempt = ? AND time_source = 'recorded' LIMIT 1");
            ps.setString(1, task);
            ps.setInt(2, attempts);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    Instant failed = Times.parseOrNull(rs.getString(1));
                    long backoff = FailureTypes.backoffSeconds(attempts, rs.getString(2));
                    if (failed != null) {
                        Estimates.anchor(ctx, fileId, (Long) r[0], failed.plusSeconds(backoff - (Integer) r[3]),
                                "retry-countdown");
                    }
                }
            }
        }
    }

    /** Seconds per byte between consecutive countdown lines of the same back-off (they differ by whole cycles). */
    static Double countdownRate(WriteContext ctx, long fileId) throws SQLException {
        List<Object[]> rows = countdowns(ctx, fileId);
        double secs = 0;
        long bytes = 0;
        for (int i = 0; i < rows.size(); i++) {
            for (int k = i + 1; k < rows.size(); k++) {
                Object[] a = rows.get(i);
                Object[] b = rows.get(k);
                if (a[1].equals(b[1]) && Objects.equals(a[2], b[2])) {
                    int dt = (Integer) a[3] - (Integer) b[3];
                    long db = (Long) b[0] - (Long) a[0];
                    if (dt > 0 && db > 0) {
                        secs += dt;
                        bytes += db;
                    }
                    break;
                }
            }
        }
        return bytes > 0 ? secs / bytes : null;
    }

    /** The back-off countdown decisions of a file: offset, task, failures so far, seconds remaining. */
    private static List<Object[]> countdowns(WriteContext ctx, long fileId) throws SQLException {
        PreparedStatement ps = ctx.statement("SELECT source_key, decision_input FROM logic_flow WHERE decision_point = "
                + "'retry_backoff_wait' AND source = 'coordinator-log' AND source_key LIKE ? ORDER BY flow_id");
        ps.setString(1, "L" + fileId + ":%");
        List<Object[]> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                JsonNode in;
                try {
                    in = LineClassifier.JSON.readTree(rs.getString(2));
                } catch (IOException e) {
                    continue;
                }
                long offset = Long.parseLong(rs.getString(1).substring(rs.getString(1).indexOf(':') + 1));
                out.add(new Object[] {offset, in.path("task_id").asText(),
                        in.path("attempts").isNumber() ? in.get("attempts").asInt() : null,
                        in.path("remaining_s").asInt()});
            }
        }
        out.sort(Comparator.comparingLong(o -> (Long) o[0]));
        return out;
    }

    /**
     * A worker whose task has no other launched worker: its transcript's first recorded line can only be
     * its own, and it follows its spawn line within seconds.
     */
    static void addTranscriptAnchors(WriteContext ctx, long fileId) throws SQLException {
        PreparedStatement ps =
                ctx.statement("SELECT p.line_offset, (SELECT MIN(c.timestamp) FROM conversations c WHERE "
                + "c.worker_id = w.worker_id AND c.time_source = 'recorded') FROM pending_estimates p JOIN "
                + "worker_sessions w ON w.worker_id = p.row_key WHERE p.file_id = ? AND p.table_name = "
                + "'worker_sessions' AND p.column_name = 'spawned_at' AND w.agent_session_id IS NOT NULL AND w.pid IS "
                + "NOT NULL AND (SELECT COUNT(*) FROM worker_sessions o WHERE o.task_id = w.task_id AND o.origin = "
                + "'coordinator' AND o.pid IS NOT NULL) = 1");
        ps.setLong(1, fileId);
        List<Object[]> found = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                found.add(new Object[] {rs.getLong(1), rs.getString(2)});
            }
        }
        for (Object[] f : found) {
            Instant at = Times.parseOrNull((String) f[1]);
            if (at != null) {
                Estimates.anchor(ctx, fileId, (Long) f[0], at, "transcript-start");
            }
        }
    }

    /** The last flush of the file: its last line happened no later than this. */
    static void addModifiedTime(WriteContext ctx, long fileId, TreeMap<Long, Instant> anchors)
            throws SQLException {
        PreparedStatement ps = ctx.statement("SELECT path, committed_offset FROM ingest_files WHERE file_id = ?");
        ps.setLong(1, fileId);
        String path;
        long end;
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return;
            }
            path = rs.getString(1);
            end = rs.getLong(2);
        }
        Instant mtime;
        try {
            mtime = Files.getLastModifiedTime(Path.of(path)).toInstant();
        } catch (IOException | RuntimeException e) {
            return;
        }
        Instant newest = anchors.isEmpty() ? null : anchors.values().stream().max(Instant::compareTo).orElseThrow();
        if (newest == null || !mtime.isBefore(newest) && mtime.isBefore(newest.plus(MTIME_TRUST))) {
            anchors.put(Math.max(end - 1, anchors.isEmpty() ? 0 : anchors.lastKey()), mtime);
        }
    }
}
