package io.taclog.query;

import io.taclog.model.Times;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Workers that are running (with how long their transcript has been silent, to spot a stuck one) or
 * that failed (with the reason and exit code).
 */
public final class WorkersQuery {

    private static final String COLUMNS = "w.worker_id, w.task_id, w.status, w.spawned_at, w.last_activity_at, "
            + "w.pid, w.exit_code, w.failure_reason, w.model, "
            + "(SELECT COUNT(*) FROM api_calls a WHERE a.worker_id = w.worker_id) AS calls, "
            + "COALESCE(w.reported_cost_usd, (SELECT SUM(a.estimated_cost_usd) FROM api_calls a "
            + "WHERE a.worker_id = w.worker_id)) AS cost_usd, "
            + "CASE WHEN w.reported_cost_usd IS NOT NULL THEN 'reported' ELSE 'estimated' END AS basis";

    /** Run by a coordinator, or a transcript written since the bound time. */
    private static final String NOT_IDLE = "(w.origin IS DISTINCT FROM 'transcript' OR COALESCE(w.last_activity_at, "
            + "w.spawned_at) >= ?)";

    private final Connection db;

    public WorkersQuery(Connection db) {
        this.db = db;
    }

    /**
     * Workers still spawned or running, with minutes since their last transcript line. A worker seen only in a
     * transcript (no coordinator runs it, so nothing ever ends it) counts as active while its transcript was
     * written within {@code idleAfter}; a session silent longer is idle, listed only with {@code includeIdle}.
     */
    public List<Map<String, Object>> active(Instant now, Duration idleAfter, boolean includeIdle) throws SQLException {
        List<Map<String, Object>> rows = Rows.query(db, "SELECT " + COLUMNS + " FROM worker_sessions w "
                + "WHERE w.status IN ('spawned', 'running') AND (? = 1 OR " + NOT_IDLE + ") ORDER BY w.spawned_at NULLS FIRST, w.worker_id",
                includeIdle, Times.format(now.minus(idleAfter)));
        for (Map<String, Object> r : rows) {
            Instant last = Times.parseOrNull((String) (r.get("last_activity_at") != null ? r.get("last_activity_at")
                    : r.get("spawned_at")));
            r.put("silent_minutes", last == null ? null : Math.round((now.toEpochMilli() - last.toEpochMilli())
                    / 600.0) / 100.0);
        }
        return rows;
    }

    /** Transcript-only sessions still marked running whose transcript has been silent longer than {@code idleAfter}. */
    public long idle(Instant now, Duration idleAfter) throws SQLException {
        return ((Number) Rows.query(db, "SELECT COUNT(*) AS n FROM worker_sessions w WHERE w.status IN ('spawned', "
                + "'running') AND NOT " + NOT_IDLE, Times.format(now.minus(idleAfter))).get(0).get("n")).longValue();
    }

    public List<Map<String, Object>> failed() throws SQLException {
        return Rows.query(db, "SELECT " + COLUMNS + ", w.failed_at FROM worker_sessions w "
                + "WHERE w.status = 'failed' ORDER BY COALESCE(w.failed_at, w.spawned_at) DESC NULLS LAST, w.worker_id");
    }
}
