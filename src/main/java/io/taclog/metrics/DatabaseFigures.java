package io.taclog.metrics;

import io.taclog.query.CostGrouping;
import io.taclog.query.CostQuery;
import io.taclog.query.CostRow;
import io.taclog.query.TimeWindow;
import io.taclog.query.WorkersQuery;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The figures /metrics reads from the database: rejects by reason, API calls and cost today by model, workers
 * running. Read through a fresh read-only connection (never the writer's), at most once per refresh interval:
 * scrapes in between get the cached figures, so however often something scrapes, the database sees one small
 * read every few seconds. Concurrent scrapes wait for the one read in progress instead of starting their own.
 */
final class DatabaseFigures {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseFigures.class);

    /** A worker silent this long counts as idle, not running: the default of `taclog query workers --active`. */
    static final Duration IDLE_AFTER = Duration.ofMinutes(60);

    /**
     * Rejects grouped into a few stable reasons (a label must not hold offsets or messages). The patterns follow
     * the messages of LineClassifier and BatchWriter; anything else a format handler refused is record_invalid.
     */
    private static final String REJECTS_BY_REASON = "SELECT CASE "
            + "WHEN kind = 'fragment' THEN 'fragment' "
            + "WHEN error LIKE '%longer than the line cap%' THEN 'line_too_long' "
            + "WHEN error LIKE 'invalid UTF-8%' THEN 'invalid_utf8' "
            + "WHEN error LIKE '%invalid JSON%' THEN 'invalid_json' "
            + "WHEN error LIKE '%lone UTF-16 surrogate%' THEN 'lone_surrogate' "
            + "WHEN error = 'not JSON' OR error LIKE 'JSON value is%' THEN 'not_a_json_object' "
            + "WHEN error LIKE '%handler failed%' THEN 'handler_failed' "
            + "WHEN error LIKE 'rows could not be stored%' THEN 'store_failed' "
            + "ELSE 'record_invalid' END AS reason, COUNT(*) FROM ingest_rejects GROUP BY reason";

    /** One read of the database. */
    record Figures(Map<String, Long> rejectsByReason, Map<String, Long> callsToday, Map<String, Double> costToday,
                   long workersRunning) {

        static final Figures EMPTY = new Figures(Map.of(), Map.of(), Map.of(), 0);
    }

    private final DatabaseReaders db;
    private final Clock clock;
    private final ZoneId zone;
    private final long refreshNanos;
    private Figures cached = Figures.EMPTY;
    private long readAtNanos;
    private boolean read;

    DatabaseFigures(Path db, int busyTimeoutMillis, Clock clock, ZoneId zone, Duration refresh) {
        this(DatabaseReaders.sqlite(db, busyTimeoutMillis), clock, zone, refresh);
    }

    DatabaseFigures(DatabaseReaders db, Clock clock, ZoneId zone, Duration refresh) {
        this.db = db;
        this.clock = clock;
        this.zone = zone;
        this.refreshNanos = refresh.toNanos();
    }

    /** The figures, read again when the cached ones are older than the refresh interval. */
    synchronized Figures get() {
        long now = System.nanoTime();
        if (!read || now - readAtNanos >= refreshNanos) {
            try {
                cached = readNow();
            } catch (SQLException | RuntimeException e) {
                // keep the last figures: readiness reports the database itself; a scrape must still answer
                LOG.warn("metrics: cannot read figures from {}: {}", db, e.toString());
            }
            read = true;
            readAtNanos = System.nanoTime();
        }
        return cached;
    }

    /** The last figures read, without reading (what a gauge reports while a scrape renders). */
    synchronized Figures cached() {
        return cached;
    }

    private Figures readNow() throws SQLException {
        Instant now = clock.instant();
        try (Connection c = db.open()) {
            Map<String, Long> rejects = new TreeMap<>();
            try (PreparedStatement ps = c.prepareStatement(REJECTS_BY_REASON); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rejects.put(rs.getString(1), rs.getLong(2));
                }
            }
            // the same figures as `taclog query cost --today --by model` (reported cost where a worker has one)
            Map<String, Long> calls = new TreeMap<>();
            Map<String, Double> cost = new TreeMap<>();
            for (CostRow r : new CostQuery(c, zone).run(TimeWindow.today(zone, now), CostGrouping.MODEL, false)) {
                calls.merge(r.key(), r.calls(), Long::sum);
                cost.merge(r.key(), r.costUsd(), Double::sum);
            }
            long running = new WorkersQuery(c).active(now, IDLE_AFTER, false).size();
            return new Figures(Map.copyOf(rejects), Map.copyOf(calls), Map.copyOf(cost), running);
        }
    }
}
