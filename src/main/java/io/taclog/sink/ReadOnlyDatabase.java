package io.taclog.sink;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * Read-only connections (queries, validation, the dashboard): they never take the write lock, so they never
 * block the writer. Free of logging on purpose: a query that opens the database does not start the logging
 * system.
 */
public final class ReadOnlyDatabase {

    private ReadOnlyDatabase() {
    }

    /** Opens {@code path} read-only; fails when it does not exist (a read-only open never creates it). */
    public static Connection open(Path path, int busyTimeoutMillis) throws SQLException {
        if (!Files.isRegularFile(path)) {
            throw new SQLException("database " + path + " does not exist");
        }
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setReadOnly(true);
        cfg.setOpenMode(SQLiteOpenMode.READONLY);
        cfg.setBusyTimeout(busyTimeoutMillis);
        return cfg.createConnection("jdbc:sqlite:" + path);
    }
}
