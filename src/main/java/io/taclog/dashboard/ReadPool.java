package io.taclog.dashboard;

import io.taclog.sink.ReadOnlyDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A few read-only connections shared by the request threads. A read-only connection never takes SQLite's write
 * lock, so the dashboard never blocks the writer; each request's statements run in autocommit, so no read
 * transaction stays open between requests (a long one would keep the sidecar's checkpoints from finishing).
 */
public final class ReadPool implements AutoCloseable {

    /** A piece of work on one connection. */
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /** No connection was free in time: the server answers 503. */
    public static final class Busy extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Busy() {
            super("the database is busy; try again");
        }
    }

    /** A pool slot: its connection, or null until first used (or after a failure). */
    private static final class Slot {
        Connection connection;
    }

    private final Path db;
    private final BlockingQueue<Slot> idle;
    private volatile boolean closed;

    public ReadPool(Path db, int size) {
        this.db = db;
        this.idle = new ArrayBlockingQueue<>(size);
        for (int i = 0; i < size; i++) {
            idle.add(new Slot());
        }
    }

    /** Runs work on a free connection (opened on first use, reopened after a failure). */
    public <T> T with(Work<T> work) throws SQLException {
        if (closed) {
            throw new Busy();
        }
        Slot slot;
        try {
            slot = idle.poll(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Busy();
        }
        if (slot == null) {
            throw new Busy();
        }
        boolean healthy = false;
        try {
            if (slot.connection == null) {
                slot.connection = ReadOnlyDatabase.open(db, 2000);
            }
            T result = work.run(slot.connection);
            healthy = true;
            return result;
        } finally {
            if (!healthy || closed) {
                // a failed statement may have left the connection unusable (the file replaced, an I/O error):
                // the next request opens a fresh one
                quietClose(slot.connection);
                slot.connection = null;
            }
            idle.add(slot);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Slot s : idle) {
            quietClose(s.connection);
            s.connection = null;
        }
    }

    private static void quietClose(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException ignored) {
            // closing
        }
    }
}
