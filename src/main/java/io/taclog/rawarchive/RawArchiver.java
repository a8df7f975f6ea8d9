package io.taclog.rawarchive;

import io.taclog.archive.ArchiveLock;
import io.taclog.model.Times;
import io.taclog.sink.Database;
import io.taclog.sink.ReadOnlyDatabase;
import io.taclog.source.FileRegistry;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run of the raw archive: the committed bytes of every file generation that is complete (truncated or rotated
 * away, i.e. superseded) or idle are copied into a compressed segment; what a generation gains later becomes a
 * further segment, from where the last one ended. Only bytes the database committed are archived, so archive and
 * database agree.
 *
 * <p>Every step can stop anywhere and the next run finishes it: segments are written under a temporary name, forced
 * to disk, then recorded as 'writing' in {@code raw_archive_segments}, given their name with a hard link (never
 * replacing a file), listed in the month's manifest (forced), and only then marked 'archived'. A run that finds a
 * 'writing' row publishes and lists its segment (again) or, when it never got its name, forgets the row. A segment
 * name taken by other bytes stops the run before anything is recorded.
 */
public final class RawArchiver {

    private final Database db;
    private final RawArchiveSettings settings;
    private final SourceRoots roots;
    private final int busyTimeoutMillis;
    private final Clock clock;

    /**
     * What a run did.
     *
     * @param waiting generations with new bytes that are not idle yet
     * @param unreachable generations whose file was found at none of its paths (or changed): left for a later run
     * @param problems what went wrong with single files (the run went on without them)
     */
    public record Outcome(int segments, long bytes, long compressedBytes, int recovered, int missed, long missedBytes,
                          int waiting, int unreachable, List<String> problems, Duration took, Path raw) {
    }

    public RawArchiver(Database db, RawArchiveSettings settings, SourceRoots roots, int busyTimeoutMillis,
                       Clock clock) {
        this.db = db;
        this.settings = settings;
        this.roots = roots;
        this.busyTimeoutMillis = busyTimeoutMillis;
        this.clock = clock;
    }

    /** A segment copied to its temporary file, waiting to be recorded and published. */
    private record Planned(RawArchiveLog.Row row, ManifestEntry entry, Path temp) {
    }

    public Outcome run() throws IOException, SQLException {
        long started = System.nanoTime();
        Path raw = prepareDirectory(settings.dir());
        try (ArchiveLock lock = lock(raw)) {
            removeTemporaryFiles(raw);
            List<String> problems = new ArrayList<>();
            int recovered = recover(raw, problems);
            Instant now = clock.instant();
            String nowText = Times.format(now);
            String month = RawArchiveLayout.month(now);
            List<Planned> planned = new ArrayList<>();
            List<RawArchiveLog.Row> missed = new ArrayList<>();
            List<ManifestEntry> missedEntries = new ArrayList<>();
            int waiting = 0;
            int unreachable = 0;
            try (Connection c = ReadOnlyDatabase.open(db.path(), busyTimeoutMillis)) {
                c.setAutoCommit(false); // one snapshot of offsets, states and recorded ranges
                try {
                    for (RawArchiveLog.Generation g : RawArchiveLog.unarchived(c)) {
                        if (RawArchiveLog.WRITING.equals(g.lastRowState())) {
                            continue; // recovery left it for a later run (a problem was reported)
                        }
                        boolean complete = FileRegistry.SUPERSEDED.equals(g.state());
                        boolean overdue = overdue(g, now);
                        if (!complete && !overdue && !olderThan(g.lastCommitAt(), now, settings.idle())) {
                            waiting++;
                            continue;
                        }
                        SourceBytes.Lookup where = SourceBytes.find(g, RawArchiveLog.places(c, g));
                        if (where.found() == null) {
                            if (complete) {
                                missed.add(new RawArchiveLog.Row(g.fileId(), g.archivedTo(), g.committed(),
                                        RawArchiveLog.MISSED, settings.dir().toString(), null, null, null, g.marker(),
                                        g.markerLength(), g.parseState(), where.missing(), nowText));
                                missedEntries.add(entry(g, null, null, where.missing(), List.of(), nowText));
                            } else {
                                unreachable++;
                                problems.add("file " + g.fileId() + " (" + g.path() + "): " + where.missing());
                            }
                            continue;
                        }
                        try (SourceBytes.Found f = where.found()) {
                            if (!complete && !overdue && f.modifiedMillis() > now.minus(settings.idle()).toEpochMilli()) {
                                waiting++;
                                continue;
                            }
                            Planned p = copy(c, g, f, raw, month, nowText);
                            if (p == null) {
                                unreachable++;
                                problems.add("file " + g.fileId() + " (" + f.path() + ") changed while it was copied");
                            } else {
                                planned.add(p);
                            }
                        }
                    }
                } finally {
                    c.rollback();
                }
                publish(raw, month, planned, nowText);
            } catch (RuntimeException | IOException | SQLException e) {
                for (Planned p : planned) {
                    Files.deleteIfExists(p.temp());
                }
                throw e;
            }
            RawArchiveLog.insert(db, missed);
            Manifest.append(RawArchiveLayout.manifest(raw, month), missedEntries);
            long bytes = planned.stream().mapToLong(p -> p.row().to() - p.row().from()).sum();
            long compressed = planned.stream().mapToLong(p -> p.row().compressedBytes()).sum();
            return new Outcome(planned.size(), bytes, compressed, recovered, missed.size(),
                    missed.stream().mapToLong(r -> r.to() - r.from()).sum(), waiting, unreachable,
                    List.copyOf(problems), Duration.ofNanos(System.nanoTime() - started), raw);
        }
    }

