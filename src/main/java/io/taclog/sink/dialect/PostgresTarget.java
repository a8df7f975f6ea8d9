package io.taclog.sink.dialect;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * A PostgreSQL database to write into or read from: the URL ({@code taclog.db}), the credentials (from the
 * environment or a password file, never from the command line or the URL) and this sidecar's host identity.
 */
public record PostgresTarget(String url, String user, String password, String hostId) {

    public static final String PREFIX = "jdbc:postgresql:";
    public static final String USER_VARIABLE = "TACLOG_DB_USER";
    public static final String PASSWORD_VARIABLE = "TACLOG_DB_PASSWORD";

    /** Thrown for a target that cannot be used as given (a password in the URL, an unreadable password file). */
    public static final class InvalidTarget extends IllegalArgumentException {
        public InvalidTarget(String message) {
            super(message);
        }
    }

    /** Whether the database named by {@code taclog.db} (or {@code --db}) is a PostgreSQL URL. */
    public static boolean isPostgres(Object db) {
        return db != null && db.toString().startsWith(PREFIX);
    }

    /**
     * The URL as written. {@code taclog.db} is read as a path, and a path folds the URL's {@code //} into one
     * slash; put back here, so {@code --db jdbc:postgresql://host/db} means what it says.
     */
    public static String url(Object db) {
        String s = db.toString();
        if (s.startsWith(PREFIX + "/") && !s.startsWith(PREFIX + "//")) {
            s = PREFIX + "/" + s.substring(PREFIX.length());
        }
        return s;
    }

    /**
     * The target of {@code db}, with the user and password from {@code env} (TACLOG_DB_USER, TACLOG_DB_PASSWORD),
     * else {@code user} and the first line of {@code passwordFile}; {@code hostId} empty means the host name.
     */
    public static PostgresTarget of(Object db, String user, Path passwordFile, String hostId, Map<String, String> env) {
        String url = url(db);
        refuseSecretsIn(url);
        String u = firstNonBlank(env.get(USER_VARIABLE), user, System.getProperty("user.name"));
        String p = env.get(PASSWORD_VARIABLE);
        if ((p == null || p.isEmpty()) && passwordFile != null) {
            try {
                List<String> lines = Files.readAllLines(passwordFile, StandardCharsets.UTF_8);
                p = lines.isEmpty() ? "" : lines.get(0);
            } catch (IOException e) {
                throw new InvalidTarget("cannot read the password file " + passwordFile + ": " + e.getMessage());
            }
        }
        return new PostgresTarget(url, u, p, firstNonBlank(hostId, hostName(), "localhost"));
    }

    /** A URL never carries the password (it would end up in process lists, logs and shell history). */
    static void refuseSecretsIn(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        int query = lower.indexOf('?');
        String authority = lower.substring(PREFIX.length(), query < 0 ? lower.length() : query);
        if (authority.contains("@") || query >= 0 && (lower.indexOf("password=", query) >= 0
                || lower.indexOf("user=", query) >= 0)) {
            throw new InvalidTarget("the database URL must not carry a user or password: give them in "
                    + USER_VARIABLE + "/" + PASSWORD_VARIABLE + " or taclog.db.user/taclog.db.password-file");
        }
    }

    /** A new connection (the writer's, a reader's): SQLite's SQL accepted ({@link PostgresConnections}). */
    public Connection connect(boolean readOnly) throws SQLException {
        Connection c = DriverManager.getConnection(url, properties());
        try {
            c.setReadOnly(readOnly);
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return PostgresConnections.wrap(c);
    }

    /** The driver's properties: credentials, and a name that shows in pg_stat_activity. */
    public Properties properties() {
        Properties p = new Properties();
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("ApplicationName", "taclog@" + hostId);
        return p;
    }

    /** The URL with nothing secret (it holds none) for messages. */
    @Override
    public String toString() {
        return url + " (host id " + hostId + ")";
    }

    private static String hostName() {
        String h = System.getenv("HOSTNAME");
        if (h != null && !h.isBlank()) {
            return h;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return null;
        }
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }
}
