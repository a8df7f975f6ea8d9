package io.taclog.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Each hourly cost cell's share of its worker's reported cost (schema v19): the proration {@code CostQuery} does for a
 * report, done once per worker when what it depends on changes, so a report over a year sums cells in SQL.
 *
 * <p>A worker that reports its own total R spreads it over its cells by their estimate (by calls when nothing is
 * priced). With an itemisation by model, each model with call rows gets its itemised cost plus a part of what the
 * itemisation leaves (in proportion to its estimate), spread over that model's cells; a model itemised without call
 * rows gets its itemised cost spread over all the worker's cells ({@code api_call_hour_extras}). The shares of a
 * worker depend on its all-time sums, so the triggers only mark it ({@code api_call_cost_dirty}) and {@link #settle}
 * recomputes the marked workers before the transaction commits.
 *
 * <p>One SQL text for both back ends: the work table is a temporary table named without its schema (SQLite looks in
 * {@code temp} first, PostgreSQL in {@code pg_temp}), reals are {@code DOUBLE PRECISION} (PostgreSQL's {@code REAL}
 * has 24 bits) and flags are 0 and 1.
 */
public final class ApiCallCosts {

    /** The shares of models itemised without call rows, per hour, model and worker. */
    public static final String EXTRAS = "api_call_hour_extras";
    /** The table of marked workers; a reader trusts the shares only while it is empty. */
    public static final String DIRTY = "api_call_cost_dirty";

    /**
     * Per marked worker that reports a cost and model with cells: the model's all-time estimate and calls, the
     * worker's, whether it is itemised, and the model's allocation (its itemised cost plus its part of the rest).
     */
    private static final String SHARES = "INSERT INTO api_call_cost_shares "
            + "WITH rep AS (SELECT w.worker_id, w.reported_cost_usd AS r FROM main.api_call_cost_dirty d "
            + "JOIN main.worker_sessions w ON w.worker_id = d.worker_id WHERE w.reported_cost_usd IS NOT NULL), "
            + "wm AS (SELECT c.worker_id, c.model, TOTAL(c.estimated_cost_usd) AS e, SUM(c.calls) AS n "
            + "FROM rep JOIN main.api_call_hours c ON c.worker_id = rep.worker_id GROUP BY c.worker_id, c.model), "
            + "wt AS (SELECT worker_id, TOTAL(e) AS et, SUM(n) AS nt, COUNT(*) AS models FROM wm GROUP BY worker_id), "
            + "its AS (SELECT u.worker_id, TOTAL(u.reported_cost_usd) AS isum FROM main.worker_model_usage u "
            + "JOIN rep ON rep.worker_id = u.worker_id GROUP BY u.worker_id) "
            + "SELECT wm.worker_id, wm.model, wm.e, wm.n, wt.et, wt.nt, rep.r, "
            + "CASE WHEN its.worker_id IS NULL THEN 0 ELSE 1 END, "
            + "CASE WHEN its.worker_id IS NULL THEN NULL ELSE COALESCE(u.reported_cost_usd, 0.0) "
            + "+ (rep.r - its.isum) * (CASE WHEN wt.et > 0 THEN wm.e / wt.et ELSE 1.0 / wt.models END) END "
            + "FROM wm JOIN wt ON wt.worker_id = wm.worker_id JOIN rep ON rep.worker_id = wm.worker_id "
            + "LEFT JOIN its ON its.worker_id = wm.worker_id "
            + "LEFT JOIN main.worker_model_usage u ON u.worker_id = wm.worker_id AND u.model = wm.model";

    /** The share of the worker's whole cost a cell carries: by estimate, else by calls, else none. */
    private static final String OF_WORKER = "(CASE WHEN k.et > 0 THEN c.estimated_cost_usd / k.et "
            + "WHEN k.nt > 0 THEN CAST(c.calls AS DOUBLE PRECISION) / k.nt ELSE 0.0 END)";

    /** The cells of the marked workers: their share, or NULL for a worker that reports no cost. */
    private static final String CELLS = "UPDATE main.api_call_hours AS c SET reported_usd = CASE WHEN k.itemised = 1 "
            + "THEN k.allocated * (CASE WHEN k.e > 0 THEN c.estimated_cost_usd / k.e "
            + "WHEN k.n > 0 THEN CAST(c.calls AS DOUBLE PRECISION) / k.n ELSE 0.0 END) "
            + "ELSE k.r * " + OF_WORKER + " END "
            + "FROM api_call_cost_shares k WHERE c.worker_id = k.worker_id AND c.model = k.model";
    private static final String UNSHARED = "UPDATE main.api_call_hours SET reported_usd = NULL "
            + "WHERE worker_id IN (SELECT worker_id FROM main.api_call_cost_dirty) AND reported_usd IS NOT NULL "
            + "AND worker_id NOT IN (SELECT worker_id FROM api_call_cost_shares)";

    /** The itemised models without call rows, spread over each hour's cells of the worker. */
    private static final String EXTRA_SHARES = "INSERT INTO main.api_call_hour_extras(hour, worker_id, model, reported_usd) "
            + "SELECT c.hour, c.worker_id, u.model, TOTAL(COALESCE(u.reported_cost_usd, 0.0) * " + OF_WORKER + ") "
            + "FROM (SELECT DISTINCT worker_id, et, nt FROM api_call_cost_shares WHERE itemised = 1) k "
            + "JOIN main.worker_model_usage u ON u.worker_id = k.worker_id "
            + "JOIN main.api_call_hours c ON c.worker_id = k.worker_id "
            + "WHERE NOT EXISTS (SELECT 1 FROM api_call_cost_shares s WHERE s.worker_id = u.worker_id "
            + "AND s.model = u.model) GROUP BY c.hour, c.worker_id, u.model";

    private ApiCallCosts() {
    }

    /**
     * Recomputes the shares of the marked workers and clears the marks, in the caller's transaction; does nothing (one
     * look-up) when none is marked or the schema has no shares yet.
     */
    public static void settle(Connection c) throws SQLException {
        if (settled(c)) {
            return;
        }
        // prepared, not plain statements: a PostgreSQL connection rewrites SQLite's SQL (main., json_each) in those
        for (String sql : List.of("CREATE TEMP TABLE IF NOT EXISTS api_call_cost_shares (worker_id TEXT NOT NULL, "
                + "model TEXT NOT NULL, e DOUBLE PRECISION, n BIGINT, et DOUBLE PRECISION, nt BIGINT, "
                + "r DOUBLE PRECISION, itemised INTEGER, allocated DOUBLE PRECISION, PRIMARY KEY (worker_id, model))",
                "DELETE FROM api_call_cost_shares", SHARES, CELLS, UNSHARED,
                "DELETE FROM main.api_call_hour_extras WHERE worker_id IN (SELECT worker_id FROM main.api_call_cost_dirty)",
                EXTRA_SHARES, "DELETE FROM main.api_call_cost_dirty", "DELETE FROM api_call_cost_shares")) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.execute();
            }
        }
    }

    /** Whether the shares stand for the calls: no worker is marked (the caller checks the cells are kept at all). */
    public static boolean settled(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM main.api_call_cost_dirty LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            return !rs.next();
        }
    }
}
