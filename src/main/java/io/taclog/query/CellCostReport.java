package io.taclog.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * A cost report summed in SQL from the settled cells (schema v19), where each cell already carries its share of its
 * worker's reported cost: the rows come back grouped, a few thousand for a year instead of the hundred thousand cells
 * {@link CostQuery} prorates one by one. Used only when {@link SettledCells#cover} says the cells stand for the window.
 *
 * <p>The cells are stored in (hour, model, worker) order, so a report by time or model sums each hour's models as it
 * reads them and regroups only those sums; a report by task, worker or session sums per worker first and joins each
 * worker once.
 */
final class CellCostReport {

    /** One source of cells: the call cells, and the shares of itemised models without calls. */
    private record Source(String table, String sums) {
    }

    private static final Source CALLS = new Source("main.api_call_hours", "SUM(calls) AS n, "
            + "SUM(tokens_input) AS tin, SUM(tokens_output) AS tout, SUM(tokens_cached_read) AS tcr, "
            + "SUM(tokens_cached_write) AS tcw, TOTAL(estimated_cost_usd) AS est, SUM(unpriced_calls) AS unp, "
            + "TOTAL(CASE WHEN reported_usd IS NULL THEN estimated_cost_usd END) AS estimate, "
            + "TOTAL(reported_usd) AS rep, MAX(CASE WHEN reported_usd IS NULL THEN 1 ELSE 0 END) AS ae, "
            + "MAX(CASE WHEN reported_usd IS NULL THEN 0 ELSE 1 END) AS ar");
    private static final Source EXTRAS = new Source("main.api_call_hour_extras", "0 AS n, 0 AS tin, 0 AS tout, "
            + "0 AS tcr, 0 AS tcw, 0.0 AS est, 0 AS unp, 0.0 AS estimate, TOTAL(reported_usd) AS rep, 0 AS ae, 1 AS ar");

    private static final String REGROUPED = "SUM(c.n), SUM(c.tin), SUM(c.tout), SUM(c.tcr), SUM(c.tcw), TOTAL(c.est), "
            + "SUM(c.unp), TOTAL(c.estimate), TOTAL(c.rep), MAX(c.ae), MAX(c.ar)";

    /** What one report row receives: the sums of a group and model. */
    interface Sink {
        void add(String key, String model, long calls, long in, long out, long cr, long cw, double est, long unpriced,
                 double estimate, double reported, boolean anyEstimated, boolean anyReported);
    }

    private final Connection db;
    private final ZoneId zone;

    CellCostReport(Connection db, ZoneId zone) {
        this.db = db;
        this.zone = zone;
    }

    /**
     * Sums the window's cells by {@code by} (a local day for DAY, WEEK and MONTH: the caller folds days into weeks and
     * months) and model, or by group alone when {@code perModel} is false.
     */
    void run(HourSpan span, CostGrouping by, boolean perModel, Sink sink) throws SQLException {
        LocalDays days = by.timeBucketed() ? localDays(span) : null;
        if (by.timeBucketed() && days == null) {
            return; // no cell at all
        }
        for (Source source : List.of(CALLS, EXTRAS)) {
            String model = perModel ? "c.model" : "''";
            String sql;
            if (by == CostGrouping.TASK || by == CostGrouping.SESSION || by == CostGrouping.WORKER) {
                String key = switch (by) {
                    case TASK -> CostQuery.TASK_GROUP;
                    case SESSION -> CostQuery.SESSION_GROUP;
                    default -> "c.worker_id";
                };
                String join = by == CostGrouping.WORKER ? "" : " LEFT JOIN worker_sessions w ON w.worker_id = c.worker_id";
                // without a breakdown the models of a worker are summed before the join: a fifth of the rows
                String perWorker = perModel ? "worker_id, model" : "worker_id";
                sql = "SELECT " + key + ", " + model + ", " + REGROUPED + " FROM (SELECT " + perWorker + ", "
                        + source.sums() + " FROM " + source.table() + " WHERE hour >= ? AND hour < ? "
                        + "GROUP BY " + perWorker + ") c" + join + " GROUP BY 1, 2";
            } else {
                String key = switch (by) {
                    case DAY, WEEK, MONTH -> days.sql();
                    case MODEL -> "c.model";
                    default -> "'total'";
                };
                sql = "SELECT " + key + ", " + model + ", " + REGROUPED + " FROM (SELECT hour, model, " + source.sums()
                        + " FROM " + source.table() + " WHERE hour >= ? AND hour < ? GROUP BY hour, model) c "
                        + "GROUP BY 1, 2";
            }
            try (PreparedStatement ps = db.prepareStatement(sql)) {
                int next = days == null ? 1 : days.bind(ps, 1);
                span.bindHours(ps, next);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String m = rs.getString(2);
                        sink.add(rs.getString(1), m.isEmpty() ? null : m, rs.getLong(3), rs.getLong(4), rs.getLong(5),
                                rs.getLong(6), rs.getLong(7), rs.getDouble(8), rs.getLong(9), rs.getDouble(10),
                                rs.getDouble(11), rs.getInt(12) == 1, rs.getInt(13) == 1);
                    }
                }
            }
        }
    }

    /**
     * The local days of the hours the window's cells span (the first and last cell bound an open window), or null
     * when it holds no cell.
     */
    private LocalDays localDays(HourSpan span) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT MIN(hour), MAX(hour) FROM main.api_call_hours "
                + "WHERE hour >= ? AND hour < ?")) {
            span.bindHours(ps, 1);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getString(1) == null) {
                    return null;
                }
                Instant first = Instant.parse(rs.getString(1) + ":00:00Z");
                Instant last = Instant.parse(rs.getString(2) + ":00:00Z");
                return LocalDays.of("c.hour", zone, first, last.plusSeconds(3600));
            }
        }
    }
}
