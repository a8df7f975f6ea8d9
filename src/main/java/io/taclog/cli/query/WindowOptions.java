package io.taclog.cli.query;

import io.taclog.query.TimeWindow;
import java.time.Instant;
import java.time.ZoneId;
import picocli.CommandLine.Option;

/** --today, --since DATE, --until DATE. */
public final class WindowOptions {

    @Option(names = "--today", description = "Today (local day).")
    boolean today;

    @Option(names = "--since", paramLabel = "DATE", description = "From this date (YYYY-MM-DD, local) or instant.")
    String since;

    @Option(names = "--until", paramLabel = "DATE", description = "Up to and including this date, or until an instant.")
    String until;

    public TimeWindow window(ZoneId zone, Instant now) {
        if (today) {
            return TimeWindow.today(zone, now);
        }
        return TimeWindow.of(since, until, zone);
    }
}
