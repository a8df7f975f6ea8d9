package io.taclog.archive;

import io.taclog.maintenance.Backup;
import io.taclog.model.Times;
import io.taclog.schema.Migrations;
import io.taclog.schema.Migrator;
import io.taclog.sink.ReadOnlyDatabase;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * An archive file: the database's schema (every migration), the month's rows, and two tables of its own that say what
 * it is ({@code archive_info}: month, source database, snapshot time) and what it holds ({@code archive_tables}: rows
 * and SHA-256 per table, and how many of them left the database). Written once under a temporary name, never changed
 * after it gets its name.
 */
final class ArchiveFile {

    /** What an archive says about itself. */
    record Manifest(ArchiveMonth month, String source, Instant snapshotAt, int schemaVersion,
                    Map<String, TableSum> tables) {

        long rows() {
            return tables.values().stream().mapToLong(TableSum::rows).sum();
        }

        long moved() {
            return tables.values().stream().mapToLong(TableSum::moved).sum();
        }
    }

    private ArchiveFile() {
    }

    /**
     * Copies the month's rows of {@code db}, read from one snapshot, into the new file {@code partial}, with their
     * checksums computed from that same snapshot. {@code midCopy} runs inside the copy (a test stops there as a crash
     * would).
     */
    static Manifest write(Path db, Path partial, ArchiveMonth month, Clock clock, int busyTimeoutMillis,
                          Runnable midCopy) throws SQLException {
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setOpenMode(SQLiteOpenMode.OPEN_URI); // so that the source is attached read-only ("mode=ro")
        cfg.setBusyTimeout(busyTimeoutMillis);
        // a file nothing reads until it is complete, deleted if anything fails: no journal on disk, no fsync until
        // the end (the caller forces it to disk before it gets its name)
        cfg.setJournalMode(SQLiteConfig.JournalMode.MEMORY);
        cfg.setSynchronous(SQLiteConfig.SynchronousMode.OFF);
        cfg.setTempStore(SQLiteConfig.TempStore.MEMORY);
        try (Connection c = cfg.createConnection("jdbc:sqlite:" + partial)) {
            c.setAutoCommit(false);
            Migrator.createSchema(c);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE archive_info (month TEXT NOT NULL, source TEXT NOT NULL, snapshot_at TEXT "
                        + "NOT NULL, written_at TEXT NOT NULL, schema_version INTEGER NOT NULL)");
                s.execute("CREATE TABLE archive_tables (table_name TEXT PRIMARY KEY, rows INTEGER NOT NULL, sha256 "
                        + "TEXT NOT NULL, moved INTEGER NOT NULL, moved_sha256 TEXT NOT NULL) WITHOUT ROWID");
            }
            c.commit();
            c.setAutoCommit(true);
            try (PreparedStatement ps = c.prepareStatement("ATTACH DATABASE ? AS " + MonthSelection.SOURCE)) {
                ps.setString(1, db.toAbsolutePath().toUri() + "?mode=ro");
                ps.execute();
            }
            SplitArchive.attachSource(c); // the split layout's conversations, from their own file
            Manifest m;
            c.setAutoCommit(false);
            try {
                // the first read of each file starts its read transaction: every statement up to the commit sees
                // that one snapshot, however much the sidecar commits meanwhile. The conversations file is read first,
                // as a backup does: the database's snapshot is then at most its commits ahead, and the delete
                // compares the rows again with the database as it is then, so a drift is copied again, never lost
                SplitArchive.startSnapshot(c);
                int version = version(c, MonthSelection.SOURCE);
                Instant snapshotAt = clock.instant();
                MonthSelection.select(c, MonthSelection.SOURCE, month);
                try (Statement s = c.createStatement()) {
                    for (ArchivedTable t : ArchivedTables.ALL) {
                        String from = MonthSelection.schemaOf(c, MonthSelection.SOURCE, t.name());
                        s.executeUpdate(MonthSelection.copy(t, from, Columns.of(c, from, t.name())));
                    }
                }
                midCopy.run();
                Map<String, TableSum> sums = Checksums.selection(c, MonthSelection.SOURCE);
                m = new Manifest(month, source(db), snapshotAt, version, sums);
                writeManifest(c, m, clock.instant());
                MonthSelection.drop(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
            c.setAutoCommit(true);
            SplitArchive.detachSource(c);
            try (Statement s = c.createStatement()) {
                s.execute("DETACH DATABASE " + MonthSelection.SOURCE);
                s.execute("PRAGMA journal_mode = DELETE"); // a published archive is one self-contained file
            }
            return m;
        }
    }

    /** The database as an archive names its source: the absolute, normalised path. */
    static String source(Path db) {
        return db.toAbsolutePath().normalize().toString();
    }

    private static int version(Connection c, String schema) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM " + schema + ".schema_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private static void writeManifest(Connection c, Manifest m, Instant writtenAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO archive_info(month, source, snapshot_at, "
                + "written_at, schema_version) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, m.month().toString());
            ps.setString(2, m.source());
            ps.setString(3, Times.format(m.snapshotAt()));
            ps.setString(4, Times.format(writtenAt));
            ps.setInt(5, m.schemaVersion());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO archive_tables(table_name, rows, sha256, moved, "
                + "moved_sha256) VALUES (?, ?, ?, ?, ?)")) {
            for (var e : m.tables().entrySet()) {
                ps.setString(1, e.getKey());
                ps.setLong(2, e.getValue().rows());
                ps.setString(3, e.getValue().sha256());
                ps.setLong(4, e.getValue().moved());
                ps.setString(5, e.getValue().movedSha256());
                ps.executeUpdate();
            }
        }
    }

    /** Forces the file's bytes to disk (it was written without fsync). */
    static void force(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /**
     * Gives the archive its name without ever replacing a file that is there (a hard link fails if the name is
     * taken), then makes the rename durable.
     */
    static void publish(Path partial, Path target) throws IOException {
        try {
            Files.createLink(target, partial);
            Files.delete(partial);
        } catch (FileAlreadyExistsException e) {
            throw new ArchiveRefused("archive target " + target + " appeared while the archive was written; it is "
                    + "left as it is");
        } catch (UnsupportedOperationException | IOException e) {
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new ArchiveRefused("archive target " + target + " appeared while the archive was written");
            }
            Files.move(partial, target); // a file system without hard links; without REPLACE_EXISTING
        }
        syncDirectory(target.toAbsolutePath().getParent());
    }

    /** A rename is durable once its directory is on disk (where the file system lets a directory be forced). */
    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            // some file systems cannot force a directory; the file itself is on disk
        }
    }

    /** The manifest of {@code file} if it is a taclog archive (any month, any source); empty for anything else. */
    static Optional<Manifest> manifest(Path file, int busyTimeoutMillis) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try (Connection c = ReadOnlyDatabase.open(file, busyTimeoutMillis)) {
            return Optional.of(readManifest(c, "main"));
        } catch (SQLException | RuntimeException e) {
            return Optional.empty(); // not SQLite, or SQLite without an archive's tables: someone else's file
        }
    }

    /** Reads the manifest tables of an archive opened or attached as {@code schema} (a constant). */
    static Manifest readManifest(Connection c, String schema) throws SQLException {
        Manifest info;
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT month, source, snapshot_at, schema_version FROM " + schema
                     + ".archive_info")) {
            if (!rs.next()) {
                throw new SQLException("archive_info is empty");
            }
            info = new Manifest(ArchiveMonth.parse(rs.getString(1)), rs.getString(2),
                    Times.parseOrNull(rs.getString(3)), rs.getInt(4), Map.of());
        }
        Map<String, TableSum> tables = new LinkedHashMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT table_name, rows, sha256, moved, moved_sha256 FROM " + schema
                     + ".archive_tables")) {
            while (rs.next()) {
                tables.put(rs.getString(1), new TableSum(rs.getLong(2), rs.getString(3), rs.getLong(4),
                        rs.getString(5)));
            }
        }
        return new Manifest(info.month(), info.source(), info.snapshotAt(), info.schemaVersion(), tables);
    }

    /**
     * Reads a published archive again from disk: {@code PRAGMA quick_check}, its month, and the rows and checksum of
     * every table against {@code expected}. The problems found; empty when it is sound and complete.
     */
    static List<String> verify(Path file, ArchiveMonth month, Map<String, TableSum> expected, int busyTimeoutMillis) {
        List<String> problems = new ArrayList<>();
        try (Connection c = ReadOnlyDatabase.open(file, busyTimeoutMillis)) {
            String check = Backup.quickCheck(c);
            if (!"ok".equals(check)) {
                problems.add("PRAGMA quick_check: " + check);
                return problems;
            }
            Manifest m = readManifest(c, "main");
            if (!m.month().equals(month)) {
                problems.add("it says it holds " + m.month() + ", not " + month);
            }
            if (m.schemaVersion() != Migrations.latestVersion()) {
                problems.add("its schema version is " + m.schemaVersion());
            }
            Map<String, Checksums.Sum> actual = Checksums.whole(c, "main");
            for (var e : expected.entrySet()) {
                Checksums.Sum a = actual.get(e.getKey());
                if (a == null || a.rows() != e.getValue().rows() || !a.sha256().equals(e.getValue().sha256())) {
                    problems.add(e.getKey() + ": " + (a == null ? "missing" : a.rows() + " rows, sha256 "
                            + a.sha256().substring(0, 12)) + " where the snapshot had " + e.getValue().rows()
                            + " rows, sha256 " + e.getValue().sha256().substring(0, 12));
                }
            }
        } catch (SQLException | RuntimeException e) {
            problems.add("cannot be read: " + e.getMessage());
        }
        return problems;
    }
}
