package io.taclog.query;

import io.taclog.sink.ApiCallHours;
import io.taclog.sink.workers.WorkerLinker;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
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
    /** Only the calls read from this host's files (PostgreSQL's {@code ingest_files.host_id}); null: every call. */
    private final String host;

    public CostQuery(Connection db, ZoneId zone) {
        this(db, zone, null);
    }

    private CostQuery(Connection db, ZoneId zone, String host) {
        this.db = db;
        this.zone = zone;
        this.host = host;
    }

    /**
     * The same report over the calls one host's sidecar read (a PostgreSQL database shared by many hosts). Its
     * workers' reported cost is still prorated over all their calls: a worker's transcripts are one host's files.
     */
    public CostQuery ofHost(String hostId) {
        return new CostQuery(db, zone, java.util.Objects.requireNonNull(hostId));
    }

    /** Why a report by host is refused on a SQLite file. */
    public static final String NO_HOSTS = "a SQLite database holds one sidecar's files and no host ids: reports by "
            + "host are for a PostgreSQL database shared by many hosts (docs/operations.md)";

    /** Whether the database knows hosts: PostgreSQL, where each registered file names the sidecar's host id. */
    public static boolean hasHosts(Connection db) {
        return !io.taclog.sink.dialect.Dialect.of(db).sqliteOnlyFeatures();
    }

    /**
     * Aggregates of one cell of the window: calls of one model in one hour bucket (when grouping by time) and one
     * group (task, worker or session, when grouping by those). {@code prorated} is the worker when the worker
     * reports its own cost (its calls share that figure, so they stay apart per worker), else null: the calls of
     * every worker without a reported cost are summed in SQL, which keeps the cells few however many workers
     * the window holds.
     */
    private record Cell(String prorated, String group, String hour, String model, long calls, long in, long out,
                        long cr, long cw, double est, long unpriced) {
    }

    /**
     * What proration needs of a worker: its reported total R, its estimate by model E_m (all time), and the
     * reported cost allocated to each model with call rows A_m (sums to R).
     */
    private record WorkerInfo(Double reported, Map<String, Double> estByModel, Map<String, Long> callsByModel,
                              Map<String, Double> allocated, double estTotal, long callsTotal) {

        /** Totals computed once per worker: a report touches every cell of the worker. */
        WorkerInfo(Double reported, Map<String, Double> estByModel, Map<String, Long> callsByModel,
                   Map<String, Double> allocated) {
            this(reported, estByModel, callsByModel, allocated, sum(estByModel.values()),
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
        if ((by == CostGrouping.HOST || host != null) && !hasHosts(db)) {
            throw new IllegalArgumentException(NO_HOSTS);
        }
        if (by == CostGrouping.HOST) {
            return byHost(window, breakdown);
        }
        HourSpan span = HourSpan.of(window);
        boolean perModel = breakdown || by == CostGrouping.MODEL;
        // in a zone a half or three quarters of an hour off UTC a local day starts inside an hour: its calls go to
        // their days by the parts of an hour either side of that minute, which no hour cell can do
        java.util.SortedSet<Integer> dayStarts = by.timeBucketed()
                ? HourSpan.dayStartMinutes(zone, window.from(), window.until()) : HourSpan.ON_THE_HOUR;
        boolean daysStartInsideHours = !dayStarts.equals(HourSpan.ON_THE_HOUR);
        if (host == null && !daysStartInsideHours && SettledCells.cover(db, span)) {
            return fromSettledCells(span, by, perModel);
        }
        List<Cell> cells = new ArrayList<>();
        // the hourly cells do not know which file a call came from: one host's report reads its calls
        boolean fromCells = host == null && span.wholeHours() && cellsKept();
        String cellsOfWindow = !fromCells ? HourSpan.callCells(dayStarts, host != null)
                : daysStartInsideHours ? HourSpan.splitCellsSql(dayStarts) : HourSpan.WINDOW_FROM_CELLS;
        try (PreparedStatement ps = db.prepareStatement(cellsSql(by, fromCells, cellsOfWindow))) {
            if (fromCells && daysStartInsideHours) {
                span.bindSplit(ps, jsonArray(splitHours(span)));
            } else if (fromCells) {
                span.bind(ps);
            } else {
                HourSpan.bindCalls(ps, 1, window.fromText(), window.untilText());
                if (host != null) {
                    ps.setString(5, host);
                }
            }
            // a column the grouping leaves empty is not read: a year is over 100,000 cells, and each text read
            // through the driver is a native call and a new string
            boolean grouped = by == CostGrouping.TASK || by == CostGrouping.WORKER || by == CostGrouping.SESSION;
            boolean hourly = by.timeBucketed();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    cells.add(new Cell(rs.getString(1), grouped ? rs.getString(2) : "", hourly ? rs.getString(3) : "",
                            rs.getString(4),
                            rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getDouble(10),
                            rs.getLong(11)));
                }
            }
        }
        Map<String, WorkerInfo> workers = workerInfo(cells, fromCells ? span : null);
        Map<String, String> timeKeys = new HashMap<>();
        Groups groups = new Groups();
        for (Cell c : cells) {
            String key = switch (by) {
                case NONE -> "total";
                case DAY, WEEK, MONTH -> timeKeys.computeIfAbsent(c.hour(), h -> timeKey(h, by));
                case MODEL -> c.model();
                case TASK, WORKER, SESSION -> c.group();
                case HOST -> throw new IllegalStateException("by host is one report per host (byHost)");
            };
            Acc a = groups.acc(by == CostGrouping.MODEL ? c.model() : key, perModel ? c.model() : null);
            a.addCall(c);
            WorkerInfo w = c.prorated() == null ? null : workers.get(c.prorated());
            if (w == null || w.reported() == null) {
                a.addEstimate(c.est());
                continue;
            }
            share(c, w, (model, usd) -> {
                if (model.equals(c.model())) {
                    a.addReported(usd); // the cell's own model: the row it was counted in
                } else {
                    groups.acc(by == CostGrouping.MODEL ? model : key, perModel ? model : null).addReported(usd);
                }
            });
        }
        return groups.rows();
    }

    /** The hours of the window's cells in which a local day starts inside the hour (the cells' range bounds it). */
    private List<String> splitHours(HourSpan span) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT MIN(hour), MAX(hour) FROM main.api_call_hours");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return span.splitHours(zone, rs.getString(1), rs.getString(2));
        }
    }

    /**
     * One group per host: each host's report ({@link #ofHost}), its rows keyed by the host id. A fleet has a few
     * hosts, so a report per host costs little more than one over everything, and uses the same code.
     */
    private List<CostRow> byHost(TimeWindow window, boolean breakdown) throws SQLException {
        List<String> hosts = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT DISTINCT host_id FROM ingest_files ORDER BY host_id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                hosts.add(rs.getString(1));
            }
        }
        List<CostRow> out = new ArrayList<>();
        for (String h : hosts) {
            for (CostRow r : ofHost(h).run(window, CostGrouping.NONE, breakdown)) {
                out.add(new CostRow(h, r.model(), r.calls(), r.tokensInput(), r.tokensOutput(), r.tokensCacheRead(),
                        r.tokensCacheWrite(), r.estimatedUsd(), r.reportedUsd(), r.costUsd(), r.basis(),
                        r.unpricedCalls()));
            }
        }
        return out;
    }

    /**
     * The report from cells that carry their reported shares ({@link CellCostReport}): SQL sums them by group, local
     * day and model; weeks and months are folded from the days here.
     */
    private List<CostRow> fromSettledCells(HourSpan span, CostGrouping by, boolean perModel) throws SQLException {
        Groups groups = new Groups();
        Map<String, String> dayKeys = new HashMap<>();
        new CellCostReport(db, zone).run(span, by, perModel, (key, model, calls, in, out, cr, cw, est, unpriced,
                                                               estimate, reported, anyEstimated, anyReported) -> {
            String group = by == CostGrouping.WEEK || by == CostGrouping.MONTH
                    ? dayKeys.computeIfAbsent(key, d -> dayKey(java.time.LocalDate.parse(d), by)) : key;
            groups.acc(group, model).addSums(calls, in, out, cr, cw, est, unpriced, estimate, reported, anyEstimated,
                    anyReported);
        });
        return groups.rows();
    }

    /**
     * The output rows by group and model, sorted by group then model. Looked up through two hash maps, not one map
     * of joined strings: a year of cells is over a hundred thousand look-ups.
     */
    private static final class Groups {
        private final Map<String, Map<String, Acc>> byKey = new HashMap<>();

        Acc acc(String key, String model) {
            return byKey.computeIfAbsent(key, k -> new HashMap<>())
                    .computeIfAbsent(model == null ? "" : model, m -> new Acc(key, model));
        }

        List<CostRow> rows() {
            List<CostRow> out = new ArrayList<>();
            for (var group : new TreeMap<>(byKey).values()) {
                for (Acc a : new TreeMap<>(group).values()) {
                    out.add(a.row());
                }
            }
            return out;
        }
    }

    /** Where one part of a worker's reported cost goes: the model it is for and the dollars. */
    @FunctionalInterface
    private interface Part {
        void add(String model, double usd);
    }

    /** The group of calls whose worker no task claims (no coordinator record, no task in the path). */
    public static final String UNASSIGNED = "(unassigned)";
    /** Prefix of the groups that split the work seen only in transcripts by the agent's session. */
    public static final String TRANSCRIPT_SESSION = "transcript ";
    static final String TASK_GROUP = "COALESCE(w.task_id, '" + UNASSIGNED + "')";
    /**
     * A coordinator session as it is; the synthetic one of transcript-only workers split by the agent's own
     * session (its file when it has none), which is the only grouping unassigned work has.
     */
    static final String SESSION_GROUP = "CASE WHEN w.session_id = '" + WorkerLinker.NO_COORDINATOR
            + "' THEN '" + TRANSCRIPT_SESSION + "' || COALESCE(w.agent_session_id, w.worker_id) "
            + "ELSE COALESCE(w.session_id, '(no session)') END";

    /** The all-time estimate and calls per model of the workers in a JSON array, from their calls. */
    private static final String WORKER_MODELS = "SELECT a.worker_id, a.model, COALESCE(SUM(a.estimated_cost_usd), 0), "
            + "COUNT(*) FROM api_calls a WHERE a.worker_id IN (SELECT value FROM json_each(?)) "
            + "GROUP BY a.worker_id, a.model";
    /**
     * Whether the hourly cells can stand for the calls: they are kept (all their triggers exist; a bulk load takes
     * them away until it ends) and this connection reads the database alone. With {@code --include-archives} the
     * calls are a view over the archives too, which the database's cells do not hold.
     */
    private boolean cellsKept() throws SQLException {
        return !SettledCells.archivesAttached(db) && ApiCallHours.live(db);
    }

    private static final String CELL_SUMS = "SUM(c.n), SUM(c.tin), SUM(c.tout), SUM(c.tcr), SUM(c.tcw), SUM(c.est), "
            + "SUM(c.unpriced)";

    /**
     * The cells of a window: the hour cells regrouped by what the report needs. Worker rows are joined only when
     * grouping by task or session, and then to cells already summed per worker: a join per call cost a report over
     * 32,000 calls 70 ms of its 100.
     */
    private static String cellsSql(CostGrouping by, boolean fromCells, String cellsOfWindow) {
        String prorated = "CASE WHEN c.worker IN (SELECT worker_id FROM worker_sessions WHERE reported_cost_usd IS NOT "
                + "NULL) THEN c.worker END";
        if (by == CostGrouping.TASK || by == CostGrouping.SESSION) {
            String group = by == CostGrouping.TASK ? TASK_GROUP : SESSION_GROUP;
            return "SELECT " + prorated + ", " + group + ", '', c.model, " + CELL_SUMS + " FROM (" + cellsOfWindow
                    + ") c LEFT JOIN worker_sessions w ON w.worker_id = c.worker GROUP BY 1, 2, 3, 4";
        }
        if (by.timeBucketed() && fromCells) {
            // the cells are already one row per hour, worker and model: regrouping them only sorted them
            return "SELECT " + prorated + ", '', c.hour, c.model, c.n, c.tin, c.tout, c.tcr, c.tcw, c.est, c.unpriced "
                    + "FROM (" + cellsOfWindow + ") c";
        }
        String bucket = by.timeBucketed() ? "c.hour" : "''";
        String group = by == CostGrouping.WORKER ? "c.worker" : "''";
        return "SELECT " + prorated + ", " + group + ", " + bucket + ", c.model, " + CELL_SUMS + " FROM ("
                + cellsOfWindow + ") c GROUP BY 1, 2, 3, 4";
    }

    /**
     * Hands out the parts of the worker's reported cost this cell carries, by model (models the result line
     * itemises but that have no call rows, such as background haiku calls, get their own part).
     */
    private static void share(Cell c, WorkerInfo w, Part part) {
        double estTotal = w.estTotal();
        long callsTotal = w.callsTotal();
        double ofWorker = estTotal > 0 ? c.est() / estTotal : callsTotal > 0 ? (double) c.calls() / callsTotal : 0;
        if (w.allocated().isEmpty()) {
            part.add(c.model(), w.reported() * ofWorker);
            return;
        }
        double modelEst = w.estByModel().getOrDefault(c.model(), 0.0);
        long modelCalls = w.callsByModel().getOrDefault(c.model(), 0L);
        double ofModel = modelEst > 0 ? c.est() / modelEst : modelCalls > 0 ? (double) c.calls() / modelCalls : 0;
        for (var e : w.allocated().entrySet()) {
            boolean ownModel = e.getKey().equals(c.model());
            if (ownModel || !w.estByModel().containsKey(e.getKey())) {
                // a model with call rows keeps its itemised cost on its own calls; one without rows is
                // spread over all the worker's calls
                part.add(e.getKey(), e.getValue() * (ownModel ? ofModel : ofWorker));
            }
        }
    }

    /**
     * What proration needs of the workers that report their own cost and have calls in the window, read with two
     * set queries (not one query per worker); the worker ids go in as one JSON array parameter.
     */
    private Map<String, WorkerInfo> workerInfo(List<Cell> cells, HourSpan span) throws SQLException {
        // the reporting workers' estimate and calls per model within the window, summed once per cell
        Map<String, Map<String, double[]>> inWindowSums = new HashMap<>();
        for (Cell c : cells) {
            if (c.prorated() != null) {
                double[] sum = inWindowSums.computeIfAbsent(c.prorated(), k -> new HashMap<>(4))
                        .computeIfAbsent(c.model(), k -> new double[2]);
                sum[0] += c.est();
                sum[1] += c.calls();
            }
        }
        java.util.Set<String> ids = inWindowSums.keySet();
        Map<String, WorkerInfo> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        String idsJson = jsonArray(ids);
        String inWindow = "SELECT value FROM json_each(?)";
        Map<String, Double> reported = new HashMap<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT worker_id, reported_cost_usd FROM worker_sessions "
                + "WHERE worker_id IN (" + inWindow + ")")) {
            ps.setString(1, idsJson);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    reported.put(rs.getString(1), rs.getDouble(2));
                }
            }
        }
        Map<String, Map<String, Double>> estByModel = new HashMap<>();
        Map<String, Map<String, Long>> callsByModel = new HashMap<>();
        Map<String, Map<String, Double>> itemised = new HashMap<>();
        // all-time figures of the reporting workers: proration spreads a worker's whole reported cost
        if (span != null) {
            // the window's part from the cells just read, the rest from outside the window: a report over a year
            // reads only what lies beyond it, not every call of its workers again
            inWindowSums.forEach((worker, models) -> models.forEach((model, sum) -> {
                estByModel.computeIfAbsent(worker, k -> new HashMap<>()).put(model, sum[0]);
                callsByModel.computeIfAbsent(worker, k -> new HashMap<>()).put(model, (long) sum[1]);
            }));
        }
        String allTime = span == null ? WORKER_MODELS : span.outsideSql();
        if (allTime != null) { // null: the window is all time, nothing lies outside it
            try (PreparedStatement ps = db.prepareStatement(allTime)) {
                if (span == null) {
                    ps.setString(1, idsJson);
                } else {
                    span.bindOutside(ps, idsJson);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        estByModel.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).merge(rs.getString(2),
                                rs.getDouble(3), Double::sum);
                        callsByModel.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).merge(rs.getString(2),
                                rs.getLong(4), Long::sum);
                    }
                }
            }
        }
        try (PreparedStatement ps = db.prepareStatement("SELECT worker_id, model, reported_cost_usd FROM "
                + "worker_model_usage WHERE worker_id IN (" + inWindow + ")")) {
            ps.setString(1, idsJson);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    itemised.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(rs.getString(2),
                            rs.getDouble(3));
                }
            }
        }
        for (var e : reported.entrySet()) {
            String w = e.getKey();
            Map<String, Double> est = estByModel.getOrDefault(w, Map.of());
            out.put(w, new WorkerInfo(e.getValue(), est, callsByModel.getOrDefault(w, Map.of()),
                    allocate(e.getValue(), est, itemised.getOrDefault(w, Map.of()))));
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
    public static String jsonArray(java.util.Collection<String> values) {
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

    /**
     * The day, ISO week or month of an hour bucket ({@code 2026-02-02T05}, UTC) in the report's zone. Read by hand:
     * the general date parser and formatters cost a report in a fresh JVM more than its whole SQL. A cell of part of
     * an hour ({@code 2026-02-02T05:30}) carries its first minute.
     */
    private String timeKey(String hour, CostGrouping by) {
        LocalDateTime utc = LocalDateTime.of(Integer.parseInt(hour, 0, 4, 10), Integer.parseInt(hour, 5, 7, 10),
                Integer.parseInt(hour, 8, 10, 10), Integer.parseInt(hour, 11, 13, 10),
                hour.length() >= 16 ? Integer.parseInt(hour, 14, 16, 10) : 0);
        ZonedDateTime t = utc.atOffset(ZoneOffset.UTC).atZoneSameInstant(zone);
        return dayKey(t.toLocalDate(), by);
    }

    /** The day, ISO week or month of a local date. */
    private static String dayKey(java.time.LocalDate d, CostGrouping by) {
        return switch (by) {
            case WEEK -> d.get(IsoFields.WEEK_BASED_YEAR) + "-W" + twoDigits(d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            case MONTH -> d.getYear() + "-" + twoDigits(d.getMonthValue());
            default -> d.toString();
        };
    }

    private static String twoDigits(int n) {
        return n < 10 ? "0" + n : Integer.toString(n);
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

        /** A group's sums from SQL: its calls, its estimate-basis cost and its reported shares. */
        void addSums(long calls, long in, long out, long cr, long cw, double est, long unpriced, double estimate,
                     double reported, boolean anyEstimated, boolean anyReported) {
            this.calls += calls;
            this.in += in;
            this.out += out;
            this.cr += cr;
            this.cw += cw;
            this.est += est;
            this.unpriced += unpriced;
            this.cost += estimate + reported;
            this.reported += reported;
            this.anyEstimated |= anyEstimated;
            this.anyReported |= anyReported;
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
