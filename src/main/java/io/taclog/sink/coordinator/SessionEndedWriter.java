package io.taclog.sink.coordinator;

import io.taclog.model.coordinator.SessionEnded;
import io.taclog.sink.FactWriter;
import io.taclog.sink.WriteContext;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Ends a session. An end without a reason of its own (a log's shutdown line, an {@code end_session} without
 * {@code exit_reason}, whose 'normal' is a default) keeps a reason already stored (a signal line's 'signal', an
 * explicit reason read earlier); an explicit reason replaces any. So a duplicate plain end read after an
 * explicit one, or before it, leaves the explicit reason.
 */
public final class SessionEndedWriter implements FactWriter<SessionEnded> {

    @Override
    public Class<SessionEnded> type() {
        return SessionEnded.class;
    }

    @Override
    public void write(SessionEnded e, WriteContext ctx) throws SQLException {
        Sessions.ensure(ctx, e.sessionId(), e.when(), null);
        if (!e.atLastLine()) {
            Sessions.touch(ctx, e.sessionId(), e.when());
        }
        PreparedStatement ps = ctx.statement("UPDATE coordinator_sessions SET "
                + "ended_at = CASE WHEN ?1 = 1 THEN COALESCE(last_seen_at, ?2) ELSE ?2 END, "
                + "ended_time_source = CASE WHEN ?1 = 1 AND last_seen_at IS NOT NULL THEN time_source ELSE ?3 END, "
                + "exit_reason = CASE WHEN ?4 = 1 THEN ?5 ELSE COALESCE(exit_reason, ?5) END "
                + "WHERE session_id = ?6");
        ps.setBoolean(1, e.atLastLine());
        ps.setString(2, Sql.at(e.when()));
        ps.setString(3, e.when().timeSource());
        ps.setBoolean(4, e.overrideReason());
        Sql.text(ps, 5, e.exitReason());
        ps.setString(6, e.sessionId());
        ps.executeUpdate();
        if (!e.atLastLine()) {
            Estimates.register(ctx, "coordinator_sessions", e.sessionId(), "ended_at", e.when());
        }
    }
}
