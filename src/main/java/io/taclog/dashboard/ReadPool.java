package io.taclog.dashboard;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.taclog.archive.ArchiveViews;
import io.taclog.sink.ReadOnlyDatabase;
import io.taclog.sink.dialect.PostgresConnections;
import io.taclog.sink.dialect.PostgresTarget;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A few read-only connections shared by the request threads. A read-only connection never takes SQLite's write
 * lock, so the dashboard never blocks the writer; no read transaction stays open between requests (a long one would
 * keep the sidecar's checkpoints from finishing).
 *
 * <p>With archives included, each connection has the archived months attached behind TEMP views of the tables'
 * names ({@link ArchiveViews}), and each request runs in one read transaction that first checks the archived months
 * are still those attached: a month archived since (by the sidecar's daily archive or {@code taclog archive}) gets
 * the connection made again before the request reads anything, so no row is missed or counted twice.
 *
 * <p>On PostgreSQL the connections come from a small HikariCP pool of read-only connections, and each request runs
 * in one {@code REPEATABLE READ READ ONLY} transaction: every statement of a page reads the same snapshot, as a
 * page over archives does on SQLite, and the transaction ends (rolled back: it wrote nothing) before the connection
 * goes back to the pool. There are no archives on PostgreSQL (archiving is SQLite-only).
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
            this("the database is busy; try again");
        }

        Busy(String message) {
            super(message);
        }
    }

    /** A pool slot: its connection, or null until first used (or after a failure), and the archives it attached. */
    private static final class Slot {
        Connection connection;
        List<ArchiveViews.Attached> archives;
    }

    /** How long a request waits for a free connection before it is answered 503. */
    private static final long WAIT_MILLIS = 5000;

    private final Path db;
    private final BlockingQueue<Slot> idle;
    private final boolean includeArchives;
    /** PostgreSQL: the pool; null for a SQLite file. */
    private final HikariDataSource postgres;
    private volatile boolean closed;

    public ReadPool(Path db, int size) {
        this(db, size, false);
    }

    public ReadPool(Path db, int size, boolean includeArchives) {
        this.db = db;
        this.includeArchives = includeArchives;
        this.postgres = null;
        this.idle = new ArrayBlockingQueue<>(size);
        for (int i = 0; i < size; i++) {
            idle.add(new Slot());
        }
    }

    private ReadPool(HikariDataSource postgres) {
        this.db = null;
        this.includeArchives = false;
        this.postgres = postgres;
        this.idle = new ArrayBlockingQueue<>(1);
    }

    /**
     * At most {@code size} read-only connections to a PostgreSQL database, opened when first needed (a server that
     * is down at start makes requests fail, not the start).
     */
    public static ReadPool postgres(PostgresTarget target, int size) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(target.url());
        cfg.setDataSourceProperties(target.properties());
        cfg.setReadOnly(true);
        cfg.setAutoCommit(false); // the first statement of a request begins its transaction...
        cfg.setTransactionIsolation("TRANSACTION_REPEATABLE_READ"); // ...of one snapshot, READ ONLY
        cfg.setMaximumPoolSize(size);
        cfg.setMinimumIdle(0);
        cfg.setConnectionTimeout(WAIT_MILLIS);
        cfg.setPoolName("taclog-dashboard");
        cfg.setInitializationFailTimeout(-1);
        return new ReadPool(new HikariDataSource(cfg));
    }

    /** Runs work on a free connection (opened on first use, reopened after a failure). */
    public <T> T with(Work<T> work) throws SQLException {
        if (closed) {
            throw new Busy();
        }
        if (postgres != null) {
            return withPostgres(work);
        }
        Slot slot;
        try {
            slot = idle.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
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
                slot.archives = null;
            }
            T result = includeArchives ? withArchives(slot, work) : work.run(slot.connection);
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

    /**
     * Runs the work in one read transaction over the database and the archives it lists in that transaction,
     * attaching them again first when they are not those the connection has.
     */
    private <T> T withArchives(Slot slot, Work<T> work) throws SQLException {
        Connection c = slot.connection;
        c.setAutoCommit(false);
        List<ArchiveViews.Attached> now = ArchiveViews.listed(c, db); // the first read: the snapshot starts here
        if (!now.equals(slot.archives)) {
            c.rollback();
            c.setAutoCommit(true);
            if (slot.archives != null) {
                // views and attachments of other months: a fresh connection is simpler than undoing them
                quietClose(c);
                slot.connection = null;
                c = ReadOnlyDatabase.open(db, 2000);
                slot.connection = c;
            }
            slot.archives = ArchiveViews.attach(c, db); // leaves its own read transaction open, checked
        }
        try {
            return work.run(c);
        } finally {
            c.rollback(); // only reads: ends the transaction
            c.setAutoCommit(true);
        }
    }

    /** Runs the work in one read-only transaction on a pooled PostgreSQL connection, and ends the transaction. */
    private <T> T withPostgres(Work<T> work) throws SQLException {
        Connection pooled;
        try {
            pooled = postgres.getConnection();
        } catch (SQLTransientConnectionException e) {
            // every connection busy for WAIT_MILLIS, or the server not answering: 503, try again
            throw new Busy("no database connection within " + WAIT_MILLIS / 1000 + " s; try again ("
                    + e.getMessage() + ")");
        }
        try (Connection c = PostgresConnections.wrap(pooled)) { // closing it returns it to the pool
            try {
                return work.run(c);
            } finally {
                try {
                    c.rollback(); // only reads: ends the transaction (and one a failed statement aborted)
                } catch (SQLException e) {
                    // the connection is gone: the pool drops it; the work's own failure is what the request reports
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (postgres != null) {
            postgres.close();
            return;
        }
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
