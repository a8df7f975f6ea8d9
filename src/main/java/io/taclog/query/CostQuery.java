package io.taclog.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Cost over a time window, grouped. A worker whose transcript reports its own total cost contributes
 * that figure (the estimate misses background calls the transcript never shows line by line), prorated
 * over its calls by their estimated cost; workers without one contribute the estimate. Every row says
 * which basis it used.
 */
public final class CostQuery {

    private final Connection db;
    private final ZoneId zone;

    public CostQuery(Connection db, ZoneId zone) {
        this.db = db;
        this.zone = zone;
    }

    /** Aggregates of one (worker, hour bucket, model) cell of the window. */
    private record Cell(String worker, String hour, String model, long calls, long in, long out, long cr, long cw,
                        double est, long unpriced) {
    }

    /**
     * What proration needs of a worker: its reported total R, its estimate by model E_m (all time), and the
     * reported cost allocated to each model with call rows A_m (sums to R).
     */
    private record WorkerInfo(String task, String session, Double reported, Map<String, Double> estByModel,
                              Map<String, Long> callsByModel, Map<String, Double> allocated) {

        double estTotal() {
            return estByModel.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        long callsTotal() {
            return callsByModel.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    public List<CostRow> run(TimeWindow window, CostGrouping by, boolean breakdown) throws SQLException {
        boolean hourly = by.timeBucketed();
        String bucket = hourly ? "substr(timestamp, 1, 13)" : "''";
        List<Cell> cells = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT worker_id, " + bucket + ", model, COUNT(*), "
                + "SUM(tokens_input), SUM(tokens_output), SUM(tokens_cached_read), SUM(tokens_cached_write), "
                + "SUM(estimated_cost_usd), SUM(estimated_cost_usd IS NULL) FROM api_calls "
                + "WHERE timestamp >= ? AND timestamp < ? GROUP BY 1, 2, 3")) {
            ps.setString(1, window.fromText());
            ps.setString(2, window.untilText());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    cells.add(new Cell(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                            rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getDouble(9), rs.getLong(10)));
                }
            }
        }
        Map<String, WorkerInfo> workers = new HashMap<>();
        for (Cell c : cells) {
            if (!workers.containsKey(c.worker())) {
                workers.put(c.worker(), workerInfo(c.worker()));
            }
        }
        Map<String, Acc> groups = new TreeMap<>();
        for (Cell c : cells) {
            WorkerInfo w = workers.get(c.worker());
            String key = switch (by) {
                case NONE -> "total";
                case DAY, WEEK, MONTH -> timeKey(c.hour(), by);
                case MODEL -> c.model();
                case TASK -> w.task();
                case WORKER -> c.worker();
                case SESSION -> w.session();
            };
            boolean perModel = breakdown || by == CostGrouping.MODEL;
            Map<String, Double> parts = share(c, w);
            Acc a = acc(groups, by == CostGrouping.MODEL ? c.model() : key, perModel ? c.model() : null);
            a.addCall(c);
            if (parts == null) {
                a.addEstimate(c.est());
                continue;
            }
            for (var p : parts.entrySet()) {
                String model = p.getKey();
                String k = by == CostGrouping.MODEL ? model : key;
                acc(groups, k, perModel ? model : null).addReported(p.getValue());
            }
        }
        List<CostRow> out = new ArrayList<>();
        for (Acc a : groups.values()) {
            out.add(a.row());
        }
        return out;
    }

    /**
     * The parts of the worker's reported cost this cell carries, by model (models the result line
     * itemises but that have no call rows, such as background haiku calls, get their own part), or null
     * when the worker reports no cost.
     */
    private static Map<String, Double> share(Cell c, WorkerInfo w) {
        if (w.reported() == null) {
            return null;
        }
        double estTotal = w.estTotal();
        long callsTotal = w.callsTotal();
        double ofWorker = estTotal > 0 ? c.est() / estTotal : callsTotal > 0 ? (double) c.calls() / callsTotal : 0;
        Map<String, Double> parts = new HashMap<>();
        if (w.allocated().isEmpty()) {
            parts.put(c.model(), w.reported() * ofWorker);
            return parts;
        }
        double modelEst = w.estByModel().getOrDefault(c.model(), 0.0);
        long modelCalls = w.callsByModel().getOrDefault(c.model(), 0L);
        double ofModel = modelEst > 0 ? c.est() / modelEst : modelCalls > 0 ? (double) c.calls() / modelCalls : 0;
        for (var e : w.allocated().entrySet()) {
            boolean ownModel = e.getKey().equals(c.model());
            if (ownModel || !w.estByModel().containsKey(e.getKey())) {
                // a model with call rows keeps its itemised cost on its own calls; one without rows is
                // spread over all the worker's calls
                parts.merge(e.getKey(), e.getValue() * (ownModel ? ofModel : ofWorker), Double::sum);
            }
        }
        return parts;
    }

    private WorkerInfo workerInfo(String worker) throws SQLException {
        String task = null;
        String session = null;
        Double reported = null;
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT task_id, session_id, reported_cost_usd FROM worker_sessions WHERE worker_id = ?")) {
            ps.setString(1, worker);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    task = rs.getString(1);
                    session = rs.getString(2);
                    double r = rs.getDouble(3);
                    reported = rs.wasNull() ? null : r;
                }
            }
        }
        Map<String, Double> estByModel = new HashMap<>();
        Map<String, Long> callsByModel = new HashMap<>();
        Map<String, Double> allocated = new HashMap<>();
        if (reported != null) {
            try (PreparedStatement ps = db.prepareStatement("SELECT model, COALESCE(SUM(estimated_cost_usd), 0), "
                    + "COUNT(*) FROM api_calls WHERE worker_id = ? GROUP BY model")) {
                ps.setString(1, worker);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        estByModel.put(rs.getString(1), rs.getDouble(2));
                        callsByModel.put(rs.getString(1), rs.getLong(3));
                    }
                }
            }
            allocate(worker, reported, estByModel, allocated);
        }
        return new WorkerInfo(task == null ? "(no task)" : task, session == null ? "(no session)" : session, reported,
                estByModel, callsByModel, allocated);
    }

    /**
     * The reported total split by model as the result line itemises it (models with and without call
     * rows); whatever the itemisation does not cover (rounding, or no itemisation at all) stays with the
     * models that have call rows, in proportion to their estimates.
     */
    private void allocate(String worker, double reported, Map<String, Double> estByModel,
                          Map<String, Double> allocated) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(
                "SELECT model, reported_cost_usd FROM worker_model_usage WHERE worker_id = ?")) {
            ps.setString(1, worker);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    allocated.put(rs.getString(1), rs.getDouble(2));
                }
            }
        }
        if (allocated.isEmpty() || estByModel.isEmpty()) {
            allocated.clear();
            return;
        }
        double rest = reported - allocated.values().stream().mapToDouble(Double::doubleValue).sum();
        double estTotal = estByModel.values().stream().mapToDouble(Double::doubleValue).sum();
        for (var e : estByModel.entrySet()) {
            double spread = estTotal > 0 ? rest * e.getValue() / estTotal : rest / estByModel.size();
            allocated.merge(e.getKey(), spread, Double::sum);
        }
    }

    private static Acc acc(Map<String, Acc> groups, String key, String model) {
        return groups.computeIfAbsent(key + "\u0000" + (model == null ? "" : model), k -> new Acc(key, model));
    }

    private String timeKey(String hour, CostGrouping by) {
        ZonedDateTime t = Instant.parse(hour + ":00:00Z").atZone(zone);
        return switch (by) {
            case DAY -> t.toLocalDate().toString();
            case WEEK -> String.format("%d-W%02d", t.get(IsoFields.WEEK_BASED_YEAR), t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            case MONTH -> t.format(DateTimeFormatter.ofPattern("yyyy-MM"));
            default -> hour;
        };
    }

    /** Running sums of one output row. */
    private static final class Acc {
        final String key;
        final String model;
        long calls;
        long in;
        long out;
        long cr;
        long cw;
        double est;
        double reported;
        double cost;
        long unpriced;
        boolean anyReported;
        boolean anyEstimated;

        Acc(String key, String model) {
            this.key = key;
            this.model = model;
        }

        void addCall(Cell c) {
            calls += c.calls();
            in += c.in();
            out += c.out();
            cr += c.cr();
            cw += c.cw();
            est += c.est();
            unpriced += c.unpriced();
        }

        void addEstimate(double usd) {
            cost += usd;
            anyEstimated = true;
        }

        void addReported(double usd) {
            reported += usd;
            cost += usd;
            anyReported = true;
        }

        CostRow row() {
            String basis = anyReported && anyEstimated ? "mixed" : anyReported ? "reported" : "estimated";
            return new CostRow(key, model, calls, in, out, cr, cw, est, reported, cost, basis, unpriced);
        }
    }
}
