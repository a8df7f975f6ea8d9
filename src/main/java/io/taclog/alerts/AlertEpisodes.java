package io.taclog.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taclog.ingest.LineClassifier;
import io.taclog.model.TimeSource;
import io.taclog.model.Times;
import io.taclog.sink.WriteContext;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Alert episodes, kept in {@code system_events} itself (no table of their own): a fired alert is a row with
 * {@code component = 'alerts'} and the unique {@code source_key alert:<type>:<episode key>}, so inserting it twice
 * does nothing, also after a restart. An episode that ends (a re-arming rule whose condition cleared) gets an
 * {@code alert.resolved} row keyed {@code resolved:<that key>}; an episode with no such row is open. Where the
 * alert is delivered is noted in the row's {@code details.delivery}: pending, delivered, failed, dropped or none.
 */
public final class AlertEpisodes {

    public static final String COMPONENT = "alerts";
    public static final String EVENT_PREFIX = "alert.";
    static final String RESOLVED = "alert.resolved";
    static final String DELIVERY_FAILED = "alert.delivery_failed";
    static final String DELIVERY_DROPPED = "alert.delivery_dropped";

    /** The session of an event that belongs to no coordinator session of its own: the latest one read. */
    private static final String SESSION = "COALESCE(?, (SELECT session_id FROM coordinator_sessions WHERE "
            + "placeholder = 0 ORDER BY rowid DESC LIMIT 1), 'no-coordinator')";

    private AlertEpisodes() {
    }

    /** The open episodes of a re-arming alert type: subject to the fired row's source key. */
    static Map<String, String> open(WriteContext ctx, String type) throws SQLException {
        PreparedStatement ps = ctx.statement("SELECT source_key, json_extract(details, '$.subject') FROM system_events a "
                + "WHERE event_type = ? AND component = 'alerts' AND source_key IS NOT NULL AND NOT EXISTS (SELECT 1 "
                + "FROM system_events r WHERE r.source_key = 'resolved:' || a.source_key)");
        ps.setString(1, EVENT_PREFIX + type);
        Map<String, String> out = new HashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(2), rs.getString(1));
            }
        }
        return out;
    }

    /**
     * Stores the alert of a finding unless its episode is already stored.
     *
     * @return the alert, or null when this episode was stored before
     */
    static Alert fire(WriteContext ctx, Finding f, Instant now, boolean deliver) throws SQLException {
        String episodeKey = f.type() + ":" + (f.rearms() ? f.subject() + "@" + Times.format(now) : f.subject());
        String sourceKey = "alert:" + episodeKey;
        ObjectNode details = LineClassifier.JSON.createObjectNode();
        details.put("alert", f.type());
        details.put("subject", f.subject());
        details.put("episode_key", episodeKey);
        details.set("evidence", f.evidence());
        details.put("delivery", deliver ? "pending" : "none");
        PreparedStatement ps = ctx.statement("INSERT INTO system_events(session_id, timestamp, event_type, severity, "
                + "component, message, details, task_id, worker_id, time_source, source, source_key, derived) VALUES ("
                + SESSION + ",?,?,?,'alerts',?,?,?,?,?,'alerts',?,1) ON CONFLICT(source_key) WHERE source_key IS NOT "
                + "NULL DO NOTHING RETURNING event_id");
        ps.setString(1, f.sessionId());
        ps.setString(2, Times.format(now));
        ps.setString(3, EVENT_PREFIX + f.type());
        ps.setString(4, f.severity());
        ps.setString(5, f.message());
        ps.setString(6, details.toString());
        ps.setString(7, f.taskId());
        ps.setString(8, f.workerId());
        ps.setString(9, TimeSource.OBSERVED);
        ps.setString(10, sourceKey);
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            return new Alert(rs.getLong(1), sourceKey, f.type(), f.severity(), episodeKey, f.message(),
                    f.evidence(), now, f.taskId(), f.workerId());
        }
    }

    /** Ends the open episode {@code sourceKey} of a re-arming alert. */
    static void resolve(WriteContext ctx, String type, String subject, String sourceKey, Instant now,
                        ObjectNode evidence) throws SQLException {
        ObjectNode details = LineClassifier.JSON.createObjectNode();
        details.put("alert", type);
        details.put("subject", subject);
        details.put("resolves", sourceKey);
        details.set("evidence", evidence);
        event(ctx, null, now, RESOLVED, "info", "alert " + type + " for " + subject + " cleared: the next crossing "
                + "alerts again", details, "resolved:" + sourceKey);
    }

    /** Alerts stored but not delivered yet (the sidecar stopped first): delivered again at the next start. */
    static List<Alert> pending(WriteContext ctx) throws SQLException {
        PreparedStatement ps = ctx.statement("SELECT event_id, source_key, severity, message, details, timestamp, "
                + "task_id, worker_id FROM system_events WHERE component = 'alerts' AND event_type LIKE 'alert.%' "
                + "AND json_extract(details, '$.delivery') = 'pending' ORDER BY event_id");
        List<Alert> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                JsonNode d = json(rs.getString(5));
                JsonNode ev = d.path("evidence");
                out.add(new Alert(rs.getLong(1), rs.getString(2), d.path("alert").asText(), rs.getString(3),
                        d.path("episode_key").asText(), rs.getString(4),
                        ev.isObject() ? (ObjectNode) ev : LineClassifier.JSON.createObjectNode(),
                        Times.parseOrNull(rs.getString(6)), rs.getString(7), rs.getString(8)));
            }
        }
        return out;
    }

    /** Notes where an alert's delivery ended (delivered, failed, dropped, none). */
    static void delivery(WriteContext ctx, String sourceKey, String outcome) throws SQLException {
        PreparedStatement ps = ctx.statement("UPDATE system_events SET details = json_set(details, '$.delivery', ?) "
                + "WHERE source_key = ?");
        ps.setString(1, outcome);
        ps.setString(2, sourceKey);
        ps.executeUpdate();
    }

    /** A row of the alert machinery itself (resolved, delivery failed or dropped). */
    static void event(WriteContext ctx, String session, Instant now, String eventType, String severity, String message,
                      ObjectNode details, String sourceKey) throws SQLException {
        PreparedStatement ps = ctx.statement("INSERT INTO system_events(session_id, timestamp, event_type, severity, "
                + "component, message, details, time_source, source, source_key, derived) VALUES (" + SESSION
                + ",?,?,?,'alerts',?,?,?,'alerts',?,1) ON CONFLICT(source_key) WHERE source_key IS NOT NULL DO NOTHING");
        ps.setString(1, session);
        ps.setString(2, Times.format(now));
        ps.setString(3, eventType);
        ps.setString(4, severity);
        ps.setString(5, message);
        ps.setString(6, details.toString());
        ps.setString(7, TimeSource.OBSERVED);
        ps.setString(8, sourceKey);
        ps.executeUpdate();
    }

    private static JsonNode json(String text) {
        try {
            return text == null ? LineClassifier.JSON.createObjectNode() : LineClassifier.JSON.readTree(text);
        } catch (Exception e) {
            return LineClassifier.JSON.createObjectNode();
        }
    }
}
