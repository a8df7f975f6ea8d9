package io.taclog.sink;

import io.taclog.model.Times;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The transactional outbox of committed facts: triggers write a row for every API call stored, revised (more
 * tokens, another price, its worker merged) or removed (a coordinator's estimate replaced by the transcript's
 * calls), every worker started, changing status or removed (merged into the coordinator's worker) and every
 * warning or error event, inside the transaction that commits the fact;
 * a publishing route ({@code routes/outbox.camel.yaml}) reads the rows in order, hands them to an endpoint
 * and then moves the cursor. A crash between the hand-over and the cursor sends those messages again
 * (at-least-once); their {@code outbox_id} is the idempotency key a receiver deduplicates on.
 *
 * <p>The triggers exist only while the outbox is enabled: a database that publishes nothing pays nothing.
 */
public final class Outbox {

    /** The consumer whose cursor the bundled route moves. */
    public static final String CONSUMER = "route";

    private static final String NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
    private static final String API_CALL_JSON = "json_object('call_id', NEW.call_id, 'worker_id', NEW.worker_id, "
            + "'timestamp', NEW.timestamp, 'model', NEW.model, 'tokens_input', NEW.tokens_input, "
            + "'tokens_output', NEW.tokens_output, 'tokens_cached_read', NEW.tokens_cached_read, "
            + "'tokens_cached_write', NEW.tokens_cached_write, 'estimated_cost_usd', NEW.estimated_cost_usd, "
            + "'price_version', NEW.price_version, 'success', json(CASE WHEN NEW.success THEN 'true' ELSE "
            + "'false' END), 'time_source', NEW.time_source)";

    /** Trigger name, event (with its WHEN) and the row it adds: kind, the fact's row id, its JSON. */
    private static final String[][] TRIGGERS = {
        {"outbox_api_call_stored", "AFTER INSERT ON api_calls", "api_call", "NEW.call_id", API_CALL_JSON},
        // a later sighting of the same response with more tokens, a re-pricing, or the call's worker merged into
        // the coordinator's: the same key, newer values
        {"outbox_api_call_revised", "AFTER UPDATE OF tokens_input, tokens_output, tokens_cached_read, "
            + "tokens_cached_write, estimated_cost_usd, worker_id ON api_calls WHEN OLD.tokens_total IS NOT "
            + "NEW.tokens_total OR OLD.estimated_cost_usd IS NOT NEW.estimated_cost_usd OR OLD.worker_id IS NOT "
            + "NEW.worker_id", "api_call", "NEW.call_id", API_CALL_JSON},
        // a coordinator's per-run estimate gives way to the transcript's own calls: receivers take it back
        {"outbox_api_call_removed", "AFTER DELETE ON api_calls", "api_call", "OLD.call_id",
            "json_object('call_id', OLD.call_id, 'worker_id', OLD.worker_id, 'removed', json('true'))"},
        {"outbox_worker_started", "AFTER INSERT ON worker_sessions", "worker_status", "NEW.worker_id",
            "json_object('worker_id', NEW.worker_id, 'task_id', NEW.task_id, 'from', NULL, 'to', NEW.status, "
            + "'origin', NEW.origin)"},
        {"outbox_worker_status", "AFTER UPDATE OF status ON worker_sessions WHEN OLD.status IS NOT NEW.status",
            "worker_status", "NEW.worker_id", "json_object('worker_id', NEW.worker_id, 'task_id', NEW.task_id, "
            + "'from', OLD.status, 'to', NEW.status, 'origin', NEW.origin, 'exit_code', NEW.exit_code, "
            + "'failure_reason', NEW.failure_reason)"},
        // a worker first seen in a transcript, merged into the coordinator's worker once its spawn arrives
        {"outbox_worker_removed", "AFTER DELETE ON worker_sessions", "worker_status", "OLD.worker_id",
            "json_object('worker_id', OLD.worker_id, 'task_id', OLD.task_id, 'from', OLD.status, 'to', NULL, "
            + "'removed', json('true'))"},
        {"outbox_alert", "AFTER INSERT ON system_events WHEN NEW.severity IN ('warning', 'error', 'critical')",
            "alert", "NEW.event_id", "json_object('event_id', NEW.event_id, 'timestamp', NEW.timestamp, "
            + "'event_type', NEW.event_type, 'severity', NEW.severity, 'message', NEW.message, 'worker_id', "
            + "NEW.worker_id, 'task_id', NEW.task_id)"},
    };

    private static String createTrigger(String[] t) {
        return "CREATE TRIGGER " + t[0] + " " + t[1] + " BEGIN INSERT INTO outbox(kind, row_id, payload, created_at) "
                + "VALUES ('" + t[2] + "', " + t[3] + ", " + t[4] + ", " + NOW + "); END";
    }

    /** One committed fact to publish. */
    public record Message(long outboxId, String kind, String rowId, String payload, String createdAt) {
    }

    private final Database db;
    private final Clock clock;

    public Outbox(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Creates the triggers (enabled) or drops them (disabled); rows not yet published stay either way. */
    public void install(boolean enabled) throws SQLException {
        if (!db.dialect().sqliteOnlyFeatures()) {
            if (enabled) {
                throw new SQLException("taclog.outbox.enabled: the outbox is SQLite-only for now (its triggers are "
                        + "SQLite's); turn it off for a PostgreSQL database");
            }
            return;
        }
        db.write(c -> {
            try (Statement s = c.createStatement()) {
                for (String[] t : TRIGGERS) {
                    s.execute("DROP TRIGGER IF EXISTS " + t[0]);
                    if (enabled) {
                        s.execute(createTrigger(t));
                    }
                }
            }
            return null;
        });
    }

    /** Up to {@code max} messages after the consumer's cursor, in commit order. */
    public List<Message> next(int max) throws SQLException {
        return db.withWriter(c -> {
            List<Message> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT outbox_id, kind, row_id, payload, created_at "
                    + "FROM outbox WHERE outbox_id > COALESCE((SELECT last_outbox_id FROM outbox_cursor WHERE "
                    + "consumer = ?), 0) ORDER BY outbox_id LIMIT ?")) {
                ps.setString(1, CONSUMER);
                ps.setInt(2, max);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Message(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5)));
                    }
                }
            }
            return out;
        });
    }

    /**
     * The endpoint took every message up to {@code lastOutboxId}: the cursor moves past them and they are
     * deleted (the table holds only what is still to be published).
     */
    public void acknowledge(long lastOutboxId) throws SQLException {
        db.write(c -> {
            try (PreparedStatement up = c.prepareStatement("INSERT INTO outbox_cursor(consumer, last_outbox_id, "
                    + "updated_at) VALUES (?, ?, ?) ON CONFLICT(consumer) DO UPDATE SET last_outbox_id = "
                    + "MAX(outbox_cursor.last_outbox_id, excluded.last_outbox_id), updated_at = excluded.updated_at");
                 PreparedStatement del = c.prepareStatement("DELETE FROM outbox WHERE outbox_id <= ?")) {
                up.setString(1, CONSUMER);
                up.setLong(2, lastOutboxId);
                up.setString(3, Times.format(clock.instant()));
                up.executeUpdate();
                del.setLong(1, lastOutboxId);
                del.executeUpdate();
            }
            return null;
        });
    }

    /** Whether anything waits to be published (the publishing route loops while it does). */
    public boolean hasPending() throws SQLException {
        return db.withWriter(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1 FROM outbox LIMIT 1")) {
                return rs.next();
            }
        });
    }

    /** Messages committed and not yet acknowledged. */
    public long pending() throws SQLException {
        return db.withWriter(c -> {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM outbox")) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }
}
