package io.taclog.maintenance;

import io.taclog.schema.Migrations;
import io.taclog.sink.ConversationsFile;
import io.taclog.sink.ReadOnlyDatabase;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.sqlite.SQLiteConnection;

/**
 * A consistent copy of a database that another process (the sidecar) may be writing, validated before it
 * gets its name.
 *
 * <p>Why SQLite's online backup API in one step, inside a read transaction, and not {@code VACUUM INTO}: both
 * read one snapshot through a read-only connection, and in WAL mode a reader neither takes nor waits for the
 * writer's lock, so the sidecar goes on committing meanwhile. But {@code VACUUM INTO} cannot run inside a
 * transaction, so the row counts it is checked against would come from another snapshot, and with a busy
 * writer they would never match. {@code sqlite3_backup_step(-1)} on a connection that already holds a read
 * transaction copies every page of that transaction's snapshot, the very one the counts were read from
 * (stepping a few pages at a time instead would restart whenever the writer commits, and might never end).
 * The price: the copy keeps the source's free pages, where {@code VACUUM INTO} would have compacted them.
 *
 * <p>The copy is written to a hidden temporary file in the target's directory, switched to a rollback journal
 * (one self-contained file, which read-only opens need no {@code -shm} for), checked with
 * {@code PRAGMA quick_check} and its row counts, and only then linked to its name; a failure leaves nothing.
 */
public final class Backup {

    /** A validated copy; {@code conversations} is the copy of a split database's conversations file, else null. */
    public record Result(Path target, long bytes, Duration took, Instant takenAt, int schemaVersion,
                         Map<String, Long> rows, Path conversations) {
    }

    /** Where the copy of a split database's conversations file goes: beside the copy, named after it. */
    public static Path conversationsTarget(Path target) {
        return target.resolveSibling(target.getFileName() + ".conversations");
    }

    private final int busyTimeoutMillis;
    private final Clock clock;

    public Backup(int busyTimeoutMillis, Clock clock) {
        this.busyTimeoutMillis = busyTimeoutMillis;
        this.clock = clock;
    }

