package io.taclog.archive;

import io.taclog.search.SearchIndex;
import io.taclog.sink.Database;
import io.taclog.sink.ReadOnlyDatabase;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Moves one month's rows out of the database into {@code logs-YYYY-MM.db} (docs/storage.md, "Archives"), as a
 * sequence of recorded states that a run interrupted anywhere resumes from:
 * <ol>
 *   <li>copy: the month's rows, read from one snapshot, into a hidden temporary file in the archive directory
 *   (a crash here leaves only that file, which the next run deletes);</li>
 *   <li>publish: the file gets its name (never replacing another file) and the month is recorded as
 *   {@code copied} with the snapshot's row counts and checksums (a crash between the two leaves an archive that
 *   says which database and month it holds: the next run adopts it);</li>
 *   <li>verify: the published file is read again from disk, {@code quick_check} and every table's rows and SHA-256
 *   equal to the snapshot's; then {@code verified};</li>
 *   <li>delete: in one write transaction of the database, the month's rows are worked out again as the database is
 *   now; only if the rows that leave are exactly those archived (count and checksum per table) are they deleted,
 *   and the month becomes {@code deleted} in that same transaction. If the database changed since the snapshot (the
 *   sidecar stored a late row of the month, or updated one), the archive is thrown away and copied again.</li>
 * </ol>
 * A month in state {@code deleted} is done: running again changes nothing. Bad input is refused with
 * {@link ArchiveRefused} before anything is written.
 */
public final class Archiver {

    /** The points between the steps, where a test stops a run as a crash would. */
    public enum Step { COPYING, WRITTEN, PUBLISHED, RECORDED, VERIFIED, DELETED }

    /** Called at each {@link Step}; a test throws from it to simulate a crash there. */
    @FunctionalInterface
    public interface Hook {
        void reached(Step step, ArchiveMonth month);
    }

    public static final Hook NO_HOOK = (step, month) -> { };

    /** Copies written in one run before it gives up on a month that keeps changing under it. */
    static final int ATTEMPTS = 3;

    /**
     * What a run did.
     *
     * @param startedFrom the month's state when the run began: {@code none}, {@code copied}, {@code verified},
     *                    {@code deleted}, or {@code adopted} (a published archive nobody had recorded yet)
     * @param archivedNow whether this run deleted the month's rows from the database
     * @param copies archives this run wrote (more than one: the month changed during a run and was copied again)
     * @param lateRows rows dated in the month that are in the database although the month is archived
     */
    public record Outcome(ArchiveMonth month, Path file, ArchiveLog.Entry entry, String startedFrom,
                          boolean archivedNow, int copies, long lateRows, Duration took) {
    }

    private final Database db;
    private final Path dir;
    private final int busyTimeoutMillis;
    private final Clock clock;
    private final Hook hook;

    /**
     * @param db the database, through its writer (records and the delete wait for the sidecar's lock like any
     *           writer); the copy reads it through a connection of its own and never blocks the writer
     * @param dir where archive files go
     */
    public Archiver(Database db, Path dir, int busyTimeoutMillis, Clock clock, Hook hook) {
        this.db = db;
        this.dir = dir.toAbsolutePath().normalize();
        this.busyTimeoutMillis = busyTimeoutMillis;
        this.clock = clock;
        this.hook = hook;
    }

    public Path dir() {
        return dir;
    }

    private record State(Optional<ArchiveLog.Entry> entry, Optional<ArchiveFile.Manifest> adoptable) {
    }

    /** Archives {@code month}, resuming from its recorded state; see the class comment. */
    public Outcome archive(ArchiveMonth month) throws SQLException, IOException {
        long t0 = System.nanoTime();
        Path target = dir.resolve(month.fileName());
        State first = inspect(month, target);
        if (first.entry().isPresent() && ArchiveLog.DELETED.equals(first.entry().get().state())) {
            return done(month, first.entry().get(), t0);
        }
        prepareDirectory();
        try (ArchiveLock lock = ArchiveLock.acquire(dir)) {
            State state = inspect(month, target); // again, under the lock
            String startedFrom = state.entry().map(ArchiveLog.Entry::state)
                    .orElse(state.adoptable().isPresent() ? "adopted" : "none");
            int copies = 0;
            for (int attempt = 1; ; attempt++) {
                ArchiveLog.Entry e;
                if (state.entry().isPresent()) {
                    e = state.entry().get();
                } else if (state.adoptable().isPresent()) {
                    e = record(target, state.adoptable().get());
                } else {
                    e = copy(month, target);
                    copies++;
                }
                if (ArchiveLog.DELETED.equals(e.state())) {
                    return done(month, e, t0);
                }
                if (ArchiveLog.COPIED.equals(e.state())) {
                    e = verify(e);
                }
                if (delete(e)) {
                    hook.reached(Step.DELETED, month);
                    ArchiveLog.Entry after = entry(month).orElseThrow();
                    return new Outcome(month, after.path(db.path()), after, startedFrom, true, copies, 0,
                            Duration.ofNanos(System.nanoTime() - t0));
                }
                discard(e);
                if (attempt == ATTEMPTS) {
                    throw new SQLException("the rows of " + month + " changed " + ATTEMPTS + " times while they were "
                            + "archived (a backfill of that month running?); nothing was deleted, try again later");
                }
                state = new State(Optional.empty(), Optional.empty());
            }
        }
    }

