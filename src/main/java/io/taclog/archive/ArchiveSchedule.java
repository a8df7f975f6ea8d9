package io.taclog.archive;

import io.taclog.sink.ReadOnlyDatabase;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar's daily archive check (taclog.archive.enabled): every month with rows in the database that ended at
 * least taclog.archive.keep-days ago is archived, oldest first, each exactly as
 * {@code taclog archive --month} would. A month with nothing that can leave yet is passed over; a failure is logged
 * and the check runs again the next day.
 */
public final class ArchiveSchedule {

    private static final Logger LOG = LoggerFactory.getLogger(ArchiveSchedule.class);
    /** How often the check runs: months end once a month, a day late is nothing. */
    public static final Duration INTERVAL = Duration.ofDays(1);

    private final Archiver archiver;
    private final Path db;
    private final long keepDays;
    private final int busyTimeoutMillis;

    public ArchiveSchedule(Archiver archiver, Path db, long keepDays, int busyTimeoutMillis) {
        this.archiver = archiver;
        this.db = db;
        this.keepDays = keepDays;
        this.busyTimeoutMillis = busyTimeoutMillis;
    }

    /** The months due at {@code now}: with rows in the database, old enough, not archived yet; oldest first. */
    public List<ArchiveMonth> due(Instant now) throws SQLException {
        List<ArchiveMonth> out = new ArrayList<>();
        try (Connection c = ReadOnlyDatabase.open(db, busyTimeoutMillis)) {
            Set<ArchiveMonth> archived = new HashSet<>();
            for (ArchiveLog.Entry e : ArchiveLog.all(c)) {
                if (ArchiveLog.DELETED.equals(e.state())) {
                    archived.add(e.month());
                }
            }
            for (ArchiveMonth m : MonthSelection.monthsWithRows(c, ArchiveMonth.of(now).start())) {
                if (m.complete(now) && m.endedDaysBefore(now, keepDays) && !archived.contains(m)) {
                    out.add(m);
                }
            }
        }
        return out;
    }

    /** Archives every due month; returns those it archived. */
    public List<Archiver.Outcome> run(Instant now) {
        List<Archiver.Outcome> done = new ArrayList<>();
        try {
            for (ArchiveMonth m : due(now)) {
                try {
                    Archiver.Outcome o = archiver.archive(m);
                    done.add(o);
                    LOG.info("archived {}: {} rows moved to {} ({} bytes)", m, o.entry().movedRows(), o.file(),
                            o.entry().bytes());
                } catch (ArchiveRefused r) {
                    if (r.nothingToArchive()) {
                        LOG.debug("{} not archived: {}", m, r.getMessage());
                    } else {
                        LOG.warn("{} not archived: {}", m, r.getMessage());
                    }
                }
            }
        } catch (SQLException | IOException | RuntimeException e) {
            LOG.warn("archive check failed, tried again in a day: {}", e.getMessage());
        }
        return done;
    }
}
