package io.taclog.dashboard;

import io.taclog.query.TimeWindow;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Set;

/**
 * Request parameters, checked before anything reads them: a value is bound into SQL as a parameter or picked from
 * a fixed set, never pasted into SQL text. A bad value is a 400 with a message that says what is expected.
 */
public final class Params {

    /** The longest id (task, worker) a request may name: longer ones exist in no database. */
    public static final int MAX_ID_CHARS = 300;
    /** The longest search text. */
    public static final int MAX_QUERY_CHARS = 500;

    private Params() {
    }

    /** A required id: non-empty, at most {@link #MAX_ID_CHARS} characters, no control characters. */
    public static String id(String name, String value) {
        if (value == null || value.isEmpty()) {
            throw HttpProblem.badRequest("missing parameter '" + name + "'");
        }
        if (value.length() > MAX_ID_CHARS || value.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
            throw HttpProblem.badRequest("parameter '" + name + "' is not a valid id");
        }
        return value;
    }

    /** An optional id (null when absent or empty). */
    public static String optionalId(String name, String value) {
        return value == null || value.isEmpty() ? null : id(name, value);
    }

    /** A whole number in [min, max], or the default when absent. */
    public static int integer(String name, String value, int def, int min, int max) {
        if (value == null || value.isEmpty()) {
            return def;
        }
        try {
            int n = Integer.parseInt(value);
            if (n < min || n > max) {
                throw HttpProblem.badRequest("parameter '" + name + "' must be between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw HttpProblem.badRequest("parameter '" + name + "' must be a whole number");
        }
    }

    public static long longValue(String name, String value, long min, long max) {
        if (value == null || value.isEmpty()) {
            throw HttpProblem.badRequest("missing parameter '" + name + "'");
        }
        try {
            long n = Long.parseLong(value);
            if (n < min || n > max) {
                throw HttpProblem.badRequest("parameter '" + name + "' must be between " + min + " and " + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw HttpProblem.badRequest("parameter '" + name + "' must be a whole number");
        }
    }

    /** One of a fixed set of words, or the default when absent. */
    public static String choice(String name, String value, String def, Set<String> allowed) {
        if (value == null || value.isEmpty()) {
            return def;
        }
        if (!allowed.contains(value)) {
            throw HttpProblem.badRequest("parameter '" + name + "' must be one of " + new java.util.TreeSet<>(allowed));
        }
        return value;
    }

    /** A local date YYYY-MM-DD, or null when absent. */
    public static LocalDate date(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        if (value.length() != 10) {
            throw HttpProblem.badRequest("parameter '" + name + "' must be a date YYYY-MM-DD");
        }
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw HttpProblem.badRequest("parameter '" + name + "' must be a date YYYY-MM-DD");
        }
    }

    /** Search text: non-blank, at most {@link #MAX_QUERY_CHARS} characters. */
    public static String searchText(String value) {
        if (value == null || value.isBlank()) {
            throw HttpProblem.badRequest("missing parameter 'q' (the text to search for)");
        }
        if (value.length() > MAX_QUERY_CHARS) {
            throw HttpProblem.badRequest("parameter 'q' is longer than " + MAX_QUERY_CHARS + " characters");
        }
        return value;
    }

    /** The window [from, until] of local dates (until inclusive); both required here. */
    public static TimeWindow window(LocalDate from, LocalDate until, ZoneId zone) {
        if (from.isAfter(until)) {
            throw HttpProblem.badRequest("'from' must not be after 'until'");
        }
        if (from.plusYears(20).isBefore(until)) {
            throw HttpProblem.badRequest("the date range may span at most 20 years");
        }
        return TimeWindow.of(from.toString(), until.toString(), zone);
    }
}
