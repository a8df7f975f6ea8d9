package io.taclog.sink.dialect;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What differs between the two back ends, in one place (docs/architecture.md, "The dialect layer"): how a write
 * transaction begins, which failures are retried, where the migrations are, and the few catalogue questions the
 * code asks. The writers and queries keep one SQL text: PostgreSQL gets SQLite's handful of scalar functions from
 * its first migration and its connections rewrite SQLite's numbered parameters ({@link PostgresSql}), so nothing
 * else needs to ask which database it talks to.
 */
public interface Dialect {

    /** "sqlite" or "postgresql", for messages. */
    String name();

    /** The statement that opens a write transaction. */
    String beginWrite();

    /** A failure the writer retries with back-off (SQLite busy; PostgreSQL serialization failure or deadlock). */
    boolean isRetryable(SQLException e);

    /** Whether the connection itself is gone (the server restarted or dropped it): a new one is needed. */
    default boolean isConnectionLost(SQLException e) {
        return false;
    }

    /** How many times a retryable failure is retried before it is thrown (busy: for as long as it takes). */
    default int retryLimit(SQLException e) {
        return Integer.MAX_VALUE;
    }

    /** The classpath resource of a migration, given the SQLite one's (the PostgreSQL forms have the same numbers). */
    String migrationResource(String sqliteResource);

    /**
     * Inside a write transaction: waits until no other process changes the schema (PostgreSQL: sidecars of many hosts
     * may start at once on one database; SQLite's BEGIN IMMEDIATE already excludes every other writer).
     */
    default void lockSchema(Connection c) throws SQLException {
    }

    /** Whether {@code table} exists in the database's own (not temporary) schema. */
    boolean tableExists(Connection c, String table) throws SQLException;

    /** Whether {@code name} is a table or view a query can read (temporary views of archived months included). */
    boolean relationExists(Connection c, String name) throws SQLException;

    /** How many of the named triggers exist. */
    int triggersPresent(Connection c, java.util.Collection<String> names) throws SQLException;

    /**
     * Whether the features that exist on SQLite only for now are there: a bulk load's deferred indexes and fresh-load
     * file, the outbox's triggers, the split layout, archives and backups (docs/operations.md,
     * "PostgreSQL"). One flag, asked where such a feature starts, not in the writers.
     */
    boolean sqliteOnlyFeatures();

    /**
     * A statement of one value that changes whenever another connection has committed (or started writing) since it
     * was last asked: what the dashboard's live feed polls. It reads no table and takes no lock.
     */
    String changeCounter();

    /**
     * Whether a failure says the statement asked for something this back end does not have (a SQLite-only table,
     * pragma or function), rather than that something went wrong: a feature not built for this back end yet.
     */
    default boolean isMissingFeature(SQLException e) {
        return false;
    }

    /** The dialect of an open connection. */
    static Dialect of(Connection c) {
        return c instanceof org.sqlite.SQLiteConnection ? SqliteDialect.INSTANCE : PostgresDialect.INSTANCE;
    }

    /** Whether {@code sql} (one bound name) returns a row: the dialects' catalogue look-ups. */
    static boolean anyRow(Connection c, String sql, String name) throws SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, name);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** How many of {@code names} {@code sql} (one bound name, a count) finds. */
    static int countEach(Connection c, String sql, java.util.Collection<String> names) throws SQLException {
        int n = 0;
        try (java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
            for (String name : names) {
                ps.setString(1, name);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    n += rs.getInt(1);
                }
            }
        }
        return n;
    }
}
