package io.taclog.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The cost cells of every hour ({@code api_call_hours}, schema v16): calls, tokens and estimate summed per hour, worker
 * and model, kept equal to {@code api_calls} by three triggers in the writer's transactions. A bulk load takes the
 * triggers away with the deferred indexes (a trigger per inserted call costs the load what an index does) and
 * {@link #rebuild} sums the cells once from the calls when it puts them back. A reader trusts the cells only while
 * all three triggers exist ({@link #live}); otherwise it sums the calls.
 */
public final class ApiCallHours {

    public static final String TABLE = "api_call_hours";

    /**
     * The triggers that keep the cells (schema v16, again in v19) and mark the workers whose shares of their reported
     * cost are to be recomputed ({@link ApiCallCosts}, v19).
     */
    public static final List<String> TRIGGERS = List.of("api_call_hours_insert", "api_call_hours_update",
            "api_call_hours_delete", "api_call_costs_worker_insert", "api_call_costs_worker_update",
            "api_call_costs_worker_delete", "api_call_costs_usage_insert", "api_call_costs_usage_update",
            "api_call_costs_usage_delete");
    /**
     * The triggers that keep the cells themselves (the first three): what a report that reads cells needs (PostgreSQL
     * has only these: it keeps no shares yet).
     */
    static final List<String> CELL_TRIGGERS = TRIGGERS.subList(0, 3);

    private static final String REBUILD = "INSERT INTO api_call_hours(hour, worker_id, model, calls, tokens_input, "
            + "tokens_output, tokens_cached_read, tokens_cached_write, estimated_cost_usd, unpriced_calls) "
            + "SELECT substr(timestamp, 1, 13), worker_id, "
            + "model, COUNT(*), COALESCE(SUM(tokens_input), 0), COALESCE(SUM(tokens_output), 0), "
            + "COALESCE(SUM(tokens_cached_read), 0), COALESCE(SUM(tokens_cached_write), 0), TOTAL(estimated_cost_usd), "
            + "SUM(estimated_cost_usd IS NULL) FROM api_calls GROUP BY substr(timestamp, 1, 13), worker_id, model";

    private ApiCallHours() {
    }

    /** True when the cells are kept: the table and the triggers that keep it exist in the main database. */
    public static boolean live(Connection c) throws SQLException {
        return io.taclog.sink.dialect.Dialect.of(c).triggersPresent(c, CELL_TRIGGERS) == CELL_TRIGGERS.size();
    }

    /**
     * Sums every cell again from the calls, in the caller's transaction (before the triggers come back), and marks every
     * worker that reports a cost, whose shares the writer computes before the transaction commits.
     */
    static void rebuild(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM api_call_hours");
            s.executeUpdate(REBUILD);
            if (io.taclog.sink.dialect.Dialect.of(c).sqliteOnlyFeatures()) {
                s.executeUpdate("DELETE FROM api_call_hour_extras");
                s.executeUpdate("INSERT OR IGNORE INTO " + ApiCallCosts.DIRTY
                        + " SELECT worker_id FROM worker_sessions WHERE reported_cost_usd IS NOT NULL");
            }
        }
    }
}
