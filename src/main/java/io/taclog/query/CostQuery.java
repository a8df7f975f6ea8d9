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
                              Map<String, Long> callsByModel, Map<String, Double> allocated, double estTotal,
                              long callsTotal) {

        /** Totals computed once per worker: a report touches every cell of the worker. */
        WorkerInfo(String task, String session, Double reported, Map<String, Double> estByModel,
                   Map<String, Long> callsByModel, Map<String, Double> allocated) {
            this(task, session, reported, estByModel, callsByModel, allocated, sum(estByModel.values()),
                    callsByModel.values().stream().mapToLong(Long::longValue).sum());
        }

        private static double sum(java.util.Collection<Double> values) {
            double total = 0;
            for (double v : values) {
                total += v;
            }
            return total;
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
        Map<String, WorkerInfo> workers = workerInfo(cells);
        Map<String, Acc> groups = new TreeMap<>();
        for (Cell c : cells) {
            WorkerInfo w = workers.getOrDefault(c.worker(), new WorkerInfo("(no task)", "(no session)", null,
                    Map.of(), Map.of(), Map.of()));
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

    /**
     * The workers with calls in the window, read with three set queries (not one query per worker); the
     * worker ids go in as one JSON array parameter.
     */
    private Map<String, WorkerInfo> workerInfo(List<Cell> cells) throws SQLException {
        java.util.Set<String> ids = new java.util.TreeSet<>();
        cells.forEach(c -> ids.add(c.worker()));
        String idsJson = jsonArray(ids);
        String inWindow = "SELECT value FROM json_each(?)";
        Map<String, String[]> rows = new HashMap<>();
        Map<String, Double> reported = new HashMap<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT w.worker_id, w.task_id, w.session_id, "
                + "w.reported_cost_usd FROM worker_sessions w WHERE w.worker_id IN (" + inWindow + ")")) {
            ps.setString(1, idsJson);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3)});
                    double r = rs.getDouble(4);
                    if (!rs.wasNull()) {
                        reported.put(rs.getString(1), r);
                    }
                }
            }
        }
        Map<String, Map<String, Double>> estByModel = new HashMap<>();
        Map<String, Map<String, Long>> callsByModel = new HashMap<>();
        Map<String, Map<String, Double>> itemised = new HashMap<>();
        if (!reported.isEmpty()) {
            // all-time figures of the reporting workers: proration spreads a worker's whole reported cost
            try (PreparedStatement ps = db.prepareStatement("SELECT a.worker_id, a.model, "
                    + "COALESCE(SUM(a.estimated_cost_usd), 0), COUNT(*) FROM api_calls a WHERE a.worker_id IN ("
                    + inWindow + ") GROUP BY a.worker_id, a.model")) {
                ps.setString(1, jsonArray(reported.keySet()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        estByModel.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(rs.getString(2),
                                rs.getDouble(3));
                        callsByModel.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(rs.getString(2),
                                rs.getLong(4));
                    }
                }
            }
            try (PreparedStatement ps = db.prepareStatement("SELECT worker_id, model, reported_cost_usd FROM "
                    + "worker_model_usage WHERE worker_id IN (" + inWindow + ")")) {
                ps.setString(1, jsonArray(reported.keySet()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        itemised.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(rs.getString(2),
                                rs.getDouble(3));
                    }
                }
            }
        }
        Map<String, WorkerInfo> out = new HashMap<>();
        for (var e : rows.entrySet()) {
            String w = e.getKey();
            Double r = reported.get(w);
            Map<String, Double> est = estByModel.getOrDefault(w, Map.of());
            Map<String, Double> allocated = r == null ? Map.of()
                    : allocate(r, est, itemised.getOrDefault(w, Map.of()));
            out.put(w, new WorkerInfo(e.getValue()[0] == null ? "(no task)" : e.getValue()[0],
                    e.getValue()[1] == null ? "(no session)" : e.getValue()[1], r, est,
                    callsByModel.getOrDefault(w, Map.of()), allocated));
        }
        return out;
    }

    /**
     * The reported total split by model as the result line itemises it (models with and without call
     * rows); whatever the itemisation does not cover (rounding, or no itemisation at all) stays with the
     * models that have call rows, in proportion to their estimates. Empty without an itemisation.
     */
    private static Map<String, Double> allocate(double reported, Map<String, Double> estByModel,
                                                Map<String, Double> itemised) {
        if (itemised.isEmpty() || estByModel.isEmpty()) {
            return Map.of();
        }
        Map<String, Double> allocated = new HashMap<>(itemised);
        double rest = reported - itemised.values().stream().mapToDouble(Double::doubleValue).sum();
        double estTotal = estByModel.values().stream().mapToDouble(Double::doubleValue).sum();
        for (var e : estByModel.entrySet()) {
            double spread = estTotal > 0 ? rest * e.getValue() / estTotal : rest / estByModel.size();
            allocated.merge(e.getKey(), spread, Double::sum);
        }
        return allocated;
    }

    /**
     * A JSON array of strings, for {@code json_each(?)}: one bound parameter instead of one query per id.
     * Written by hand because loading a JSON library costs a short-lived CLI process more than the query.
     */
    static String jsonArray(java.util.Collection<String> values) {
        StringBuilder sb = new StringBuilder("[");
        for (String v : values) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append('"');
            for (int i = 0; i < v.length(); i++) {
                char ch = v.charAt(i);
                if (ch == '"' || ch == '\\') {
                    sb.append('\\').append(ch);
                } else if (ch < 0x20) {
                    sb.append(String.format("\\u%04x", (int) ch));
                } else {
                    sb.append(ch);
                }
            }
            sb.append('"');
        }
        return sb.append(']').toString();
    }

    private static Acc acc(Map<String, Acc> groups, String key, String model) {
        return groups.computeIfAbsent(key + "\u0000" + (model == null ? "" : model), k -> new Acc(key, model));
    }

    private String timeKey(String hour, CostGrouping by) {
        ZonedDateTime t = Instant.parse(hour + ":00:00Z").atZone(zone);
        return switch (by) {
            case DAY -> t.toLocalDate().toString();
            case WEEK -> String.format("%d-W%02d", t.get(IsoFields.WEEK_BASED_YEAR),
                    t.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
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
