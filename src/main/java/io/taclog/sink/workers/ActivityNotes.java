package io.taclog.sink.workers;

import io.taclog.model.Times;
import io.taclog.sink.WriteContext;
import java.sql.PreparedStatement;
import java.time.Instant;

/** A worker's first and last activity, kept in the transaction cache and written once before commit. */
final class ActivityNotes {

    private ActivityNotes() {
    }

    /** Moves a worker's last activity forward to {@code at}. */
    static void noteActivity(String worker, Instant at, WriteContext ctx) {
        String key = "activity:" + worker;
        Instant prev = (Instant) ctx.txCache().get(key);
        if (prev != null && !at.isAfter(prev)) {
            return;
        }
        ctx.txCache().put(key, at);
        // one update per worker and transaction; a worker renamed later in the transaction simply has no row
        // under this name any more and gets its activity from its later facts
        ctx.beforeCommit(key, () -> {
            PreparedStatement ps = ctx.statement("UPDATE worker_sessions SET last_activity_at = ?1 "
                    + "WHERE worker_id = ?2 AND (last_activity_at IS NULL OR last_activity_at < ?1)");
            ps.setString(1, Times.format((Instant) ctx.txCache().getOrDefault(key, at)));
            ps.setString(2, worker);
            ps.executeUpdate();
        });
    }

    /**
     * A transcript-only worker first seen through a copy without timestamps (stream-json, observed at
     * backfill time) takes its start from the earliest recorded time that any copy supplies.
     */
    static void noteRecordedStart(String worker, Instant at, WriteContext ctx) {
        String key = "recorded-start:" + worker;
        Instant prev = (Instant) ctx.txCache().get(key);
        if (prev != null && !at.isBefore(prev)) {
            return;
        }
        ctx.txCache().put(key, at);
        ctx.beforeCommit(key, () -> {
            String t = Times.format((Instant) ctx.txCache().get(key));
            // the CASE conditions read the old values: SQLite evaluates every SET expression before assigning
            PreparedStatement ps = ctx.statement("UPDATE worker_sessions SET "
                    + "spawned_at = CASE WHEN origin = 'transcript' AND (COALESCE(time_source, '') <> 'recorded' "
                    + "OR spawned_at > ?1) THEN ?1 ELSE spawned_at END, "
                    + "time_source = CASE WHEN origin = 'transcript' THEN 'recorded' ELSE time_source END, "
                    + "first_activity_at = CASE WHEN first_activity_at IS NULL OR first_activity_at > ?1 THEN ?1 "
                    + "ELSE first_activity_at END WHERE worker_id = ?2");
            ps.setString(1, t);
            ps.setString(2, worker);
            ps.executeUpdate();
        });
    }
}
