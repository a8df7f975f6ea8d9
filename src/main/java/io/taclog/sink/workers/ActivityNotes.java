package io.taclog.sink.workers;

import io.taclog.model.Times;
import io.taclog.sink.WriteContext;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

/**
 * A worker's first and last activity, kept in the transaction cache and written once before commit: one
 * update per worker and transaction, however many of its facts the batch holds.
 */
final class ActivityNotes {

    /** The times one worker's facts of this transaction carried. */
    private static final class Times2 {
        Instant last;
        Instant recordedStart;
    }

    private static final String LAST = "last_activity_at = CASE WHEN last_activity_at IS NULL "
            + "OR last_activity_at < ?1 THEN ?1 ELSE last_activity_at END";
    // the CASE conditions read the old values: SQLite evaluates every SET expression before assigning
    private static final String START = "spawned_at = CASE WHEN origin = 'transcript' AND "
            + "(COALESCE(time_source, '') <> 'recorded' OR spawned_at > ?2) THEN ?2 ELSE spawned_at END, "
            + "time_source = CASE WHEN origin = 'transcript' THEN 'recorded' ELSE time_source END, "
            + "first_activity_at = CASE WHEN first_activity_at IS NULL OR first_activity_at > ?2 THEN ?2 "
            + "ELSE first_activity_at END";

    /** The visible status as {@link WorkerEnds} derives it once the stream shows activity (the rule's own case). */
    private static final String RUNNING = "status = CASE WHEN status = 'spawned' AND process_status = 'spawned' "
            + "THEN 'running' ELSE status END";

    private ActivityNotes() {
    }

    /** Moves a worker's last activity forward to {@code at}. */
    static void noteActivity(String worker, Instant at, WriteContext ctx) {
        Times2 t = times(worker, ctx);
        if (t.last == null || at.isAfter(t.last)) {
            t.last = at;
        }
    }

    /**
     * A transcript-only worker first seen through a copy without timestamps (stream-json, observed at
     * backfill time) takes its start from the earliest recorded time that any copy supplies.
     */
    static void noteRecordedStart(String worker, Instant at, WriteContext ctx) {
        Times2 t = times(worker, ctx);
        if (t.recordedStart == null || at.isBefore(t.recordedStart)) {
            t.recordedStart = at;
        }
    }

    private static Times2 times(String worker, WriteContext ctx) {
        String key = "activity:" + worker;
        Times2 t = (Times2) ctx.txCache().get(key);
        if (t == null) {
            Times2 fresh = new Times2();
            ctx.txCache().put(key, fresh);
            // a worker renamed later in the transaction simply has no row under this name any more and gets its
            // activity from its later facts
            ctx.beforeCommit(key, () -> write(worker, fresh, ctx));
            t = fresh;
        }
        return t;
    }

    private static void write(String worker, Times2 t, WriteContext ctx) throws SQLException {
        String set = (t.last != null && t.recordedStart != null ? LAST + ", " + START
                : t.last != null ? LAST : START) + ", " + RUNNING;
        PreparedStatement ps = ctx.statement("UPDATE worker_sessions SET " + set + " WHERE worker_id = ?3");
        ps.setString(1, t.last == null ? null : Times.format(t.last));
        ps.setString(2, t.recordedStart == null ? null : Times.format(t.recordedStart));
        ps.setString(3, worker);
        ps.executeUpdate();
    }
}
