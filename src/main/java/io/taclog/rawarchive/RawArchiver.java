package io.taclog.rawarchive;

import io.taclog.archive.ArchiveLock;
import io.taclog.model.Times;
import io.taclog.sink.Database;
import io.taclog.sink.ReadOnlyDatabase;
import io.taclog.source.FileRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One run of the raw archive: the committed bytes of every file generation that is complete (truncated or rotated
 * away, i.e. superseded) or idle are copied into a compressed segment; what a generation gains later becomes a
 * further segment, from where the last one ended. Only bytes the database committed are archived, so archive and
 * database agree.
 *
 * <p>Every step can stop anywhere and the next run finishes it ({@link InterruptedRuns}): segments are written under a
 * temporary name and forced to disk, recorded as 'writing' in {@code raw_archive_segments}, given their name with a
 * hard link (never replacing a file), listed in the month's manifest (forced), and only then marked 'archived'. A
 * segment name taken by other bytes stops the run before anything is recorded.
 */
public final class RawArchiver {

    private final Database db;
    private final RawArchiveSettings settings;
    private final Entries entries;
    private final int busyTimeoutMillis;
    private final Clock clock;

    /**
     * What a run did.
     *
     * @param recovered segments of a stopped run that this run finished
     * @param waiting generations with new bytes that are not idle yet
     * @param unreachable generations whose file was at none of their paths (or changed): left for a later run
     * @param problems what went wrong with single files (the run went on without them)
     */
    public record Outcome(int segments, long bytes, long compressedBytes, int recovered, int missed, long missedBytes,
                          int waiting, int unreachable, List<String> problems, Duration took, Path raw) {
    }

    public RawArchiver(Database db, RawArchiveSettings settings, SourceRoots roots, int busyTimeoutMillis,
                       Clock clock) {
        this.db = db;
        this.settings = settings;
        this.entries = new Entries(roots);
        this.busyTimeoutMillis = busyTimeoutMillis;
        this.clock = clock;
    }

    /** A segment copied to its temporary file, waiting to be recorded and published. */
    private record Planned(RawArchiveLog.Row row, ManifestEntry entry, Path temp) {
    }

    /** What one run found to do. */
    private static final class Plan {
        final List<Planned> segments = new ArrayList<>();
        final List<RawArchiveLog.Row> missed = new ArrayList<>();
        final List<ManifestEntry> missedEntries = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        int waiting;
        int unreachable;
    }

    public Outcome run() throws IOException, SQLException {
        long started = System.nanoTime();
        Path raw = ArchiveDirectory.prepare(settings.dir());
        try (ArchiveLock lock = ArchiveDirectory.lock(raw)) {
            ArchiveDirectory.removeTemporaryFiles(raw);
            List<String> problems = new ArrayList<>();
            int recovered = new InterruptedRuns(db, settings.dir(), entries, busyTimeoutMillis, clock)
                    .finish(raw, problems);
            Instant now = clock.instant();
            String month = RawArchiveLayout.month(now);
            Plan plan = new Plan();
            try {
                plan(raw, month, now, plan);
                publish(raw, month, plan.segments, Times.format(now));
            } catch (RuntimeException | IOException | SQLException e) {
                for (Planned p : plan.segments) {
                    Files.deleteIfExists(p.temp());
                }
                throw e;
            }
            RawArchiveLog.insert(db, plan.missed);
            Manifest.append(RawArchiveLayout.manifest(raw, month), plan.missedEntries);
            problems.addAll(plan.problems);
            return new Outcome(plan.segments.size(), plan.segments.stream().mapToLong(p -> p.entry().bytes()).sum(),
                    plan.segments.stream().mapToLong(p -> p.row().compressedBytes()).sum(), recovered,
                    plan.missed.size(), plan.missed.stream().mapToLong(r -> r.to() - r.from()).sum(), plan.waiting,
                    plan.unreachable, List.copyOf(problems), Duration.ofNanos(System.nanoTime() - started), raw);
        }
    }

