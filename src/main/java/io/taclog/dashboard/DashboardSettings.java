package io.taclog.dashboard;

import io.taclog.sink.dialect.PostgresTarget;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Optional;

/**
 * What the dashboard serves and how.
 *
 * @param db the database, read through read-only connections only
 * @param address the address to listen on; loopback by default
 * @param port TCP port; 0 = any free port
 * @param token the secret every request must carry (bearer header or the cookie {@code /login} sets); required
 *     for a non-loopback address, optional on loopback
 * @param zone the zone whose calendar days the cost figures use (as {@code query cost --tz})
 * @param dailyBudgetUsd today's budget shown on the overview ({@code taclog.alerts.daily-budget-usd})
 * @param requestsPerMinute the most requests one client address may make in a minute (HTTP 429 beyond)
 * @param includeArchives whether the pages also read the months moved to archive files
 *     ({@code taclog.dashboard.include-archives}); always false on PostgreSQL, which has no archives
 * @param postgres the PostgreSQL database with its credentials when {@code db} is a {@code jdbc:postgresql:} URL
 *     (null: taken from the URL and the environment, TACLOG_DB_USER and TACLOG_DB_PASSWORD); null for a SQLite file
 */
public record DashboardSettings(Path db, String address, int port, Optional<String> token, ZoneId zone,
                                Optional<Double> dailyBudgetUsd, int requestsPerMinute, boolean includeArchives,
                                PostgresTarget postgres) {

    public static final String DEFAULT_ADDRESS = "127.0.0.1";
    public static final int DEFAULT_PORT = 7433;
    public static final int DEFAULT_REQUESTS_PER_MINUTE = 1200;
    /** Shortest token accepted: a guessable secret on an open port is no protection. */
    public static final int MIN_TOKEN_CHARS = 16;

    public DashboardSettings {
        token = token.filter(t -> !t.isBlank());
        if (token.isPresent() && token.get().length() < MIN_TOKEN_CHARS) {
            throw new IllegalArgumentException("the dashboard token must have at least " + MIN_TOKEN_CHARS
                    + " characters");
        }
        if (token.isPresent() && !token.get().matches("[A-Za-z0-9._~+/=-]+")) {
            // it travels in a header and a cookie: letters, digits and . _ ~ + / = - need no quoting in either
            throw new IllegalArgumentException("the dashboard token may hold only letters, digits and . _ ~ + / = -");
        }
        if (!loopback(address) && token.isEmpty()) {
            throw new IllegalArgumentException("the dashboard listens on " + address + ", which is not a loopback "
                    + "address: set a token (--token, TACLOG_DASHBOARD_TOKEN or taclog.dashboard.token) so that "
                    + "only those who have it can read the transcripts");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("not a TCP port: " + port);
        }
        if (requestsPerMinute < 1) {
            throw new IllegalArgumentException("requests per minute must be at least 1");
        }
        if (PostgresTarget.isPostgres(db)) {
            includeArchives = false; // archiving is SQLite-only: a PostgreSQL database has no archived months
            if (postgres == null) {
                postgres = PostgresTarget.of(db, "", null, "", System.getenv());
            }
        } else {
            postgres = null;
        }
    }

    /** Settings of a SQLite file, or of a PostgreSQL URL with the credentials of the environment. */
    public DashboardSettings(Path db, String address, int port, Optional<String> token, ZoneId zone,
                             Optional<Double> dailyBudgetUsd, int requestsPerMinute, boolean includeArchives) {
        this(db, address, port, token, zone, dailyBudgetUsd, requestsPerMinute, includeArchives, null);
    }

    /** Whether the database is a PostgreSQL one. */
    public boolean isPostgres() {
        return postgres != null;
    }

    /** The database for messages: the file, or the URL as written. */
    public String databaseName() {
        return postgres != null ? postgres.url() : db.toString();
    }

    /** Settings that read the archived months too (the default). */
    public DashboardSettings(Path db, String address, int port, Optional<String> token, ZoneId zone,
                             Optional<Double> dailyBudgetUsd, int requestsPerMinute) {
        this(db, address, port, token, zone, dailyBudgetUsd, requestsPerMinute, true);
    }

    /** Whether an address (a literal or a name) is a loopback address; an unresolvable name is not. */
    public static boolean loopback(String address) {
        if (address.equals("localhost")) {
            return true;
        }
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
