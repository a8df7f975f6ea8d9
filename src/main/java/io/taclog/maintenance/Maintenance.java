package io.taclog.maintenance;

import io.taclog.archive.ArchiveSchedule;
import io.taclog.sink.Database;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar's periodic upkeep, run by the {@code maintenance} timer route (routes/maintenance.camel.yaml): it
 * ticks often and this decides, by its clock, what is due. {@code PRAGMA optimize} (statistics for the query
 * planner) and the compaction of {@code ingest_commits}, both through the writer connection so they queue with
 * the batches instead of competing for the lock; and, once a day when taclog.archive.enabled is on, the archive of
 * the months older than taclog.archive.keep-days ({@link ArchiveSchedule}). A backfill does none of it: its runs are
 * short and it ends with the indexes it builds. The WAL needs nothing here: the checkpointer thread of {@link Database} checkpoints
 * after commits and the writer's journal size limit truncates the log (docs/storage.md).
 */
public final class Maintenance {

    private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);
    /** How often the commit log is compacted (its age limit is in days: once an hour is plenty). */
    static final Duration COMPACTION_INTERVAL = Duration.ofHours(1);

    private final Database db;
    private final Clock clock;
    private final Duration optimizeInterval;
    private final Duration commitLogAge;
    private final boolean periodic;
    private final CommitLogCompaction compaction;
    /** The daily archive check (taclog.archive.enabled), or null. */
    private final ArchiveSchedule archives;
    private Instant lastOptimize;
    private Instant lastCompaction;
    private Instant lastArchiveCheck;
    private long optimizeRuns;
    private long compactedRows;
    private long archivedMonths;
    private long ticks;

    /**
     * @param optimizeInterval zero: never optimize
     * @param commitLogAge zero: keep every commit row as it is
     * @param periodic false in a backfill: {@link #run} does nothing
     */
    public Maintenance(Database db, Clock clock, Duration optimizeInterval, Duration commitLogAge, boolean periodic) {
        this(db, clock, optimizeInterval, commitLogAge, periodic, null);
    }

    /** @param archives the daily archive check, or null when taclog.archive.enabled is off */
    public Maintenance(Database db, Clock clock, Duration optimizeInterval, Duration commitLogAge, boolean periodic,
                       ArchiveSchedule archives) {
        this.archives = archives;
        this.db = db;
        this.clock = clock;
        this.optimizeInterval = optimizeInterval;
        this.commitLogAge = commitLogAge;
        this.periodic = periodic;
        this.compaction = new CommitLogCompaction(db, 1000);
    }

    /** One tick of the timer: does whatever is due. A failure is logged and tried again at a later tick. */
    public synchronized void run() {
        if (!periodic) {
            return;
        }
        Instant now = clock.instant();
        try {
            if (!optimizeInterval.isZero() && due(lastOptimize, optimizeInterval, now)) {
                optimize(lastOptimize == null);
                lastOptimize = now;
            }
            if (!commitLogAge.isZero() && due(lastCompaction, COMPACTION_INTERVAL, now)) {
                long removed = compaction.compactBefore(now.minus(commitLogAge));
                compactedRows += removed;
                lastCompaction = now;
                if (removed > 0) {
                    LOG.info("ingest_commits: merged {} ranges older than {} days into their neighbours", removed,
                            commitLogAge.toDays());
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("maintenance failed, tried again later: {}", e.getMessage());
        }
        if (archives != null && due(lastArchiveCheck, ArchiveSchedule.INTERVAL, now)) {
            lastArchiveCheck = now; // a failed check is logged by the schedule and tried again the next day
            archivedMonths += archives.run(now).size();
        }
        ticks++;
    }

    /** Ticks handled so far, each with everything that was due in it (tests wait on it). */
    public synchronized long ticks() {
        return ticks;
    }

    private static boolean due(Instant last, Duration interval, Instant now) {
        return last == null || !now.isBefore(last.plus(interval));
    }

    /**
     * SQLite's advice for a long-lived connection: {@code optimize=0x10002} once (it looks at every table, also
     * those this connection has not queried yet), plain {@code optimize} after that. Either analyses only the
     * tables whose statistics are missing or stale, with a bounded sample, so it takes milliseconds.
     */
    private void optimize(boolean first) throws SQLException {
        db.write(c -> {
            try (Statement s = c.createStatement()) {
                s.execute(first ? "PRAGMA optimize = 0x10002" : "PRAGMA optimize");
            }
            return null;
        });
        optimizeRuns++;
    }

    /** How often {@code PRAGMA optimize} ran (tests, logs). */
    public synchronized long optimizeRuns() {
        return optimizeRuns;
    }

    /** Months the daily archive check archived so far. */
    public synchronized long archivedMonths() {
        return archivedMonths;
    }

    /** Commit-log rows merged away so far. */
    public synchronized long compactedRows() {
        return compactedRows;
    }
}
