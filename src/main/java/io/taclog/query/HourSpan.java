package io.taclog.query;

import io.taclog.model.Times;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * A window cut at whole UTC hours: {@code [fullFrom, fullUntil)} is read from the cells, {@code [from, fullFrom)}
 * and {@code [fullUntil, until)} (empty when the window's ends are on the hour) from the calls.
 */
record HourSpan(String from, String fullFrom, String fullUntil, String until, String firstHourStart,
                String lastHourEnd, boolean openFrom, boolean openUntil) {

    /**
     * The calls of the window summed per hour (UTC), worker and model, from the index that holds them in that order
     * ({@code idx_api_calls_hour_cells}, schema v13): SQLite streams it without sorting the window's calls. The hour
     * range selects the index range; the exact bounds are checked on the timestamp the index also holds.
     */
    static final String HOUR_CELLS = "SELECT a.worker_id AS worker, substr(a.timestamp, 1, 13) AS hour, "
            + "a.model AS model, COUNT(*) AS n, SUM(a.tokens_input) AS tin, SUM(a.tokens_output) AS tout, "
            + "SUM(a.tokens_cached_read) AS tcr, SUM(a.tokens_cached_write) AS tcw, SUM(a.estimated_cost_usd) AS est, "
            + "SUM(a.estimated_cost_usd IS NULL) AS unpriced FROM api_calls a "
            + "WHERE substr(a.timestamp, 1, 13) >= substr(?, 1, 13) AND substr(a.timestamp, 1, 13) <= substr(?, 1, 13) "
            + "AND a.timestamp >= ? AND a.timestamp < ? GROUP BY substr(a.timestamp, 1, 13), a.worker_id, a.model";

    /**
     * The cells of the calls of a window: per hour ({@link #HOUR_CELLS}), or per minute where a local day starts
     * inside an hour (a zone a half or three quarters of an hour off UTC), and of one host's files only (a fifth
     * parameter: the host id).
     */
    static String callCells(boolean byMinute, boolean ofHost) {
        String sql = byMinute ? HOUR_CELLS.replace("substr(a.timestamp, 1, 13) AS hour", "substr(a.timestamp, 1, 16) AS hour")
                .replace("GROUP BY substr(a.timestamp, 1, 13)", "GROUP BY substr(a.timestamp, 1, 16)") : HOUR_CELLS;
        return ofHost ? sql.replace(" GROUP BY ", " AND a.source_file_id IN (SELECT file_id FROM ingest_files "
                + "WHERE host_id = ?) GROUP BY ") : sql;
    }

    /**
     * Whether every local day of {@code zone} between the two instants (null: open) starts on a UTC hour, so that
     * hour cells fall each in one local day. Offsets before 2000 are not asked: no call of an LLM is that old.
     */
    static boolean daysStartOnTheHour(ZoneId zone, Instant from, Instant until) {
        java.time.zone.ZoneRules rules = zone.getRules();
        Instant start = from == null || from.isBefore(EARLIEST_CALL) ? EARLIEST_CALL : from;
        Instant end = until == null ? Instant.now().plus(Duration.ofDays(366)) : until;
        if (rules.getOffset(start).getTotalSeconds() % 3600 != 0) {
            return false;
        }
        for (var t = rules.nextTransition(start); t != null && t.getInstant().isBefore(end);
             t = rules.nextTransition(t.getInstant())) {
            if (t.getOffsetAfter().getTotalSeconds() % 3600 != 0) {
                return false;
            }
        }
        return true;
    }

    private static final Instant EARLIEST_CALL = Instant.parse("2000-01-01T00:00:00Z");

    /**
     * The window's cells from the hourly cells (schema v16) for its whole hours, and from the calls for the parts of
     * an hour at either end (a window from a local midnight in a zone half an hour off UTC, or from an exact instant).
     */
    static final String WINDOW_FROM_CELLS = "SELECT worker_id AS worker, hour, model, calls AS n, "
            + "tokens_input AS tin, tokens_output AS tout, tokens_cached_read AS tcr, tokens_cached_write AS tcw, "
            + "estimated_cost_usd AS est, unpriced_calls AS unpriced FROM main.api_call_hours "
            + "WHERE hour >= ? AND hour < ? "
            + "UNION ALL " + HOUR_CELLS + " UNION ALL " + HOUR_CELLS;

    /**
     * What workers did outside a window, per worker and model, for the proration of their reported cost: the cells of
     * the hours before or after it ({@code %s} compares the hour) and the calls of a part of an hour.
     */
    static final String WORKER_MODELS_OF_HOURS = "SELECT worker_id AS w, model AS m, "
            + "estimated_cost_usd AS e, calls AS n FROM main.api_call_hours "
            + "WHERE worker_id IN (SELECT value FROM json_each(?)) AND hour %s ?";
    static final String WORKER_MODELS_OF_CALLS = "SELECT worker_id AS w, model AS m, "
            + "COALESCE(estimated_cost_usd, 0) AS e, 1 AS n FROM main.api_calls "
            + "WHERE worker_id IN (SELECT value FROM json_each(?)) AND timestamp >= ? "
            + "AND timestamp < ?";

    static void bindCalls(PreparedStatement ps, int first, String from, String until) throws SQLException {
        ps.setString(first, from);
        ps.setString(first + 1, until);
        ps.setString(first + 2, from);
        ps.setString(first + 3, until);
    }

    static HourSpan of(TimeWindow w) {
        String from = w.fromText();
        String until = w.untilText();
        String fullFrom = w.from() == null ? from : Times.format(ceilHour(w.from()));
        String fullUntil = Times.format(floorHour(w.until() == null ? Times.parseOrNull(until) : w.until()));
        // the hours the window touches run from the start of its first to the end of its last
        String firstHourStart = w.from() == null ? from : Times.format(floorHour(w.from()));
        String lastHourEnd = w.until() == null ? until : Times.format(ceilHour(w.until()));
        return new HourSpan(from, fullFrom, fullUntil, until, firstHourStart, lastHourEnd, w.from() == null,
                w.until() == null);
    }

    /**
     * What the workers of the window did outside it, per worker and model: the cells of the hours before the first
     * hour the window touches and from the end of its last one on, the calls of its first hour before it and of
     * its last hour after it. An open end has nothing beyond it; an end on the hour leaves no part of an hour.
     */
    String outsideSql() {
        List<String> parts = new ArrayList<>();
        if (!openFrom) {
            parts.add(String.format(WORKER_MODELS_OF_HOURS, "<"));
            if (!firstHourStart.equals(from)) {
                parts.add(WORKER_MODELS_OF_CALLS);
            }
        }
        if (!openUntil) {
            parts.add(String.format(WORKER_MODELS_OF_HOURS, ">="));
            if (!lastHourEnd.equals(until)) {
                parts.add(WORKER_MODELS_OF_CALLS);
            }
        }
        return parts.isEmpty() ? null // all time: nothing is outside
                // the derived table named: PostgreSQL requires it (SQLite does not mind)
                : "SELECT w, m, TOTAL(e), SUM(n) FROM (" + String.join(" UNION ALL ", parts) + ") o GROUP BY w, m";
    }

    /** Binds {@link #outsideSql()}: the workers, then each part's bounds in the order it lists them. */
    void bindOutside(PreparedStatement ps, String idsJson) throws SQLException {
        int i = 1;
        if (!openFrom) {
            ps.setString(i++, idsJson);
            ps.setString(i++, firstHourStart.substring(0, 13));
            if (!firstHourStart.equals(from)) {
                ps.setString(i++, idsJson);
                ps.setString(i++, firstHourStart);
                ps.setString(i++, from);
            }
        }
        if (!openUntil) {
            ps.setString(i++, idsJson);
            ps.setString(i++, lastHourEnd.substring(0, 13));
            if (!lastHourEnd.equals(until)) {
                ps.setString(i++, idsJson);
                ps.setString(i++, until);
                ps.setString(i, lastHourEnd);
            }
        }
    }

    /** True when the window begins inside an hour (calls of that hour before it are outside). */
    boolean partialFirstHour() {
        return !openFrom && !firstHourStart.equals(from);
    }

    /** True when the window ends inside an hour (calls of that hour from its end on are outside). */
    boolean partialLastHour() {
        return !lastHourEnd.equals(until);
    }

    /** The cells' bounds of the window's whole hours: {@code hour >= ?} and {@code hour < ?}. */
    void bindHours(PreparedStatement ps, int first) throws SQLException {
        ps.setString(first, fullFrom.isEmpty() ? "" : fullFrom.substring(0, 13));
        ps.setString(first + 1, fullUntil.substring(0, 13));
    }

    /** True when the window spans at least one whole hour; a shorter one is read from the calls alone. */
    boolean wholeHours() {
        return fullFrom.compareTo(fullUntil) < 0;
    }

    void bind(PreparedStatement ps) throws SQLException {
        bindHours(ps, 1);
        bindCalls(ps, 3, from, fullFrom);
        bindCalls(ps, 7, fullUntil, until);
    }

    private static Instant floorHour(Instant t) {
        return t.truncatedTo(ChronoUnit.HOURS);
    }

    private static Instant ceilHour(Instant t) {
        Instant floor = floorHour(t);
        return floor.equals(t) ? t : floor.plus(Duration.ofHours(1));
    }
}
