package io.taclog.sink.dialect;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Set;

/** PostgreSQL (docs/operations.md, "PostgreSQL"): many sidecars, one database. */
public final class PostgresDialect implements Dialect {

    public static final PostgresDialect INSTANCE = new PostgresDialect();

    /** serialization_failure, deadlock_detected, lock_not_available: the transaction is simply run again. */
    /** undefined_table, undefined_function, feature_not_supported: SQLite's SQL that PostgreSQL has no form of. */
    private static final Set<String> MISSING = Set.of("42P01", "42883", "0A000");
    private static final Set<String> RETRIED = Set.of("40001", "40P01", "55P03");
    /**
     * unique_violation: two sidecars that read "absent" at once and both insert the same natural key; run again,
     * the later one sees the earlier one's row and takes its ON CONFLICT or existing-row path.
     */
    public static final String UNIQUE_VIOLATION = "23505";

    private PostgresDialect() {
    }

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public String beginWrite() {
        return "BEGIN"; // READ COMMITTED; the file registry row's lock orders two writers of one file
    }

    @Override
    public boolean isRetryable(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null
                    && (RETRIED.contains(s.getSQLState()) || UNIQUE_VIOLATION.equals(s.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean isConnectionLost(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null && (s.getSQLState().startsWith("08")
                    || s.getSQLState().startsWith("57P"))) { // connection exception; admin shutdown, crash, starting
                return true;
            }
        }
        return false;
    }

    @Override
    public int retryLimit(SQLException e) {
        return UNIQUE_VIOLATION.equals(e.getSQLState()) ? 5 : Integer.MAX_VALUE; // a real duplicate fails soon
    }

    @Override
    public String migrationResource(String sqliteResource) {
        return sqliteResource.replace("db/migration/", "db/migration-postgres/");
    }

    @Override
    public void lockSchema(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext('taclog schema'))")) {
            ps.execute();
        }
    }

    @Override
    public boolean tableExists(Connection c, String table) throws SQLException {
        return Dialect.anyRow(c, "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() "
                + "AND table_name = ?", table);
    }

    @Override
    public boolean relationExists(Connection c, String name) throws SQLException {
        return tableExists(c, name); // information_schema.tables lists views too
    }

    @Override
    public int triggersPresent(Connection c, Collection<String> names) throws SQLException {
        return Dialect.countEach(c, "SELECT COUNT(*) FROM pg_trigger WHERE tgname = ? AND NOT tgisinternal", names);
    }

    @Override
    public boolean sqliteOnlyFeatures() {
        return false;
    }

    /**
     * The server's transaction snapshot (the oldest running transaction id, the next one to be given out, those
     * running): it moves when any transaction starts writing or ends, so a commit is seen at the first look after
     * it, updates in place included, without reading a table. It is the server's, not the database's: writes into
     * another database of the same server move it too (a page then fetches its data once more for nothing).
     */
    @Override
    public String changeCounter() {
        return "SELECT pg_current_snapshot()::text";
    }

    @Override
    public boolean isMissingFeature(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null && MISSING.contains(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
