package io.taclog.query;

import io.taclog.enrich.pricing.CostEstimate;
import io.taclog.enrich.pricing.PriceTable;
import io.taclog.model.TokenUsage;
import io.taclog.sink.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prices stored calls under another price table from their stored tokens (no re-ingest), reports the
 * difference per model, and optionally writes the new estimates with the new price version.
 */
public final class Repricer {

    /** Old and new cost of one model's calls. */
    public record ModelDiff(String model, long calls, Double oldUsd, Double newUsd, long unpricedBefore,
                            long unpricedAfter, String oldVersions, String newVersion) {
        public Double diffUsd() {
            return oldUsd == null || newUsd == null ? null : newUsd - oldUsd;
        }
    }

    private record Call(long id, String model, TokenUsage usage, Double oldCost, String oldVersion) {
    }

    private final PriceTable table;

    public Repricer(PriceTable table) {
        this.table = table;
    }

    /** Old and new sums of one model's calls. */
    private static final class Sums {
        long calls;
        long unpricedBefore;
        long unpricedAfter;
        double oldUsd;
        double newUsd;
        final java.util.Set<String> oldVersions = new java.util.TreeSet<>();
    }

    public List<ModelDiff> compare(Connection db, TimeWindow w) throws SQLException {
        Map<String, Sums> byModel = new TreeMap<>();
        forEachCall(db, w, c -> {
            Sums s = byModel.computeIfAbsent(c.model(), k -> new Sums());
            s.calls++;
            if (c.oldCost() == null) {
                s.unpricedBefore++;
            } else {
                s.oldUsd += c.oldCost();
            }
            CostEstimate e = table.estimate(c.model(), c.usage());
            if (e.known()) {
                s.newUsd += e.costUsd();
            } else {
                s.unpricedAfter++;
            }
            if (c.oldVersion() != null) {
                s.oldVersions.add(c.oldVersion());
            }
        });
        List<ModelDiff> out = new ArrayList<>();
        for (var e : byModel.entrySet()) {
            Sums s = e.getValue();
            out.add(new ModelDiff(e.getKey(), s.calls, s.unpricedBefore == s.calls ? null : s.oldUsd,
                    s.unpricedAfter == s.calls ? null : s.newUsd, s.unpricedBefore, s.unpricedAfter,
                    String.join(",", s.oldVersions), table.version()));
        }
        return out;
    }

    /** Writes the new estimates and price version; returns the number of calls updated. */
    public long apply(Database db, TimeWindow w) throws SQLException {
        return db.write(c -> {
            List<Call> calls = new ArrayList<>();
            forEachCall(c, w, calls::add);
            PreparedStatement ps = db.prepare("UPDATE api_calls SET estimated_cost_usd = ?, price_version = ?, "
                    + "priced_as = ?, long_context = ? WHERE call_id = ?");
            for (Call call : calls) {
                CostEstimate e = table.estimate(call.model(), call.usage());
                if (e.costUsd() == null) {
                    ps.setNull(1, Types.REAL);
                } else {
                    ps.setDouble(1, e.costUsd());
                }
                ps.setString(2, e.priceVersion());
                ps.setString(3, e.pricedAs());
                ps.setBoolean(4, e.longContext());
                ps.setLong(5, call.id());
                ps.executeUpdate();
            }
            return (long) calls.size();
        });
    }

    private interface CallSink {
        void accept(Call c) throws SQLException;
    }

    private void forEachCall(Connection db, TimeWindow w, CallSink sink) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement("SELECT call_id, model, COALESCE(tokens_input, 0), "
                + "COALESCE(tokens_output, 0), COALESCE(tokens_cached_read, 0), COALESCE(tokens_cached_write, 0), "
                + "tokens_cache_write_1h, estimated_cost_usd, price_version FROM api_calls "
                + "WHERE timestamp >= ? AND timestamp < ?")) {
            ps.setString(1, w.fromText());
            ps.setString(2, w.untilText());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long cw = rs.getLong(6);
                    long oneHour = Math.min(rs.getLong(7), cw);
                    double old = rs.getDouble(8);
                    Double oldCost = rs.wasNull() ? null : old;
                    sink.accept(new Call(rs.getLong(1), rs.getString(2), new TokenUsage(rs.getLong(3), rs.getLong(4),
                            rs.getLong(5), cw - oneHour, oneHour), oldCost, rs.getString(9)));
                }
            }
        }
    }
}
