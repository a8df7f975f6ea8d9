package io.taclog.testing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One of taclog's two back ends as a test sees it: what to pass as {@code --db}, the credentials (flags for an
 * in-process command, the environment for a child process: both ways a user has), and a connection to look at
 * the rows. A test parameterised over {@link Kind} runs the same steps and assertions on both.
 */
public abstract class Backend {

    /** The back ends a parameterised suite runs on. */
    public enum Kind {
        SQLITE, POSTGRESQL;

        /** A new, empty database of this kind for one test (a file in {@code dir}, or a fresh PostgreSQL database). */
        public Backend create(Path dir, String hint) {
            return this == SQLITE ? new SqliteFile(dir.resolve(hint + ".db"))
                    : new Postgres(PostgresServer.get().newDatabase(hint), dir);
        }
    }

    /** The {@code --db} value. */
    public abstract String db();

    /** {@code --set} flags an in-process ingest command (backfill, validate) needs besides {@code --db}. */
    public abstract List<String> flags();

    /** Flags an in-process query command (it has only --db and --config) needs besides {@code --db}. */
    public abstract List<String> queryFlags();

    /** Environment a child {@code taclog} process needs (credentials). */
    public abstract Map<String, String> env();

    /** A connection to look at the rows (the caller closes it). */
    public abstract Connection connect() throws SQLException;

    public abstract Kind kind();

    /** {@code args} of an ingest command with {@code --db} and the credentials appended. */
    public String[] args(String... args) {
        return with(flags(), args);
    }

    /** {@code args} of a query command with {@code --db} and the credentials appended. */
    public String[] queryArgs(String... args) {
        return with(queryFlags(), args);
    }

    private String[] with(List<String> flags, String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.add("--db");
        a.add(db());
        a.addAll(flags);
        return a.toArray(String[]::new);
    }

    @Override
    public String toString() {
        return kind().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static final class SqliteFile extends Backend {
        private final Path file;

        SqliteFile(Path file) {
            this.file = file;
        }

        @Override
        public String db() {
            return file.toString();
        }

        @Override
        public List<String> flags() {
            return List.of();
        }

        @Override
        public List<String> queryFlags() {
            return List.of();
        }

        @Override
        public Map<String, String> env() {
            return Map.of();
        }

        @Override
        public Connection connect() throws SQLException {
            return DriverManager.getConnection("jdbc:sqlite:" + file);
        }

        @Override
        public Kind kind() {
            return Kind.SQLITE;
        }
    }

    private static final class Postgres extends Backend {
        private final String url;
        private final Path passwordFile;
        private final Path queryConfig;

        Postgres(String url, Path dir) {
            this.url = url;
            this.passwordFile = PostgresServer.get().passwordFile(dir);
            this.queryConfig = dir.resolve("postgres-credentials.properties");
            try {
                java.nio.file.Files.writeString(queryConfig, "taclog.db.user = " + PostgresServer.USER
                        + "\ntaclog.db.password-file = " + passwordFile + "\n");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Override
        public List<String> queryFlags() {
            return List.of("--config", queryConfig.toString());
        }

        @Override
        public String db() {
            return url;
        }

        @Override
        public List<String> flags() {
            return List.of("--set", "taclog.db.user=" + PostgresServer.USER, "--set",
                    "taclog.db.password-file=" + passwordFile);
        }

        @Override
        public Map<String, String> env() {
            return Map.of("TACLOG_DB_USER", PostgresServer.USER, "TACLOG_DB_PASSWORD", PostgresServer.PASSWORD);
        }

        @Override
        public Connection connect() throws SQLException {
            return DriverManager.getConnection(url, PostgresServer.USER, PostgresServer.PASSWORD);
        }

        @Override
        public Kind kind() {
            return Kind.POSTGRESQL;
        }
    }
}
