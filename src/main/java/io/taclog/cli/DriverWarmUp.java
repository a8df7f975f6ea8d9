package io.taclog.cli;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteJDBCLoader;

/**
 * Starts the SQLite driver on the second core while the first parses the command line. Loading the native
 * library and the driver's date formats (which pull in the JDK's locale and time-zone data) cost a query
 * about 0.1 s before the first statement; picocli's own start costs as much. Done in parallel, a query
 * waits for whichever is slower, not for both.
 */
final class DriverWarmUp {

    private DriverWarmUp() {
    }

    static void start() {
        Thread t = new Thread(() -> {
            try {
                SQLiteJDBCLoader.initialize();
                SQLiteConfig config = new SQLiteConfig();
                // one statement through an in-memory database: the driver's connection, statement and result
                // classes are loaded and initialised here, not after the command line is parsed
                try (Connection c = config.createConnection("jdbc:sqlite::memory:");
                     PreparedStatement ps = c.prepareStatement("SELECT ?, 1.5, 'x'")) {
                    ps.setString(1, "warm");
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rs.getString(1);
                            rs.getDouble(2);
                        }
                    }
                }
            } catch (Exception | LinkageError e) {
                // the command opens the database itself and reports what went wrong
            }
        }, "taclog-driver-warm-up");
        t.setDaemon(true);
        t.start();
    }
}
