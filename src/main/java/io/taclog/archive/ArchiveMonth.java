package io.taclog.archive;

import io.taclog.model.Times;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A calendar month in UTC: what one archive file holds. UTC because every stored time is UTC, so a row's month is
 * the first seven characters of its time, whatever zone a report is printed in.
 */
public record ArchiveMonth(YearMonth month) implements Comparable<ArchiveMonth> {

    private static final Pattern FORMAT = Pattern.compile("(\\d{4})-(\\d{2})");

    /** Parses {@code YYYY-MM}; anything else (2026-1, 2026-13, Jan 2026) is refused with what was expected. */
    public static ArchiveMonth parse(String text) {
        Matcher m = FORMAT.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a month: expected YYYY-MM, e.g. 2026-01");
        }
        int month = Integer.parseInt(m.group(2));
        if (month < 1 || month > 12) {
            throw new IllegalArgumentException("'" + text + "' is not a month: the month must be 01 to 12");
        }
        return new ArchiveMonth(YearMonth.of(Integer.parseInt(m.group(1)), month));
    }

    /** The month an instant falls in (UTC). */
    public static ArchiveMonth of(Instant t) {
        return new ArchiveMonth(YearMonth.from(t.atOffset(ZoneOffset.UTC)));
    }

    public Instant start() {
        return month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The first instant after the month. */
    public Instant end() {
        return month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** Lower bound as stored text (inclusive). */
    public String fromText() {
        return Times.format(start());
    }

    /** Upper bound as stored text (exclusive). */
    public String untilText() {
        return Times.format(end());
    }

    public ArchiveMonth next() {
        return new ArchiveMonth(month.plusMonths(1));
    }

    /** The archive file's name: {@code logs-YYYY-MM.db}. */
    public String fileName() {
        return "logs-" + this + ".db";
    }

    /** Whether the month is over at {@code now} (a month still running can gain rows: it is never archived). */
    public boolean complete(Instant now) {
        return !now.isBefore(end());
    }

    /** Whether the month ended at least {@code keepDays} days before {@code now}. */
    public boolean endedDaysBefore(Instant now, long keepDays) {
        return !end().isAfter(now.minus(Duration.ofDays(keepDays)));
    }

    @Override
    public int compareTo(ArchiveMonth o) {
        return month.compareTo(o.month);
    }

    @Override
    public String toString() {
        return month.toString();
    }
}