    private Outcome done(ArchiveMonth month, ArchiveLog.Entry e, long t0) throws SQLException {
        Path file = e.path(db.path());
        if (!Files.isRegularFile(file)) {
            throw new SQLException("the rows of " + month + " were moved to " + file + ", which is missing: restore it "
                    + "(from a backup) for queries with --include-archives to see that month");
        }
        long late;
        try (Connection c = readOnly()) {
            late = MonthSelection.factRows(c, month);
        }
        return new Outcome(month, file, e, e.state(), false, 0, late, Duration.ofNanos(System.nanoTime() - t0));
    }

    /**
     * What a run of {@code month} would start from, read-only, refusing bad input before anything is written (the
     * command calls this before it opens the database for writing): the month's recorded state, if any.
     */
    public static Optional<ArchiveLog.Entry> check(Path db, Path dir, ArchiveMonth month, int busyTimeoutMillis)
            throws SQLException {
        Path d = dir.toAbsolutePath().normalize();
        State s = inspect(db, d.resolve(month.fileName()), month, busyTimeoutMillis);
        if (s.entry().isEmpty() || !ArchiveLog.DELETED.equals(s.entry().get().state())) {
            checkDirectory(d);
        }
        return s.entry();
    }

    private State inspect(ArchiveMonth month, Path target) throws SQLException {
        return inspect(db.path(), target, month, busyTimeoutMillis);
    }

