package io.taclog.cli;

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
                new SQLiteConfig();
            } catch (Exception | LinkageError e) {
                // the command opens the database itself and reports what went wrong
            }
        }, "taclog-driver-warm-up");
        t.setDaemon(true);
        t.start();
    }
}
