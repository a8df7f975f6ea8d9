package io.taclog.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Per tool: calls, failures, failure rate, unanswered calls, latency (median, p95, max) where known. */
public final class ToolsQuery {

    private final Connection db;

    public ToolsQuery(Connection db) {
        this.db = db;
    }

    public List<Map<String, Object>> run(TimeWindow w) throws SQLException {
        Map<String, long[]> counts = new TreeMap<>();
        Map<String, List<Double>> latencies = new TreeMap<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT COALESCE(tool_name, '(unknown)'), tool_success, "
                + "unanswered, tool_latency_ms FROM tool_calls WHERE called_at >= ? AND called_at < ?")) {
            ps.setString(1, w.fromText());
            ps.setString(2, w.untilText());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long[] c = counts.computeIfAbsent(rs.getString(1), k -> new long[3]);
                    c[0]++;
                    int ok = rs.getInt(2);
                    if (!rs.wasNull() && ok == 0) {
                        c[1]++;
                    }
                    if (rs.getInt(3) == 1) {
                        c[2]++;
                    }
                    double lat = rs.getDouble(4);
                    if (!rs.wasNull()) {
                        latencies.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(lat);
                    }
                }
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (var e : counts.entrySet()) {
            long[] c = e.getValue();
            List<Double> l = latencies.getOrDefault(e.getKey(), new ArrayList<>());
            l.sort(null);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("tool", e.getKey());
            row.put("calls", c[0]);
            row.put("failures", c[1]);
            row.put("failure_rate", c[0] == 0 ? 0.0 : Math.round(10000.0 * c[1] / c[0]) / 10000.0);
            row.put("unanswered", c[2]);
            row.put("latency_p50_ms", percentile(l, 0.50));
            row.put("latency_p95_ms", percentile(l, 0.95));
            row.put("latency_max_ms", l.isEmpty() ? null : (double) Math.round(l.get(l.size() - 1)));
            out.add(row);
        }
        out.sort((a, b) -> Long.compare((Long) b.get("calls"), (Long) a.get("calls")));
        return out;
    }

    static Double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return null;
        }
        int idx = (int) Math.ceil(p * sorted.size()) - 1;
        return (double) Math.round(sorted.get(Math.max(0, Math.min(idx, sorted.size() - 1))));
    }
}