    /** The month's recorded state and, when none, whether a file at the target is refused or can be adopted. */
    private static State inspect(Path db, Path target, ArchiveMonth month, int busyTimeoutMillis) throws SQLException {
        try (Connection c = ReadOnlyDatabase.open(db, busyTimeoutMillis)) {
            Optional<ArchiveLog.Entry> e = ArchiveLog.of(c, month);
            if (e.isPresent() && ArchiveLog.DELETED.equals(e.get().state())) {
                return new State(e, Optional.empty()); // done: nothing more is read or written
            }
            SplitArchive.refuseUnlessWhole(c);
            if (e.isPresent()) {
                return new State(e, Optional.empty());
            }
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                Optional<ArchiveFile.Manifest> m = ArchiveFile.manifest(target, busyTimeoutMillis);
                if (m.isEmpty() || !m.get().month().equals(month)
                        || !m.get().source().equals(ArchiveFile.source(db))) {
                    throw new ArchiveRefused("archive target " + target + " already exists and is not this "
                            + "database's archive of " + month + "; it is left as it is (move it away, or set "
                            + "taclog.archive.dir to another directory)");
                }
                return new State(e, m); // published by a run that stopped before recording it
            }
            if (!MonthSelection.hasRows(c, month)) {
                throw ArchiveRefused.nothingToArchive("no data of " + month + " in " + db + ": no row of "
                        + "any table is dated in that month (UTC)");
            }
            return new State(e, Optional.empty());
        }
    }

    private Optional<ArchiveLog.Entry> entry(ArchiveMonth month) throws SQLException {
        try (Connection c = readOnly()) {
            return ArchiveLog.of(c, month);
        }
    }

    private Connection readOnly() throws SQLException {
        return ReadOnlyDatabase.open(db.path(), busyTimeoutMillis);
    }

    /** The directory must exist and be writable, or be creatable (its nearest existing parent writable). */
    private static void checkDirectory(Path dir) {
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw new ArchiveRefused("archive directory " + dir + " is not a directory");
            }
            if (!Files.isWritable(dir)) {
                throw new ArchiveRefused("archive directory " + dir + " is not writable");
            }
            return;
        }
        Path p = dir.getParent();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null || !Files.isDirectory(p) || !Files.isWritable(p)) {
            throw new ArchiveRefused("archive directory " + dir + " cannot be created: "
                    + (p == null ? "no parent exists" : p + " is not a writable directory"));
        }
    }

    private void prepareDirectory() {
        checkDirectory(dir);
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ArchiveRefused("archive directory " + dir + " cannot be created: " + e.getMessage());
        }
    }

    /** Step 1 and 2: the copy into a temporary file, its name, its record. */
    private ArchiveLog.Entry copy(ArchiveMonth month, Path target) throws SQLException, IOException {
        removeStalePartials(month);
        Path partial;
        try {
            partial = Files.createTempFile(dir, "." + month.fileName() + ".", ".partial");
        } catch (AccessDeniedException e) {
            throw new ArchiveRefused("archive directory " + dir + " is not writable");
        }
        try {
            ArchiveFile.Manifest m = ArchiveFile.write(db.path(), partial, month, clock, busyTimeoutMillis,
                    () -> hook.reached(Step.COPYING, month));
            if (m.moved() == 0) {
                throw ArchiveRefused.nothingToArchive("nothing of " + month + " can leave the database yet: its "
                        + "rows are records that are still open or still referred to by later rows (" + m.rows()
                        + " of them)");
            }
            ArchiveFile.force(partial);
            hook.reached(Step.WRITTEN, month);
            ArchiveFile.publish(partial, target);
            hook.reached(Step.PUBLISHED, month);
            return record(target, m);
        } catch (SQLException | IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
    }

    /** Deletes temporary files a crashed copy of this month left (this run holds the directory's lock). */
    private void removeStalePartials(ArchiveMonth month) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "." + month.fileName() + ".*.partial")) {
            for (Path p : s) {
                Files.deleteIfExists(p);
            }
        }
    }

    private ArchiveLog.Entry record(Path target, ArchiveFile.Manifest m) throws SQLException, IOException {
        long bytes = Files.size(target);
        db.write(c -> {
            ArchiveLog.insertCopied(c, db.path(), target, m, bytes, clock.instant());
            return null;
        });
        hook.reached(Step.RECORDED, m.month());
        return entry(m.month()).orElseThrow();
    }

    /** Step 3: the published file read again. A failure throws the archive away and fails the run. */
    private ArchiveLog.Entry verify(ArchiveLog.Entry e) throws SQLException, IOException {
        Path file = e.path(db.path());
        List<String> problems = Files.isRegularFile(file)
                ? ArchiveFile.verify(file, e.month(), e.tables(), busyTimeoutMillis) : List.of("it is missing");
        if (!problems.isEmpty()) {
            discard(e);
            throw new SQLException("the archive of " + e.month() + " (" + file + ") does not hold what was copied: "
                    + String.join("; ", problems) + ". It was removed and nothing was deleted from the database; "
                    + "run again");
        }
        db.write(c -> {
            ArchiveLog.advance(c, e.month(), ArchiveLog.VERIFIED, clock.instant());
            return null;
        });
        hook.reached(Step.VERIFIED, e.month());
        return entry(e.month()).orElseThrow();
    }

    /**
     * Step 4, in one write transaction: the month's rows as the database is now must be those archived; then they
     * are deleted and the month marked {@code deleted}. False (and nothing deleted) when the database has changed.
     */
    private boolean delete(ArchiveLog.Entry e) throws SQLException, IOException {
        Path file = e.path(db.path());
        if (!Files.isRegularFile(file) || Files.size(file) != e.bytes()) {
            return false; // changed or gone since it was verified: copy again
        }
        return db.write(c -> {
            SplitArchive.refuseUnlessWhole(c); // again under the writer's lock: the disk may have gone since
            MonthSelection.select(c, MonthSelection.MAIN, e.month());
            try {
                Map<String, Checksums.Sum> now = Checksums.moved(c, MonthSelection.MAIN);
                for (ArchivedTable t : ArchivedTables.ALL) {
                    TableSum archived = e.tables().get(t.name());
                    Checksums.Sum current = now.get(t.name());
                    if (archived == null || current.rows() != archived.moved()
                            || !current.sha256().equals(archived.movedSha256())) {
                        return false;
                    }
                }
                long outbox = lastOutboxId(c);
                // the search index holds words of the rows that leave: FTS5 forgets them only from their text,
                // which must still be there, so before the delete
                SearchIndex.forget(c, "conversation_id IN (SELECT rid FROM temp.arc_conversations WHERE moved = 1)");
                try (Statement s = c.createStatement()) {
                    for (ArchivedTable t : ArchivedTables.ALL) {
                        s.executeUpdate(MonthSelection.delete(t, MonthSelection.schemaOf(c, MonthSelection.MAIN,
                                t.name())));
                    }
                }
                // with taclog.outbox.enabled, triggers publish a deleted call or worker as taken back; an archived
                // one was not taken back, so the messages these deletes made are withdrawn before anyone sees them
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM main.outbox WHERE outbox_id > ?")) {
                    ps.setLong(1, outbox);
                    ps.executeUpdate();
                }
                ArchiveLog.advance(c, e.month(), ArchiveLog.DELETED, clock.instant());
                return true;
            } finally {
                MonthSelection.drop(c);
            }
        });
    }

    private static long lastOutboxId(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(outbox_id), 0) FROM main.outbox")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /**
     * Throws an archive away (its rows never left the database): its record, then the file the record names (ours:
     * it was recorded after this code published it).
     */
    private void discard(ArchiveLog.Entry e) throws SQLException, IOException {
        db.write(c -> {
            ArchiveLog.remove(c, e.month());
            return null;
        });
        Files.deleteIfExists(e.path(db.path()));
    }
}
