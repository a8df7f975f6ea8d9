package io.taclog.sink.coordinator;

import io.taclog.model.TimeSource;
import io.taclog.model.Times;
import io.taclog.parse.tac8.JsonObj;
import io.taclog.sink.Database;
import io.taclog.sink.WriteContext;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Stalled workers: running per the coordinator (spawned, not reaped, no final result) but silent in
 * their transcript for longer than {@code taclog.derive.stall-minutes}. One derived warning per
 * silence: the episode is keyed by the last activity, so a worker that speaks again and falls silent
 * again is reported again. Run periodically by a timer route, and at the end of a backfill (as of the
 * newest time in the data).
 */
public final class StallCheck {

    static final String KIND = "stall";

    private final Database db;
    private final Duration after;
    private final Clock clock;
    private final boolean periodic;

    /**
     * @param periodic false in a backfill: wall-clock time says nothing about historical data, so only the
     *     finish of the backfill checks (as of the newest time in the data)
     */
    public StallCheck(Database db, DerivedRules rules, Clock clock, boolean periodic) {
        this.db = db;
        this.after = rules.stallAfter();
        this.clock = clock;
        this.periodic = periodic;
    }

    /** The timer route's step: checks as of now; returns the number of new stall warnings. */
    public int run() throws SQLException {
        if (!periodic) {
            return 0;
        }
        Instant now = clock.instant();
        return WriteContext.transaction(db, now, ctx -> check(ctx, now, TimeSource.OBSERVED));
    }

    /** Checks as of {@code now} (a backfill passes the newest time of its data). */
    int check(WriteContext ctx, Instant now, String timeSource) throws SQLException {
        Sql.update(ctx, "UPDATE derived_episodes SET closed_at = ? WHERE kind = ? AND closed_at IS NULL AND subject_id "
                + "IN (SELECT worker_id FROM worker_sessions WHERE status NOT IN ('spawned', 'running'))", now, KIND);
        PreparedStatement ps = ctx.statement("SELECT worker_id, session_id, task_id, spawned_at, last_activity_at, "
                + "agent_session_id, status, pid FROM worker_sessions WHERE origin = 'coordinator' AND pid IS NOT NULL "
                + "AND status IN ('spawned', 'running') AND COALESCE(last_activity_at, spawned_at) < ?");
        ps.setString(1, Times.format(now.minus(after)));
        List<String[]> silent = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                silent.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8)});
            }
        }
        int reported = 0;
        for (String[] w : silent) {
            String worker = w[0];
            String last = w[4] != null ? w[4] : w[3];
            String marker = (w[4] != null ? "activity:" : "spawn:") + last;
            Sql.update(ctx,
                    "UPDATE derived_episodes SET closed_at = ? WHERE kind = ? AND subject_id = ? AND marker <> ? "
                    + "AND closed_at IS NULL", now, KIND, worker, marker);
            String eventKey = "D:stall:" + worker + ":" + last;
            PreparedStatement ins = ctx.statement("INSERT INTO derived_episodes(kind, subject_id, marker, session_id, "
                    + "opened_at, last_member_at, event_source_key) VALUES (?,?,?,?,?,?,?) ON CONFLICT(kind, "
                    + "subject_id, marker) DO NOTHING");
            Instant lastAt = Times.parseOrNull(last);
            Instant stalledAt = lastAt == null ? now : lastAt.plus(after);
            ins.setString(1, KIND);
            ins.setString(2, worker);
            ins.setString(3, marker);
            ins.setString(4, w[1]);
            ins.setString(5, Times.format(stalledAt));
            ins.setString(6, last);
            ins.setString(7, eventKey);
            if (ins.executeUpdate() == 0) {
                continue; // this silence is already reported
            }
            long minutes = lastAt == null ? -1 : Duration.between(lastAt, now).toMinutes();
            PreparedStatement ev =
                    ctx.statement("INSERT INTO system_events(session_id, timestamp, event_type, severity, "
                    + "component, message, details, task_id, worker_id, time_source, source, source_key, derived) "
                    + "VALUES (?,?,'worker_stalled','warning','derived',?,?,?,?,?,'derived',?,1)");
            ev.setString(1, w[1]);
            ev.setString(2, Times.format(stalledAt));
            ev.setString(3, "worker " + worker + " of " + w[2] + " is still running per the coordinator but its "
                    + "transcript has been silent for " + minutes + " min");
            ev.setString(4, JsonObj.of().put("derived", true).put("rule", "silent_longer_than_threshold")
                    .put("threshold_minutes", after.toMinutes()).put("last_activity_at", w[4])
                    .put("spawned_at", w[3]).put("silent_minutes", minutes).put("checked_at", Times.format(now))
                    .put("worker_status", w[6]).put("pid", w[7])
                    .put("transcript", w[5] == null ? "none seen: silent since its spawn" : w[5]).json());
            ev.setString(5, w[2]);
            ev.setString(6, worker);
            ev.setString(7, timeSource);
            ev.setString(8, eventKey);
            ev.executeUpdate();
            reported++;
        }
        return reported;
    }
}
