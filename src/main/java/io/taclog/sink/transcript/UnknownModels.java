package io.taclog.sink.transcript;

import io.taclog.model.TimeSource;
import io.taclog.model.Times;
import io.taclog.sink.WriteContext;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/** One warning event per model that has no price, so that a NULL cost never goes unexplained. */
final class UnknownModels {

    static final String EVENT_TYPE = "unknown_model";

    private UnknownModels() {
    }

    static void warnOnce(String model, String worker, Instant at, String priceVersion, WriteContext ctx)
            throws SQLException {
        String name = model == null ? "unknown" : model;
        if (ctx.txCache().putIfAbsent("unknown-model:" + name, Boolean.TRUE) != null) {
            return;
        }
        PreparedStatement seen = ctx.statement("SELECT 1 FROM system_events WHERE event_type = ? AND component = "
                + "'pricing' AND json_extract(details, '$.model') = ? LIMIT 1");
        seen.setString(1, EVENT_TYPE);
        seen.setString(2, name);
        try (ResultSet rs = seen.executeQuery()) {
            if (rs.next()) {
                return;
            }
        }
        PreparedStatement ps = ctx.statement("INSERT INTO system_events(session_id, timestamp, event_type, severity, "
                + "component, message, details, worker_id, time_source) "
                + "VALUES ((SELECT session_id FROM worker_sessions "
                + "WHERE worker_id = ?), ?, ?, 'warning', 'pricing', ?, json_object('model', ?, 'price_version', ?, "
                + "'first_worker', ?), ?, ?)");
        ps.setString(1, worker);
        ps.setString(2, Times.format(at));
        ps.setString(3, EVENT_TYPE);
        ps.setString(4, "no price for model '" + name + "': its calls are stored with a NULL cost; add it to a "
                + "price file (taclog.prices.file) and run `taclog prices reprice`");
        ps.setString(5, name);
        ps.setString(6, priceVersion);
        ps.setString(7, worker);
        ps.setString(8, worker);
        ps.setString(9, TimeSource.OBSERVED);
        ps.executeUpdate();
    }
}
