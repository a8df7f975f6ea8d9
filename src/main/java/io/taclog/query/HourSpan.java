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
     * The cells of the calls of a window: per hour ({@link #HOUR_CELLS}), or, where a local day starts inside an hour
     * (a zone a half or three quarters of an hour off UTC), per part of an hour cut at the minutes {@code dayStarts}
     * names ({@code 'YYYY-MM-DDTHH:MM'}, the part's first minute), so that no cell spans two local days; and of one
     * host's files only (a fifth parameter: the host id).
     */
    static String callCells(java.util.SortedSet<Integer> dayStarts, boolean ofHost) {
        String sql = HOUR_CELLS;
        if (!dayStarts.equals(ON_THE_HOUR)) {
            String part = part(dayStarts);
            sql = sql.replace("substr(a.timestamp, 1, 13) AS hour", part + " AS hour")
                    .replace("GROUP BY substr(a.timestamp, 1, 13)", "GROUP BY " + part);
        }
        return ofHost ? sql.replace(" GROUP BY ", " AND a.source_file_id IN (SELECT file_id FROM ingest_files "
                + "WHERE host_id = ?) GROUP BY ") : sql;
    }

    /**
     * The part of its UTC hour a call lies in, cut at {@code dayStarts}: {@code 'YYYY-MM-DDTHH:MM'}, the part's first
     * minute. The minutes are numbers computed from the zone's rules, never text from the user.
     */
    private static String part(java.util.SortedSet<Integer> dayStarts) {
        StringBuilder part = new StringBuilder("substr(a.timestamp, 1, 13) || ':' || CASE");
        for (int m : new java.util.TreeSet<>(dayStarts).descendingSet()) {
            if (m > 0) {
                String mm = (m < 10 ? "0" : "") + m;
                part.append(" WHEN substr(a.timestamp, 15, 2) >= '").append(mm).append("' THEN '").append(mm)
                        .append('\'');
            }
        }
        return part.append(" ELSE '00' END").toString();
    }

    /**
     * {@link #WINDOW_FROM_CELLS} for a zone whose local days start inside an hour: the hour cells of the window's
     * whole hours but those in which a local day starts, which are read from their calls by part of the hour
     * ({@link #part}), found through {@code idx_api_calls_hour_cells} one hour at a time (a year is 365 such hours,
     * not a year of calls), and the parts of an hour at the window's ends as {@link #callCells}. Bound by
     * {@link #bindSplit}.
     */
    static String splitCellsSql(java.util.SortedSet<Integer> dayStarts) {
        String sums = HOUR_CELLS.substring(HOUR_CELLS.indexOf("COUNT(*)"), HOUR_CELLS.indexOf(" FROM api_calls a"));
        String part = part(dayStarts);
        String calls = callCells(dayStarts, false);
        return "SELECT worker_id AS worker, hour, model, calls AS n, tokens_input AS tin, tokens_output AS tout, "
                + "tokens_cached_read AS tcr, tokens_cached_write AS tcw, estimated_cost_usd AS est, "
                + "unpriced_calls AS unpriced FROM main.api_call_hours WHERE hour >= ? AND hour < ? "
                + "AND hour NOT IN (SELECT value FROM json_each(?)) "
                + "UNION ALL SELECT a.worker_id AS worker, " + part + " AS hour, a.model AS model, " + sums
                + " FROM (SELECT value AS h FROM json_each(?)) s JOIN api_calls a ON substr(a.timestamp, 1, 13) = s.h "
                + "GROUP BY " + part + ", a.worker_id, a.model "
                + "UNION ALL " + calls + " UNION ALL " + calls;
    }

    /** Binds {@link #splitCellsSql}: the whole hours, the hours split (a JSON array, twice), the two ends. */
    void bindSplit(PreparedStatement ps, String splitHoursJson) throws SQLException {
        bindHours(ps, 1);
        ps.setString(3, splitHoursJson);
        ps.setString(4, splitHoursJson);
        bindCalls(ps, 5, from, fullFrom);
        bindCalls(ps, 9, fullUntil, until);
    }

    /**
     * The UTC hours ('YYYY-MM-DDTHH') among the window's whole hours, within {@code [first, last]} (the hours that
     * hold cells), in which a local day of {@code zone} starts after the hour's first minute.
     */
    List<String> splitHours(ZoneId zone, String first, String last) {
        List<String> out = new ArrayList<>();
        if (first == null || last == null) {
            return out;
        }
        String lo = fullFrom.isEmpty() || fullFrom.substring(0, 13).compareTo(first) < 0 ? first
                : fullFrom.substring(0, 13);
        Instant start = Instant.parse(lo + ":00:00Z");
        java.time.LocalDate day = start.atZone(zone).toLocalDate();
        for (int guard = 0; guard < 100_000; guard++, day = day.plusDays(1)) {
            Instant midnight = day.atStartOfDay(zone).toInstant();
            String hour = Times.format(floorHour(midnight)).substring(0, 13);
            if (hour.compareTo(last) > 0 || hour.compareTo(fullUntil.substring(0, 13)) >= 0) {
                break;
            }
            if (!midnight.equals(floorHour(midnight)) && hour.compareTo(lo) >= 0) {
                out.add(hour);
            }
        }
        return out;
    }

    /** The minutes of a UTC hour at which a local day of a zone whole hours off UTC starts. */
    static final java.util.SortedSet<Integer> ON_THE_HOUR = java.util.Collections.unmodifiableSortedSet(
            new java.util.TreeSet<>(List.of(0)));

    /**
     * The minutes of the UTC hour at which the local days of {@code zone} start between the two instants (null:
     * open): {0} for a zone whole hours off UTC, {0, 30} for India, {0, 45} for Nepal. Offsets before 2000 are not
     * asked: no call of an LLM is that old.
     */
    static java.util.SortedSet<Integer> dayStartMinutes(ZoneId zone, Instant from, Instant until) {
        java.time.zone.ZoneRules rules = zone.getRules();
        Instant start = from == null || from.isBefore(EARLIEST_CALL) ? EARLIEST_CALL : from;
        Instant end = until == null ? Instant.now().plus(Duration.ofDays(366)) : until;
        java.util.SortedSet<Integer> minutes = new java.util.TreeSet<>(ON_THE_HOUR);
        minutes.add(startMinute(rules.getOffset(start)));
        for (var t = rules.nextTransition(start); t != null && t.getInstant().isBefore(end);
             t = rules.nextTransition(t.getInstant())) {
            minutes.add(startMinute(t.getOffsetAfter()));
        }
        return minutes;
    }

    /** The minute of the UTC hour at which local midnight falls for an offset (+05:30: 18:30 UTC, minute 30). */
    private static int startMinute(java.time.ZoneOffset offset) {
        return Math.floorMod(-offset.getTotalSeconds() / 60, 60);
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
