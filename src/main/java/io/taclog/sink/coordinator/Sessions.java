package io.taclog.sink.coordinator;

import io.taclog.model.coordinator.Stamp;
import io.taclog.sink.WriteContext;
import io.taclog.sink.workers.WorkerLinker;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Coordinator sessions as the other writers need them: make sure one exists, note its latest line. */
final class Sessions {

    /** Session of work-queue facts read before any coordinator session is known (re-homed later). */
    static final String QUEUE_ONLY = "work-queue";

    private Sessions() {
    }

    /**
     * Makes sure the session exists; a session only named (an event with a session id whose start never
     * came, or not yet) is created as a placeholder.
     */
    static void ensure(WriteContext ctx, String sessionId, Stamp when, String source) throws SQLException {
        if (sessionId == null || ctx.txCache().containsKey("session:" + sessionId)) {
            return;
        }
        PreparedStatement ps = ctx.statement("INSERT INTO coordinator_sessions(session_id, started_at, time_source, "
                + "source, placeholder, config) VALUES (?,?,?,?,1,?) ON CONFLICT(session_id) DO NOTHING");
        ps.setString(1, sessionId);
        ps.setString(2, Sql.at(when));
        ps.setString(3, when.timeSource());
        ps.setString(4, source);
        ps.setString(5, QUEUE_ONLY.equals(sessionId)
                ? "{\"synthetic\":true,\"note\":\"work-queue snapshots read before any coordinator session\"}"
                : "{\"placeholder\":true,\"note\":\"named by a record before its start arrived\"}");
        if (ps.executeUpdate() == 1) {
            Estimates.register(ctx, "coordinator_sessions", sessionId, "started_at", when);
        }
        ctx.txCache().put("session:" + sessionId, Boolean.TRUE);
    }

    /** Notes the newest line of a session (its end, when it ends without saying so, is that line). */
    static void touch(WriteContext ctx, String sessionId, Stamp when) throws SQLException {
        if (sessionId == null) {
            return;
        }
        String key = "touch:" + sessionId;
        Stamp prev = (Stamp) ctx.txCache().get(key);
        if (prev != null && when.at().isBefore(prev.at())) {
            return;
        }
        ctx.txCache().put(key, when);
        PreparedStatement ps = ctx.statement("UPDATE coordinator_sessions SET last_seen_at = ?1 WHERE session_id = ?2 "
                + "AND (last_seen_at IS NULL OR last_seen_at <= ?1)");
        ps.setString(1, Sql.at(when));
        ps.setString(2, sessionId);
        if (ps.executeUpdate() == 1) {
            Estimates.register(ctx, "coordinator_sessions", sessionId, "last_seen_at", when);
        }
    }

    /**
     * The session a record with no session of its own belongs to (a work-queue snapshot): the latest
     * coordinator session read. In tail mode that is the running one; a backfill re-homes queue facts by
     * time once every time is known ({@link BackfillFinisher}).
     */
    static String latest(WriteContext ctx) throws SQLException {
        return Sql.one(ctx, "SELECT session_id FROM coordinator_sessions WHERE session_id NOT IN (?, ?) "
                + "AND placeholder = 0 ORDER BY rowid DESC LIMIT 1", WorkerLinker.NO_COORDINATOR, QUEUE_ONLY);
    }
}
