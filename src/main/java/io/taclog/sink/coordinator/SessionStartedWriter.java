package io.taclog.sink.coordinator;

import io.taclog.model.coordinator.SessionStarted;
import io.taclog.sink.FactWriter;
import io.taclog.sink.WriteContext;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Opens a coordinator session. A placeholder row (named by an earlier record) is completed. Other
 * sessions still open from the same file end at their last line: a new log generation or a new start
 * means their coordinator stopped without saying so.
 */
public final class SessionStartedWriter implements FactWriter<SessionStarted> {

    @Override
    public Class<SessionStarted> type() {
        return SessionStarted.class;
    }

    @Override
    public void write(SessionStarted s, WriteContext ctx) throws SQLException {
        PreparedStatement ps = ctx.statement("INSERT INTO coordinator_sessions(session_id, started_at, time_source, "
                + "config, pid, hostname, git_branch, git_commit, python_version, tac_version, source, source_file, "
                + "source_key, placeholder, last_seen_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
                + "ON CONFLICT(session_id) DO UPDATE SET started_at = CASE WHEN coordinator_sessions.placeholder = 1 "
                + "THEN excluded.started_at ELSE coordinator_sessions.started_at END, "
                + "time_source = CASE WHEN coordinator_sessions.placeholder = 1 THEN excluded.time_source "
                + "ELSE coordinator_sessions.time_source END, "
                + "config = CASE WHEN excluded.config IS NULL THEN coordinator_sessions.config "
                + "WHEN coordinator_sessions.placeholder = 1 OR coordinator_sessions.config IS NULL THEN excluded.config "
                + "ELSE json_patch(coordinator_sessions.config, excluded.config) END, "
                + "pid = COALESCE(excluded.pid, coordinator_sessions.pid), "
                + "hostname = COALESCE(excluded.hostname, coordinator_sessions.hostname), "
                + "git_branch = COALESCE(excluded.git_branch, coordinator_sessions.git_branch), "
                + "git_commit = COALESCE(excluded.git_commit, coordinator_sessions.git_commit), "
                + "python_version = COALESCE(excluded.python_version, coordinator_sessions.python_version), "
                + "tac_version = COALESCE(excluded.tac_version, coordinator_sessions.tac_version), "
                + "source = excluded.source, source_file = COALESCE(excluded.source_file, "
                + "coordinator_sessions.source_file), source_key = COALESCE(coordinator_sessions.source_key, "
                + "excluded.source_key), placeholder = 0");
        ps.setString(1, s.sessionId());
        ps.setString(2, Sql.at(s.when()));
        ps.setString(3, s.when().timeSource());
        Sql.text(ps, 4, s.configJson());
        Sql.integer(ps, 5, s.pid());
        Sql.text(ps, 6, s.hostname());
        Sql.text(ps, 7, s.gitBranch());
        Sql.text(ps, 8, s.gitCommit());
        Sql.text(ps, 9, s.pythonVersion());
        Sql.text(ps, 10, s.tacVersion());
        ps.setString(11, s.source());
        Sql.text(ps, 12, s.sourceFile());
        Sql.text(ps, 13, s.sourceKey());
        ps.setBoolean(14, s.placeholder());
        ps.setString(15, Sql.at(s.when()));
        ps.executeUpdate();
        ctx.txCache().put("session:" + s.sessionId(), Boolean.TRUE);
        Estimates.register(ctx, "coordinator_sessions", s.sessionId(), "started_at", s.when());
        Sessions.touch(ctx, s.sessionId(), s.when());
        if (s.closeOpenOfSameFile() && s.sourceFile() != null) {
            // the coordinator restarted (its log was truncated by `>` or a new banner came) without a
            // shutdown line: what ran before ended at its last line, for a reason nobody printed
            Sql.update(ctx, "UPDATE coordinator_sessions SET ended_at = COALESCE(last_seen_at, started_at), "
                    + "ended_time_source = time_source, exit_reason = COALESCE(exit_reason, 'unknown') "
                    + "WHERE source_file = ? AND ended_at IS NULL AND session_id <> ?", s.sourceFile(), s.sessionId());
        }
    }
}
