package io.taclog.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.taclog.maintenance.Maintenance;
import io.taclog.sink.Database;
import io.taclog.sink.DatabaseSettings;
import io.taclog.testing.ArchiveCorpus;
import io.taclog.testing.Sql;
import io.taclog.testing.coordinator.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sidecar's daily archive check, on its own clock: months older than keep-days, oldest first, once a day. */
class ArchiveScheduleIT {

    @TempDir
    Path tmp;

    List<String> archived(Path db) {
        return Sql.rows(db, "SELECT month FROM archives WHERE state = 'deleted' ORDER BY month").stream()
                .map(r -> (String) r.get("month")).toList();
    }

    @Test
    void completeMonthsOlderThanKeepDaysAreArchivedOnceADay() throws Exception {
        Path db = ArchiveCorpus.copyTo(tmp);
        MutableClock clock = new MutableClock(Instant.parse("2026-03-15T12:00:00Z"));
        try (Database d = Database.open(db, DatabaseSettings.defaults())) {
            ArchiveSchedule schedule = new ArchiveSchedule(new Archiver(d, tmp.resolve("archive"), 5000, clock,
                    Archiver.NO_HOOK), db, 30, 5000);
            Maintenance m = new Maintenance(d, clock, Duration.ZERO, Duration.ZERO, true, schedule);
            m.run();
            // February ended 14 days ago: it waits; every older month with rows is archived
            assertEquals(List.of("2025-06", "2025-07", "2025-09", "2025-12", "2026-01"), archived(db));
            assertEquals(5, m.archivedMonths());
            clock.advance(Duration.ofHours(23));
            m.run();
            assertEquals(5, m.archivedMonths(), "not due again within the day");
            clock.set(Instant.parse("2026-03-30T23:59:59Z"));
            m.run();
            assertEquals(5, m.archivedMonths(), "February ended 30 days ago only on March 31");
            clock.set(Instant.parse("2026-03-31T23:59:59Z"));
            m.run();
            assertEquals(List.of("2025-06", "2025-07", "2025-09", "2025-12", "2026-01", "2026-02"), archived(db));
        }
    }
}