    /** A file that never idles is archived anyway once its last segment (or its first sight) is maxDelay old. */
    private boolean overdue(RawArchiveLog.Generation g, Instant now) {
        if (settings.maxDelay().isZero()) {
            return false;
        }
        return olderThan(g.lastRecordedAt() != null ? g.lastRecordedAt() : g.firstSeenAt(), now, settings.maxDelay());
    }

    private static boolean olderThan(String time, Instant now, Duration age) {
        Instant t = Times.parseOrNull(time);
        return t == null || !t.isAfter(now.minus(age));
    }

    /** Copies {@code [archivedTo, committed)} into a temporary file; null when the file changed meanwhile. */
    private Planned copy(Connection c, RawArchiveLog.Generation g, SourceBytes.Found f, Path raw, String month,
                         String now) throws IOException, SQLException {
        String name = RawArchiveLayout.segmentName(month, g.identity().kind(), g.path(), g.fileId(), g.archivedTo(),
                g.committed());
        Path temp = Files.createTempFile(raw, RawArchiveLayout.TEMP_PREFIX, RawArchiveLayout.TEMP_SUFFIX);
        Files.delete(temp); // SegmentFiles.write creates it anew: a name nobody else holds
        SegmentFiles.Written w;
        try {
            w = SegmentFiles.write(f.channel(), g.archivedTo(), g.committed(), temp);
            if (SourceBytes.check(f.channel(), g) != null) {
                Files.deleteIfExists(temp);
                return null;
            }
        } catch (IOException e) {
            Files.deleteIfExists(temp);
            throw new IOException("cannot copy " + f.path() + ": " + e.getMessage(), e);
        }
        RawArchiveLog.Row row = new RawArchiveLog.Row(g.fileId(), g.archivedTo(), g.committed(), RawArchiveLog.WRITING,
                settings.dir().toString(), name, w.sha256(), w.compressedBytes(), g.marker(), g.markerLength(),
                g.parseState(), null, now);
        List<ManifestEntry.Observed> observed = RawArchiveLog.observed(c, g.fileId(), g.archivedTo(), g.committed());
        return new Planned(row, entry(g, name, w, null, observed, now), temp);
    }

    private ManifestEntry entry(RawArchiveLog.Generation g, String name, SegmentFiles.Written w, String reason,
                                List<ManifestEntry.Observed> observed, String now) {
        return entry(g, g.archivedTo(), g.committed(), g.stateAtArchivedTo(), g.parseState(), g.marker(),
                g.markerLength(), name, w == null ? null : w.compressedBytes(), w == null ? null : w.sha256(), reason,
                observed, now);
    }

