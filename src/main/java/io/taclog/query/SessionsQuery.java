package io.taclog.query;

import io.taclog.sink.workers.WorkerLinker;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/** Coordinator sessions with what happened in them (the synthetic transcripts-only session is left out). */
public final class SessionsQuery {

    private static final String SQL = "SELECT s.session_id, s.started_at, s.ended_at, s.exit_reason, "
            + "(SELECT COUNT(*) FROM worker_sessions w WHERE w.session_id = s.session_id) AS workers, "
            + "(SELECT COUNT(DISTINCT w.task_id) FROM worker_sessions w WHERE w.session_id = s.session_id) AS tasks, "
            + "(SELECT COUNT(*) FROM system_events e WHERE e.session_id = s.session_id "
            + "AND e.severity IN ('error', 'critical')) AS errors, "
            + "(SELECT ROUND(COALESCE(SUM(a.estimated_cost_usd), 0), 6) FROM api_calls a JOIN worker_sessions w "
            + "ON w.worker_id = a.worker_id WHERE w.session_id = s.session_id) AS estimated_usd "
            + "FROM coordinator_sessions s WHERE s.session_id <> ? ";

    private final Connection db;

    public SessionsQuery(Connection db) {
        this.db = db;
    }

    /** Sessions still open (no end recorded). */
    public List<Map<String, Object>> active() throws SQLException {
        return Rows.query(db, SQL + "AND s.ended_at IS NULL ORDER BY s.started_at NULLS FIRST, s.session_id", WorkerLinker.NO_COORDINATOR);
    }

    /** Sessions started in the window. */
    public List<Map<String, Object>> started(TimeWindow w) throws SQLException {
        return Rows.query(db, SQL + "AND s.started_at >= ? AND s.started_at < ? ORDER BY s.started_at, s.session_id",
                WorkerLinker.NO_COORDINATOR, w.fromText(), w.untilText());
    }
}
