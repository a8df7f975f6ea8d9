package io.taclog.sink.workers;

import static io.taclog.sink.workers.WorkerLinker.NO_COORDINATOR;

import io.taclog.model.Times;
import io.taclog.sink.WriteContext;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

/** Rows that a transcript-only worker needs before the coordinator's own records arrive. */
final class Placeholders {

    private Placeholders() {
    }

    /** The synthetic coordinator session of workers seen only in transcripts. */
    static void ensureNoCoordinatorSession(Instant at, WriteContext ctx) throws SQLException {
        if (ctx.txCache().containsKey("no-coordinator-session")) {
            return;
        }
        PreparedStatement ps = ctx.statement("INSERT INTO coordinator_sessions(session_id, started_at, ended_at, "
                + "config, exit_reason) VALUES (?, ?, ?, "
                + "'{\"synthetic\":true,\"note\":\"workers seen only in transcripts\"}', "
                + "'none') ON CONFLICT(session_id) DO NOTHING");
        ps.setString(1, NO_COORDINATOR);
        ps.setString(2, Times.format(at));
        ps.setString(3, Times.format(at));
        ps.executeUpdate();
        ctx.txCache().put("no-coordinator-session", Boolean.TRUE);
    }

    /** A placeholder task for a worker whose task only its path names (the work queue fills it in later). */
    static void ensureTask(String task, Instant at, WriteContext ctx) throws SQLException {
        PreparedStatement ps = ctx.statement("INSERT INTO tasks(task_id, session_id, detected_at, source, "
                + "issue_number, status) VALUES (?,?,?,'transcript',?, 'observed') ON CONFLICT(task_id) DO NOTHING");
        ps.setString(1, task);
        ps.setString(2, NO_COORDINATOR);
        ps.setString(3, Times.format(at));
        Integer issue = WorkerLinker.issueNumber(task);
        if (issue == null) {
            ps.setNull(4, java.sql.Types.INTEGER);
        } else {
            ps.setInt(4, issue);
        }
        ps.executeUpdate();
    }
}