    private ManifestEntry entry(RawArchiveLog.Generation g, long from, long to, String startState, String endState,
                                String endMarker, int endMarkerLength, String name, Long compressed, String sha,
                                String reason, List<ManifestEntry.Observed> observed, String now) {
        String[] where = roots.locate(g.identity().kind(), g.path());
        return new ManifestEntry(name, g.identity().kind(), g.path(), where[0], where[1], g.fileId(), g.identity(),
                g.adoptedFrom(), g.state(), from, to, compressed, sha, startState, endState, endMarker, endMarkerLength,
                observed, reason, now);
    }

    /**
     * Records, publishes and lists the copied segments. A name already taken by other bytes refuses the whole run
     * before anything is recorded; one taken by the same bytes (a run that stopped after publishing) is kept.
     */
    private void publish(Path raw, String month, List<Planned> planned, String now) throws IOException, SQLException {
        if (planned.isEmpty()) {
            return;
        }
        for (Planned p : planned) {
            Path target = raw.resolve(p.row().segment());
            if (Files.exists(target)) {
                SegmentFiles.checkExisting(target, p.row().sha256(), p.row().to() - p.row().from());
            }
        }
        List<RawArchiveLog.Row> rows = planned.stream().map(Planned::row).toList();
        RawArchiveLog.insert(db, rows);
        for (Planned p : planned) {
            SegmentFiles.publish(p.temp(), raw.resolve(p.row().segment()), p.row().sha256(),
                    p.row().to() - p.row().from());
        }
        Manifest.append(RawArchiveLayout.manifest(raw, month), planned.stream().map(Planned::entry).toList());
        RawArchiveLog.markArchived(db, rows, now);
    }

    /**
     * Finishes what a stopped run left in state 'writing': a segment that got its name is listed in its manifest (if
     * the crash came before that) and marked archived; one that did not is written again from the file if the file
     * still holds the same bytes, else the row is forgotten and the range archived anew (or found missed) by this run.
     */
    private int recover(Path raw, List<String> problems) throws IOException, SQLException {
        List<RawArchiveLog.Row> writing;
        Map<RawArchiveLog.Row, RawArchiveLog.Generation> generations = new LinkedHashMap<>();
        Map<RawArchiveLog.Row, ManifestEntry> entries = new LinkedHashMap<>();
        List<RawArchiveLog.Row> forget = new ArrayList<>();
        List<RawArchiveLog.Row> done = new ArrayList<>();
        try (Connection c = ReadOnlyDatabase.open(db.path(), busyTimeoutMillis)) {
            c.setAutoCommit(false);
            try {
                writing = RawArchiveLog.writing(c);
                for (RawArchiveLog.Row r : writing) {
                    if (!settings.dir().toString().equals(r.archiveDir())) {
                        problems.add("a run stopped while writing to " + r.archiveDir() + "; taclog archive-raw --dir "
                                + r.archiveDir() + " finishes it");
                        continue;
                    }
                    RawArchiveLog.Generation g = RawArchiveLog.generation(c, r.fileId()).orElse(null);
                    if (g == null) {
                        forget.add(r);
                        continue;
                    }
                    String startState = g.startState();
                    for (RawArchiveLog.Row before : RawArchiveLog.ofGeneration(c, r.fileId())) {
                        if (before.to() == r.from()) {
                            startState = before.endState();
                        }
                    }
                    generations.put(r, g);
                    entries.put(r, entry(g, r.from(), r.to(), startState, r.endState(), r.endMarker(),
                            r.endMarkerLength(), r.segment(), r.compressedBytes(), r.sha256(), null,
                            RawArchiveLog.observed(c, r.fileId(), r.from(), r.to()), r.recordedAt()));
                    if (!Files.exists(raw.resolve(r.segment()))) {
                        if (!rewrite(r, g, RawArchiveLog.places(c, g), raw)) {
                            forget.add(r);
                        }
                    }
                }
            } finally {
                c.rollback();
            }
        }
        for (var e : entries.entrySet()) {
            RawArchiveLog.Row r = e.getKey();
            if (forget.contains(r)) {
                continue;
            }
            Path target = raw.resolve(r.segment());
            try {
                SegmentFiles.verify(target, r.to() - r.from(), r.sha256());
            } catch (IOException ex) {
                problems.add("segment " + target + " of an interrupted run does not hold its bytes (" + ex.getMessage()
                        + "); it is left as it is and the range is not archived until it is moved away");
                continue;
            }
            Path manifest = RawArchiveLayout.manifest(raw, r.segment().substring(0, r.segment().indexOf('/')));
            if (!Manifest.lists(manifest, r.segment())) {
                Manifest.append(manifest, List.of(e.getValue()));
            }
            done.add(r);
        }
        RawArchiveLog.forget(db, forget);
        RawArchiveLog.markArchived(db, done, Times.format(clock.instant()));
        return done.size();
    }