    /**
     * Decides, from one snapshot of the database, which generations with unarchived bytes are due, copies them (in
     * parallel, {@link SegmentCopier}) and sorts out what became of each.
     */
    private void plan(Path raw, String month, Instant now, Plan plan) throws IOException, SQLException {
        String nowText = Times.format(now);
        try (Connection c = ReadOnlyDatabase.open(db.path(), busyTimeoutMillis)) {
            c.setAutoCommit(false); // one snapshot of offsets, states and recorded ranges
            try {
                Map<Long, List<RawArchiveLog.Place>> adopters = RawArchiveLog.adopters(c);
                List<SegmentCopier.Candidate> candidates = new ArrayList<>();
                for (RawArchiveLog.Generation g : RawArchiveLog.unarchived(c)) {
                    if (RawArchiveLog.WRITING.equals(g.lastRowState())) {
                        continue; // an interrupted range InterruptedRuns could not finish (a problem was reported)
                    }
                    boolean due = FileRegistry.SUPERSEDED.equals(g.state()) || overdue(g, now);
                    if (!due && !olderThan(g.lastCommitAt(), now, settings.idle())) {
                        plan.waiting++;
                        continue;
                    }
                    candidates.add(new SegmentCopier.Candidate(g, RawArchiveLog.places(c, g, adopters), due));
                }
                List<SegmentCopier.Result> results = new SegmentCopier(raw, month, now, settings.idle())
                        .copyAll(candidates);
                try {
                    for (int i = 0; i < candidates.size(); i++) {
                        sort(c, candidates.get(i).generation(), results.get(i), nowText, plan);
                    }
                } catch (SQLException | RuntimeException e) {
                    SegmentCopier.removeTemporaryFiles(results);
                    throw e;
                }
            } finally {
                c.rollback();
            }
        }
    }

    private void sort(Connection c, RawArchiveLog.Generation g, SegmentCopier.Result result, String now, Plan plan)
            throws SQLException {
        if (result instanceof SegmentCopier.Waiting) {
            plan.waiting++;
        } else if (result instanceof SegmentCopier.Gone gone) {
            gone(g, gone.why(), now, plan);
        } else if (result instanceof SegmentCopier.Changed changed) {
            plan.unreachable++;
            plan.problems.add("file " + g.fileId() + " (" + changed.path() + ") changed while it was copied");
        } else if (result instanceof SegmentCopier.Copied copied) {
            RawArchiveLog.Row row = new RawArchiveLog.Row(g.fileId(), g.archivedTo(), g.committed(),
                    RawArchiveLog.WRITING, settings.dir().toString(), copied.name(), copied.written().sha256(),
                    copied.written().compressedBytes(), g.marker(), g.markerLength(), g.parseState(), null, now);
            List<ManifestEntry.Observed> observed = RawArchiveLog.observed(c, g.fileId(), g.archivedTo(),
                    g.committed());
            plan.segments.add(new Planned(row, entries.next(g, copied.name(), copied.written(), null, observed, now),
                    copied.temp()));
        }
    }

    /**
     * A generation whose bytes are in no file: a superseded one never gets them back, so the range is recorded as
     * missed; a live one may be found again (a path that comes back), so it is only reported.
     */
    private void gone(RawArchiveLog.Generation g, String why, String now, Plan plan) {
        if (FileRegistry.SUPERSEDED.equals(g.state())) {
            plan.missed.add(new RawArchiveLog.Row(g.fileId(), g.archivedTo(), g.committed(), RawArchiveLog.MISSED,
                    settings.dir().toString(), null, null, null, g.marker(), g.markerLength(), g.parseState(), why,
                    now));
            plan.missedEntries.add(entries.next(g, null, null, why, List.of(), now));
        } else {
            plan.unreachable++;
            plan.problems.add("file " + g.fileId() + " (" + g.path() + "): " + why);
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
                SegmentFiles.checkExisting(target, p.row().sha256(), p.entry().bytes());
            }
        }
        List<RawArchiveLog.Row> rows = planned.stream().map(Planned::row).toList();
        RawArchiveLog.insert(db, rows);
        Set<Path> folders = new LinkedHashSet<>();
        for (Planned p : planned) {
            Path target = raw.resolve(p.row().segment());
            SegmentFiles.publish(p.temp(), target, p.row().sha256(), p.entry().bytes());
            folders.add(target.getParent());
        }
        folders.forEach(Durable::forceDirectory); // the new names, once per folder rather than once per segment
        Manifest.append(RawArchiveLayout.manifest(raw, month), planned.stream().map(Planned::entry).toList());
        RawArchiveLog.markArchived(db, rows, now);
    }
}
