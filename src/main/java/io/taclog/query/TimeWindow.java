package io.taclog.query;

import io.taclog.model.Times;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * A half-open time range [from, until) in UTC, built from local dates (the user thinks in local days;
 * the database stores UTC). Either end may be open.
 */
public record TimeWindow(Instant from, Instant until) {

    public static final TimeWindow ALL = new TimeWindow(null, null);

    public static TimeWindow today(ZoneId zone, Instant now) {
        LocalDate d = now.atZone(zone).toLocalDate();
        return new TimeWindow(d.atStartOfDay(zone).toInstant(), d.plusDays(1).atStartOfDay(zone).toInstant());
    }

    /**
     * From {@code since} (a date = its local midnight, or an ISO instant) to {@code until} (a date = the end
     * of that local day, or an instant); nulls leave that end open.
     */
    public static TimeWindow of(String since, String until, ZoneId zone) {
        return new TimeWindow(since == null ? null : parse(since, zone, false),
                until == null ? null : parse(until, zone, true));
    }

    private static Instant parse(String s, ZoneId zone, boolean endOfDay) {
        try {
            LocalDate d = LocalDate.parse(s);
            return (endOfDay ? d.plusDays(1) : d).atStartOfDay(zone).toInstant();
        } catch (DateTimeParseException e) {
            Instant i = Times.parseOrNull(s);
            if (i == null) {
                throw new IllegalArgumentException("not a date (YYYY-MM-DD) or an ISO-8601 instant: " + s);
            }
            return i;
        }
    }

    /** Lower bound as stored text (inclusive); the smallest string if open. */
    public String fromText() {
        return from == null ? "" : Times.format(from);
    }

    /**
     * Upper bound as stored text (exclusive); a time above every stored one if open. It must look like a
     * time, not a number: the seed's TIMESTAMP columns have numeric affinity, so a literal like '9999'
     * would be compared as an integer (and every text sorts above every integer in SQLite).
     */
    public String untilText() {
        return until == null ? "9999-12-31T23:59:59.999Z" : Times.format(until);
    }

    public boolean bounded() {
        return from != null || until != null;
    }
}