    /** Writes an interrupted segment again from the file; false when the file no longer holds the same bytes. */
    private boolean rewrite(RawArchiveLog.Row r, RawArchiveLog.Generation g, List<RawArchiveLog.Place> places, Path raw)
            throws IOException {
        RawArchiveLog.Generation upTo = new RawArchiveLog.Generation(g.fileId(), g.identity(), g.path(), g.startState(),
                g.adoptedFrom(), g.state(), r.to(), r.endMarker(), r.endMarkerLength(), r.endState(), g.lastCommitAt(),
                g.firstSeenAt(), r.from(), null, null, 0, null, null);
        SourceBytes.Lookup where = SourceBytes.find(upTo, places);
        if (where.found() == null) {
            return false;
        }
        Path temp = Files.createTempFile(raw, RawArchiveLayout.TEMP_PREFIX, RawArchiveLayout.TEMP_SUFFIX);
        Files.delete(temp);
        try (SourceBytes.Found f = where.found()) {
            SegmentFiles.Written w = SegmentFiles.write(f.channel(), r.from(), r.to(), temp);
            if (!w.sha256().equals(r.sha256())) {
                Files.deleteIfExists(temp);
                return false;
            }
            SegmentFiles.publish(temp, raw.resolve(r.segment()), r.sha256(), r.to() - r.from());
            return true;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static ArchiveLock lock(Path raw) {
        try {
            return ArchiveLock.acquire(raw, RawArchiveLayout.LOCK);
        } catch (AccessDeniedException e) {
            throw new RawArchiveRefused("raw archive " + raw + " is not writable");
        } catch (IOException e) {
            throw new RawArchiveRefused(e.getMessage(), e);
        }
    }

    /** Segments a stopped run was writing (never recorded: the run holding the lock is the only writer). */
    private static void removeTemporaryFiles(Path raw) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(raw, RawArchiveLayout.TEMP_PREFIX + "*"
                + RawArchiveLayout.TEMP_SUFFIX)) {
            for (Path p : s) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * The archive directory must be a writable directory or be creatable (its nearest existing parent writable); its
     * {@code raw/} folder is created. Anything else refuses the run before it changes anything.
     */
    static Path prepareDirectory(Path dir) {
        Path raw = RawArchiveLayout.rawRoot(dir);
        if (Files.exists(dir)) {
            if (!Files.isDirectory(dir)) {
                throw new RawArchiveRefused("archive directory " + dir + " is not a directory");
            }
            Path writeTo = Files.exists(raw) ? raw : dir;
            if (!Files.isDirectory(writeTo)) {
                throw new RawArchiveRefused(raw + " is not a directory");
            }
            if (!Files.isWritable(writeTo)) {
                throw new RawArchiveRefused("archive directory " + writeTo + " is not writable");
            }
        } else {
            Path p = dir.getParent();
            while (p != null && !Files.exists(p)) {
                p = p.getParent();
            }
            if (p == null || !Files.isDirectory(p) || !Files.isWritable(p)) {
                throw new RawArchiveRefused("archive directory " + dir + " cannot be created: "
                        + (p == null ? "no parent exists" : p + " is not a writable directory"));
            }
        }
        try {
            Files.createDirectories(raw);
        } catch (AccessDeniedException e) {
            throw new RawArchiveRefused("archive directory " + dir + " is not writable");
        } catch (IOException e) {
            throw new RawArchiveRefused("archive directory " + dir + " cannot be created: " + e.getMessage(), e);
        }
        return raw;
    }
}