    /** Refuses (with {@link BackupRefused}) a missing source, an existing target or an unusable directory. */
    public static void checkInputs(Path source, Path target) {
        if (!Files.isRegularFile(source)) {
            throw new BackupRefused("database " + source + " does not exist");
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new BackupRefused("backup target " + target + " already exists; it is left as it is (choose a "
                    + "new name)");
        }
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new BackupRefused("the directory of backup target " + target + " does not exist");
        }
        if (!Files.isWritable(dir)) {
            throw new BackupRefused("the directory of backup target " + target + " is not writable");
        }
        if (Files.exists(conversationsTarget(target), LinkOption.NOFOLLOW_LINKS)) {
            throw new BackupRefused("backup target " + conversationsTarget(target) + " (the copy of the "
                    + "conversations file) already exists; it is left as it is (choose a new name)");
        }
    }

    /** Copies {@code source} to {@code target}, validates the copy and returns what was written. */
    public Result take(Path source, Path target) throws SQLException, IOException {
        checkInputs(source, target);
        long started = System.nanoTime();
        Path dir = target.toAbsolutePath().getParent();
        Path partial = Files.createTempFile(dir, "." + target.getFileName() + ".", ".partial");
        Path partialConversations = Files.createTempFile(dir, "." + target.getFileName() + ".", ".conv.partial");
        try {
            Snapshot snapshot = copy(source, partial, partialConversations);
            singleFile(partial);
            Path conversations = null;
            if (snapshot.split) {
                singleFile(partialConversations);
                linkTo(partial, partialConversations); // the check below reads the copy's own conversations
            }
            verify(partial, snapshot);
            if (snapshot.split) {
                conversations = conversationsTarget(target);
                linkTo(partial, conversations.toAbsolutePath());
                publish(partialConversations, conversations); // first: a published copy always has its second file
            }
            publish(partial, target);
            return new Result(target, Files.size(target), Duration.ofNanos(System.nanoTime() - started),
                    snapshot.takenAt, snapshot.version, snapshot.rows, conversations);
        } finally {
            Files.deleteIfExists(partial);
            Files.deleteIfExists(partialConversations);
        }
    }

    /** Points a copy's link at its own conversations file (the writer follows it there when the copy is used). */
    private static void linkTo(Path copy, Path conversations) throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + copy);
             java.sql.PreparedStatement ps = c.prepareStatement("UPDATE " + ConversationsFile.LINK_TABLE
                     + " SET path = ? WHERE id = 1")) {
            ps.setString(1, conversations.toString());
            ps.executeUpdate();
        }
    }

    private record Snapshot(Instant takenAt, int version, Map<String, Long> rows, boolean split) {
    }

    private Snapshot copy(Path source, Path partial, Path partialConversations) throws SQLException {
        try (Connection c = ReadOnlyDatabase.open(source, busyTimeoutMillis)) {
            ConversationsFile.Link link = ConversationsFile.link(c);
            boolean split = link != null && link.split();
            if (split && !ConversationsFile.attached(c)) {
                throw new BackupRefused("the conversations file of " + source + " (" + link.path() + ") cannot be "
                        + "read; a backup without it would not be whole");
            }
            c.setAutoCommit(false); // the counts and the copy share one read transaction, hence one snapshot
            for (int attempt = 1; ; attempt++) {
                try {
                    if (split && !readPairedSnapshots(c)) {
                        if (attempt < 50) {
                            continue; // the writer committed between the two files' reads: read again
                        }
                        throw new SQLException("no snapshot of both files within one commit of each other");
                    }
                    int version = Migrations.readVersion(c);
                    if (version == 0) {
                        throw new BackupRefused("database " + source + " is not a taclog database (no schema)");
                    }
                    Map<String, Long> rows = Tables.rowCounts(c);
                    Instant takenAt = clock.instant();
                    backup(c, "main", partial, source);
                    if (split) {
                        backup(c, ConversationsFile.SCHEMA, partialConversations, source);
                    }
                    return new Snapshot(takenAt, version, rows, split);
                } finally {
                    c.rollback(); // ends the read transaction: nothing was written
                }
            }
        }
    }

    /**
     * Starts the read transaction's snapshots of a split database: the conversations file first, then the main file,
     * which the writer commits first. The pair is usable when the main file is at most one commit ahead: a copy
     * one commit ahead is the state a crash between the two commits leaves, which the next writer repairs.
     */
    private static boolean readPairedSnapshots(Connection c) throws SQLException {
        long conversations = Backup.scalar(c, "SELECT seq FROM " + ConversationsFile.SCHEMA + "."
                + ConversationsFile.FILE_TABLE);
        long main = Backup.scalar(c, "SELECT seq FROM main." + ConversationsFile.LINK_TABLE);
        return main - conversations <= 1;
    }

    private static long scalar(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private void backup(Connection c, String schema, Path to, Path source) throws SQLException {
        int rc = ((SQLiteConnection) c).getDatabase().backup(schema, to.toString(), null,
                100, Math.max(1, busyTimeoutMillis / 100), -1);
        if (rc != 0) {
            throw new SQLException("the backup of " + source + " (" + schema + ") failed (SQLite result code " + rc
                    + ")");
        }
    }

    /** The copy carries the source's WAL mode; a backup is one file, so it gets a rollback journal instead. */
    private static void singleFile(Path partial) throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + partial);
             Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode = DELETE");
        }
    }

    private void verify(Path partial, Snapshot snapshot) throws SQLException {
        try (Connection c = ReadOnlyDatabase.open(partial, busyTimeoutMillis)) {
            String check = quickCheck(c);
            if (!"ok".equals(check)) {
                throw new SQLException("the copy failed PRAGMA quick_check: " + check);
            }
            Map<String, Long> copied = Tables.rowCounts(c);
            if (!copied.equals(snapshot.rows)) {
                throw new SQLException("the copy's row counts " + copied + " differ from the source's "
                        + snapshot.rows);
            }
        }
    }

    /** {@code PRAGMA quick_check}'s answer, its lines joined ("ok" for a sound file). */
    public static String quickCheck(Connection c) throws SQLException {
        StringBuilder sb = new StringBuilder();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA quick_check")) {
            while (rs.next()) {
                if (!sb.isEmpty()) {
                    sb.append("; ");
                }
                sb.append(rs.getString(1));
            }
        }
        return sb.toString();
    }

    /** Gives the copy its name without ever replacing a file that appeared there meanwhile. */
    private static void publish(Path partial, Path target) throws IOException {
        try {
            Files.createLink(target, partial); // fails if the target exists: no check-then-rename race
        } catch (FileAlreadyExistsException e) {
            throw new BackupRefused("backup target " + target + " appeared while the copy was written; it is "
                    + "left as it is");
        } catch (UnsupportedOperationException | IOException e) {
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new BackupRefused("backup target " + target + " appeared while the copy was written");
            }
            Files.move(partial, target); // a file system without hard links; without REPLACE_EXISTING
        }
    }
}
