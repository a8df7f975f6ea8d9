package io.taclog.query;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.List;

/**
 * The local date of an hour cell ({@code 'YYYY-MM-DDTHH'}, UTC) as SQL: the date of the hour's start in a zone, with
 * the zone's offset changes between two instants written out as a CASE on the hour (a year of a zone with summer time
 * is two). The same day {@code CostQuery} gives an hour in Java, so both paths bucket alike.
 */
record LocalDays(String sql, List<String> binds) {

    /** The local date of the hour in {@code column}, for cells from {@code from} until {@code until}. */
    static LocalDays of(String column, ZoneId zone, Instant from, Instant until) {
        ZoneRules rules = zone.getRules();
        List<String> binds = new ArrayList<>();
        ZoneOffset current = rules.getOffset(from);
        StringBuilder cases = new StringBuilder();
        for (ZoneOffsetTransition t = rules.nextTransition(from); t != null && t.getInstant().isBefore(until);
             t = rules.nextTransition(t.getInstant())) {
            // an hour takes the offset at its start: the first hour starting at or after the change takes the new one
            cases.append(" WHEN ").append(column).append(" < ? THEN ?");
            binds.add(hour(ceilHour(t.getInstant())));
            binds.add(modifier(current));
            current = t.getOffsetAfter();
        }
        binds.add(modifier(current));
        String offset = cases.length() == 0 ? "?" : "CASE" + cases + " ELSE ? END";
        return new LocalDays("date(" + column + " || ':00', " + offset + ")", binds);
    }

    /** Binds the CASE's values from parameter {@code first} on; returns the next parameter's index. */
    int bind(PreparedStatement ps, int first) throws SQLException {
        int i = first;
        for (String b : binds) {
            ps.setString(i++, b);
        }
        return i;
    }

    private static String modifier(ZoneOffset offset) {
        int s = offset.getTotalSeconds();
        return (s < 0 ? "-" : "+") + Math.abs(s) + " seconds";
    }

    private static Instant ceilHour(Instant t) {
        Instant floor = t.truncatedTo(ChronoUnit.HOURS);
        return floor.equals(t) ? t : floor.plus(1, ChronoUnit.HOURS);
    }

    private static String hour(Instant t) {
        return t.toString().substring(0, 13);
    }
}
