package io.taclog.sink.dialect;

import io.taclog.sink.SqliteErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;

/** SQLite: the back end taclog was built on; everything here is what the code did before the dialect layer. */
public final class SqliteDialect implements Dialect {

    public static final SqliteDialect INSTANCE = new SqliteDialect();

    private SqliteDialect() {
    }

    @Override
    public String name() {
        return "sqlite";
    }

    @Override
    public String beginWrite() {
        return "BEGIN IMMEDIATE"; // the write lock up front: no deadlock between two writers upgrading
    }

    @Override
    public boolean isRetryable(SQLException e) {
        return SqliteErrors.isBusy(e);
    }

    @Override
    public String migrationResource(String sqliteResource) {
        return sqliteResource;
    }

    @Override
    public boolean tableExists(Connection c, String table) throws SQLException {
        return Dialect.anyRow(c, "SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = ?", table);
    }

    @Override
    public boolean relationExists(Connection c, String name) throws SQLException {
        return Dialect.anyRow(c, "SELECT 1 FROM pragma_table_list WHERE type IN ('table', 'view', 'virtual') "
                + "AND name = ?", name);
    }

    @Override
    public int triggersPresent(Connection c, Collection<String> names) throws SQLException {
        return Dialect.countEach(c, "SELECT COUNT(*) FROM main.sqlite_master WHERE type = 'trigger' AND name = ?",
                names);
    }

    @Override
    public boolean sqliteOnlyFeatures() {
        return true;
    }

    @Override
    public String changeCounter() {
        return "PRAGMA data_version"; // a counter in the WAL's shared memory, bumped by other connections' commits
    }
}
