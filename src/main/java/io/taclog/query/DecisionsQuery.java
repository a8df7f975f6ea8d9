package io.taclog.query;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/** The coordinator's decisions: the chain of one task, or the slowest decision points. */
public final class DecisionsQuery {

    private final Connection db;

    public DecisionsQuery(Connection db) {
        this.db = db;
    }

    /** Decision chain for a task (the seed's key query), in time order. */
    public List<Map<String, Object>> forTask(String taskId) throws SQLException {
        return Rows.query(db, "SELECT timestamp, context_type, function_name, decision_point, decision_input, "
                + "decision_output, decision_reason, duration_ms FROM logic_flow WHERE context_id = ? "
                + "ORDER BY timestamp, flow_id", taskId);
    }

    /** Slowest decision points on average (the seed's query), over those with a measured duration. */
    public List<Map<String, Object>> slowest(int limit) throws SQLException {
        return Rows.query(db, "SELECT function_name, decision_point, COUNT(*) AS decisions, "
                + "AVG(duration_ms) AS avg_ms, MAX(duration_ms) AS max_ms "
                + "FROM logic_flow WHERE duration_ms IS NOT NULL "
                // ties in name order, NULL first on both back ends (PostgreSQL puts NULL last by itself)
                + "GROUP BY function_name, decision_point ORDER BY avg_ms DESC, function_name NULLS FIRST, "
                + "decision_point NULLS FIRST LIMIT ?", limit);
    }
}
