package io.taclog.query;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/** Errors (and critical events) in a window, with their stack traces. */
public final class ErrorsQuery {

    private final Connection db;

    public ErrorsQuery(Connection db) {
        this.db = db;
    }

    public List<Map<String, Object>> in(TimeWindow w, boolean includeWarnings) throws SQLException {
        String severities = includeWarnings ? "('warning', 'error', 'critical')" : "('error', 'critical')";
        return Rows.query(db, "SELECT timestamp, time_source, session_id, severity, event_type, component, "
                + "worker_id, task_id, message, stack_trace FROM system_events WHERE severity IN " + severities
                + " AND timestamp >= ? AND timestamp < ? ORDER BY timestamp, event_id", w.fromText(), w.untilText());
    }
}
