package io.taclog.sink;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * Copies the write-ahead log into the database file on a thread of its own.
 *
 * <p>SQLite's automatic checkpoint runs inside the COMMIT of whichever transaction pushes the log past its
 * threshold, and with {@code synchronous=NORMAL} it ends with an fsync: during a backfill that is most of
 * the time of every commit (measured: 60-200 ms of a 5,000-line batch's commit, 20-60 ms without it). Here the
 * writer's connection never checkpoints; this thread, with its own connection, runs a PASSIVE checkpoint
 * (it never blocks the writer or readers) after commits have added to the log, at most every
 * {@code minIntervalMillis}. Frames a reader still needs stay in the log until a later pass.
 */
final class Checkpointer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Checkpointer.class);

    private final Connection connection;
    private final long minIntervalMillis;
    private final Thread thread;
    private final Object signal = new Object();
    private boolean dirty;
    private volatile boolean running = true;

    Checkpointer(Path path, int busyTimeoutMillis, long minIntervalMillis) throws SQLException {
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setBusyTimeout(busyTimeoutMillis);
        this.connection = cfg.createConnection("jdbc:sqlite:" + path);
        this.minIntervalMillis = minIntervalMillis;
        this.thread = new Thread(this::loop, "taclog-checkpointer");
        thread.setDaemon(true);
        thread.start();
    }

    /** A commit added frames to the log. */
    void committed() {
        synchronized (signal) {
            dirty = true;
            signal.notifyAll();
        }
    }

    private void loop() {
        while (running) {
            try {
                synchronized (signal) {
                    while (!dirty && running) {
                        signal.wait();
                    }
                    dirty = false;
                }
                if (!running) {
                    return;
                }
                checkpoint();
                Thread.sleep(minIntervalMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void checkpoint() {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            if (rs.next() && LOG.isTraceEnabled()) {
                LOG.trace("checkpoint: busy {}, log {} frames, {} copied", rs.getInt(1), rs.getInt(2), rs.getInt(3));
            }
        } catch (SQLException e) {
            LOG.debug("checkpoint skipped: {}", e.getMessage()); // the next commit asks again
        }
    }

    @Override
    public void close() {
        running = false;
        synchronized (signal) {
            signal.notifyAll();
        }
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.debug("closing the checkpointer: {}", e.getMessage());
        }
    }
}
