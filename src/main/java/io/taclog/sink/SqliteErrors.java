package io.taclog.sink;

import java.sql.SQLException;
import org.sqlite.SQLiteException;

/** Classifies SQLite failures: a busy or locked database is retried, anything else is an error. */
public final class SqliteErrors {

    private static final int SQLITE_BUSY = 5;
    private static final int SQLITE_LOCKED = 6;

    private SqliteErrors() {
    }

    public static boolean isBusy(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLiteException se) {
                int primary = se.getResultCode().code & 0xFF;
                return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
            }
            if (t instanceof SQLException sq) {
                int primary = sq.getErrorCode() & 0xFF;
                if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
                    return true;
                }
                String m = String.valueOf(sq.getMessage());
                if (m.contains("SQLITE_BUSY") || m.contains("SQLITE_LOCKED") || m.contains("database is locked")) {
                    return true;
                }
            }
        }
        return false;
    }
}
