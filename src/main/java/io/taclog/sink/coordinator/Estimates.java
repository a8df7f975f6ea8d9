package io.taclog.sink.coordinator;

import io.taclog.model.Times;
import io.taclog.model.coordinator.Stamp;
import io.taclog.sink.WriteContext;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;

/**
 * Bookkeeping for backfill time estimates. A backfilled coordinator.log line carries no time, so the
 * rows it makes are first stamped with the time the line was read; each such stamp is remembered here
 * with the line's position. When a recorded time for the same fact arrives (the work queue's
 * {@code Started:} of a spawned worker, a META {@code failed_at} of a launch failure) the stamp
 * becomes an anchor. When the backfill finishes, {@link TimeEstimator} turns the stamps into estimates
 * between the anchors.
 */
final class Estimates {

    /** Tables whose times may be provisional, and the column that identifies their rows. */
    static final Map<String, String> KEY_COLUMN = Map.of(
            "coordinator_sessions", "session_id",
            "action_triggers", "source_key",
            "logic_flow", "source_key",
            "system_events", "source_key",
            "worktree_operations", "source_key",
            "task_status_history", "source_key",
            "worker_sessions", "worker_id",
            "tasks", "task_id");

    private Estimates() {
    }

    /** Remembers a provisional stamp of {@code table.column} for the row {@code rowKey}. */
    static void register(WriteContext ctx, String table, String rowKey, String column, Stamp when)
            throws SQLException {
        if (!when.provisional() || ctx.line() == null || rowKey == null) {
            return;
        }
        if (!KEY_COLUMN.containsKey(table) || !TimeEstimator.COLUMNS.contains(column)) {
            throw new IllegalArgumentException("no estimates for " + table + "." + column);
        }
        // A later line of the same row (the next line of a decision's group, a second end of a worker) moves the
        // stamp to that line, as when both are read in one batch. Its read time only replaces the stamp the row no
        // longer holds: read in another batch the row may keep the first line's time (the opener's, the earlier end),
        // and a stamp that no longer matched it would leave the row with its read time, so the answer would depend on
        // how the backfill was cut into batches.
        PreparedStatement ps = ctx.statement("INSERT INTO pending_estimates(table_name, row_key, column_name, file_id, "
                + "line_offset, stamped) VALUES (?1,?2,?3,?4,?5,?6) ON CONFLICT(table_name, row_key, column_name) DO "
                + "UPDATE SET file_id = excluded.file_id, line_offset = excluded.line_offset, stamped = CASE WHEN "
                + "pending_estimates.stamped = (SELECT " + column + " FROM " + table + " WHERE "
                + KEY_COLUMN.get(table) + " = ?2) THEN pending_estimates.stamped ELSE excluded.stamped END");
        ps.setString(1, table);
        ps.setString(2, rowKey);
        ps.setString(3, column);
        ps.setLong(4, ctx.line().fileId());
        ps.setLong(5, ctx.line().offset());
        ps.setString(6, Times.format(when.at()));
        ps.executeUpdate();
    }

    /**
     * A recorded time replaced a provisional stamp: the line that made the stamp happened at
     * {@code recorded}, which anchors the estimates of its neighbours.
     */
    static void recordedFor(WriteContext ctx, String table, String rowKey, String column, Instant recorded,
                            String kind) throws SQLException {
        PreparedStatement find =
                ctx.statement("SELECT file_id, line_offset FROM pending_estimates WHERE table_name = ? "
                + "AND row_key = ? AND column_name = ?");
        find.setString(1, table);
        find.setString(2, rowKey);
        find.setString(3, column);
        long fileId;
        long offset;
        try (ResultSet rs = find.executeQuery()) {
            if (!rs.next()) {
                return;
            }
            fileId = rs.getLong(1);
            offset = rs.getLong(2);
        }
        anchor(ctx, fileId, offset, recorded, kind);
        Sql.update(ctx, "DELETE FROM pending_estimates WHERE table_name = ? AND row_key = ? AND column_name = ?", table,
                rowKey, column);
    }

    /** A log line known to have happened at a recorded time. */
    static void anchor(WriteContext ctx, long fileId, long offset, Instant at, String kind) throws SQLException {
        PreparedStatement ps =
                ctx.statement("INSERT INTO time_anchors(file_id, line_offset, at, kind) VALUES (?,?,?,?) "
                + "ON CONFLICT(file_id, line_offset, kind) DO UPDATE SET at = excluded.at");
        ps.setLong(1, fileId);
        ps.setLong(2, offset);
        ps.setString(3, Times.format(at));
        ps.setString(4, kind);
        ps.executeUpdate();
    }

    /** Forgets the stamps of a row that went away (a traceback joined into its error line). */
    static void forget(WriteContext ctx, String table, String rowKey) throws SQLException {
        Sql.update(ctx, "DELETE FROM pending_estimates WHERE table_name = ? AND row_key = ?", table, rowKey);
    }
}
