package io.taclog.sink.coordinator;

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
import java.util.Map;
import java.util.TreeMap;

/**
 * Estimates the times of a backfilled coordinator.log, which carries none (docs/coordinator.md, "Times").
 *
 * <p>Anchors are lines whose time is known from a recorded source: a spawn line whose worker the work
 * queue lists with {@code Started:}; a launch failure the queue's META {@code failed_at} records; a
 * back-off countdown line ("in backoff: 89s remaining") of a failure with a recorded time; the first
 * transcript line of a worker that is its task's only launched worker, or whose task's streams were
 * paired with its spawns by order ({@link StreamRelinker}), so the link is certain; and the
 * file's modification time (the last flush) when nothing contradicts it. Between anchors a line's time
 * is interpolated by its byte offset; before the first and after the last it is extrapolated at the
 * rate the anchors (or consecutive countdown lines of one task) show, else at a default rate. Anchors
 * that go back in time are dropped. Every estimated time gets time_source 'estimated'.
 */
final class TimeEstimator {

    /** Used when nothing in the file gives a rate: a quiet 30-second cycle writes roughly 500 bytes. */
    static final double DEFAULT_SECONDS_PER_BYTE = 30.0 / 500.0;

    private static final Map<String, String> TIME_SOURCE_COLUMN = Map.ofEntries(
            Map.entry("coordinator_sessions.started_at", "time_source"),
            Map.entry("coordinator_sessions.ended_at", "ended_time_source"),
            Map.entry("action_triggers.timestamp", "time_source"),
            Map.entry("logic_flow.timestamp", "time_source"),
            Map.entry("system_events.timestamp", "time_source"),
            Map.entry("worktree_operations.timestamp", "time_source"),
            Map.entry("task_status_history.timestamp", "time_source"),
            Map.entry("worker_sessions.spawned_at", "time_source"),
            Map.entry("tasks.detected_at", "time_source"));
    /** The columns whose provisional stamps may be estimated (names that are put into SQL). */
    static final java.util.Set<String> COLUMNS = java.util.Set.of("started_at", "ended_at", "last_seen_at",
            "timestamp", "spawned_at", "completed_at", "failed_at", "detected_at", "process_completed_at",
            "process_failed_at");

    /** What one file's estimate rested on (returned for the report and tests). */
    record FileEstimate(long fileId, int anchors, int estimated, double secondsPerByte, String rateFrom) {
    }

    List<FileEstimate> estimate(WriteContext ctx) throws SQLException {
        List<FileEstimate> out = new ArrayList<>();
        for (long fileId : files(ctx)) {
            out.add(estimateFile(ctx, fileId));
        }
        return out;
    }

    private static List<Long> files(WriteContext ctx) throws SQLException {
        PreparedStatement ps = ctx.statement("SELECT DISTINCT file_id FROM pending_estimates ORDER BY file_id");
        List<Long> ids = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    private FileEstimate estimateFile(WriteContext ctx, long fileId) throws SQLException {
        TimeAnchors.addCountdownAnchors(ctx, fileId);
        TimeAnchors.addTranscriptAnchors(ctx, fileId);
        TreeMap<Long, Instant> anchors = TimeAnchors.anchors(ctx, fileId);
        TimeAnchors.addModifiedTime(ctx, fileId, anchors);
        anchors = monotone(anchors);
        String rateFrom;
        double rate;
        if (anchors.size() >= 2) {
            long bytes = anchors.lastKey() - anchors.firstKey();
            double secs = Duration.between(anchors.firstEntry().getValue(), anchors.lastEntry().getValue()).toMillis()
                    / 1000.0;
            rate = bytes > 0 && secs > 0 ? secs / bytes : DEFAULT_SECONDS_PER_BYTE;
            rateFrom = "anchors";
        } else {
            Double countdown = TimeAnchors.countdownRate(ctx, fileId);
            rate = countdown != null ? countdown : DEFAULT_SECONDS_PER_BYTE;
            rateFrom = countdown != null ? "back-off countdown" : "default";
        }
        int n = 0;
        if (!anchors.isEmpty()) {
            PreparedStatement ps = ctx.statement("SELECT table_name, row_key, column_name, line_offset, stamped FROM "
                    + "pending_estimates WHERE file_id = ?");
            ps.setLong(1, fileId);
            List<Object[]> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Object[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                            rs.getString(5)});
                }
            }
            for (Object[] r : rows) {
                Instant at = at(anchors, (Long) r[3], rate);
                n += apply(ctx, (String) r[0], (String) r[1], (String) r[2], Times.format(at), (String) r[4]);
            }
        }
        Sql.update(ctx, "DELETE FROM pending_estimates WHERE file_id = ?", fileId);
        return new FileEstimate(fileId, anchors.size(), n, rate, rateFrom);
    }

    /** Time of a byte offset: interpolated between anchors, extrapolated at {@code rate} outside them. */
    static Instant at(TreeMap<Long, Instant> anchors, long offset, double rate) {
        Map.Entry<Long, Instant> lo = anchors.floorEntry(offset);
        Map.Entry<Long, Instant> hi = anchors.ceilingEntry(offset);
        if (lo != null && hi != null) {
            if (lo.getKey().equals(hi.getKey())) {
                return lo.getValue();
            }
            double f = (double) (offset - lo.getKey()) / (hi.getKey() - lo.getKey());
            long span = Duration.between(lo.getValue(), hi.getValue()).toMillis();
            return lo.getValue().plusMillis(Math.round(span * f));
        }
        if (lo != null) {
            return lo.getValue().plusMillis(Math.round((offset - lo.getKey()) * rate * 1000));
        }
        return hi.getValue().minusMillis(Math.round((hi.getKey() - offset) * rate * 1000));
    }

    private static int apply(WriteContext ctx, String table, String rowKey, String column, String estimate,
                             String stamped) throws SQLException {
        String key = Estimates.KEY_COLUMN.get(table);
        if (key == null || !COLUMNS.contains(column)) {
            return 0; // only the known tables and columns are ever named in SQL
        }
        String sourceColumn = TIME_SOURCE_COLUMN.get(table + "." + column);
        String sql = "UPDATE " + table + " SET " + column + " = ?"
                + (sourceColumn == null ? "" : ", " + sourceColumn + " = '" + TimeSource.ESTIMATED + "'")
                + " WHERE " + key + " = ? AND " + column + " = ?";
        return Sql.update(ctx, sql, estimate, rowKey, stamped);
    }

    /** Keeps the anchors that never go back in time (block buffering reorders lines; clocks disagree). */
    static TreeMap<Long, Instant> monotone(TreeMap<Long, Instant> in) {
        TreeMap<Long, Instant> out = new TreeMap<>();
        Instant last = null;
        for (var e : in.entrySet()) {
            if (last == null || !e.getValue().isBefore(last)) {
                out.put(e.getKey(), e.getValue());
                last = e.getValue();
            }
        }
        return out;
    }
}
