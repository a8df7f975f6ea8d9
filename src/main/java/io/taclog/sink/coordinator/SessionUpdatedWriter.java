package io.taclog.sink.coordinator;

import io.taclog.model.coordinator.SessionUpdated;
import io.taclog.sink.FactWriter;
import io.taclog.sink.WriteContext;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Adds configuration to a session (merged into its config JSON) and records a signal's exit reason. */
public final class SessionUpdatedWriter implements FactWriter<SessionUpdated> {

    @Override
    public Class<SessionUpdated> type() {
        return SessionUpdated.class;
    }

    @Override
    public void write(SessionUpdated u, WriteContext ctx) throws SQLException {
        Sessions.ensure(ctx, u.sessionId(), u.when(), null);
        PreparedStatement ps =
                ctx.statement("UPDATE coordinator_sessions SET config = CASE WHEN ?1 IS NULL THEN config "
                + "ELSE json_patch(COALESCE(config, '{}'), ?1) END, config_file = COALESCE(?2, config_file), "
                + "config_sha256 = COALESCE(?3, config_sha256), exit_reason = COALESCE(?4, exit_reason) "
                + "WHERE session_id = ?5");
        Sql.text(ps, 1, u.configPatchJson());
        Sql.text(ps, 2, u.configFile());
        Sql.text(ps, 3, u.configSha256());
        Sql.text(ps, 4, u.exitReason());
        ps.setString(5, u.sessionId());
        ps.executeUpdate();
        Sessions.touch(ctx, u.sessionId(), u.when());
    }
}
