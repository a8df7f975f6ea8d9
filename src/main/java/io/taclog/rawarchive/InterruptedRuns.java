package io.taclog.rawarchive;

import io.taclog.model.Times;
import io.taclog.sink.Database;
import io.taclog.sink.ReadOnlyDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finishes what a stopped run left in state 'writing'. A segment that got its name is listed in its manifest (if the
 * stop came before that) and marked archived; one that did not is written again from the file when the file still
 * holds the same bytes (same SHA-256), else the row is forgotten and the range is archived anew, or found missed, by
 * the run.
 */
final class InterruptedRuns {

    private final Database db;
    private final Path dir;
    private final Entries entries;
    private final int busyTimeoutMillis;
    private final Clock clock;

    InterruptedRuns(Database db, Path dir, Entries entries, int busyTimeoutMillis, Clock clock) {
        this.db = db;
        this.dir = dir;
        this.entries = entries;
        this.busyTimeoutMillis = busyTimeoutMillis;
        this.clock = clock;
    }

    /** Returns how many segments it finished; what it cannot finish goes to {@code problems}. */
    int finish(Path raw, List<String> problems) throws IOException, SQLException {
        Map<RawArchiveLog.Row, ManifestEntry> published = new LinkedHashMap<>();
        List<RawArchiveLog.Row> forget = new ArrayList<>();
        try (Connection c = ReadOnlyDatabase.open(db.path(), busyTimeoutMillis)) {
            c.setAutoCommit(false);
            try {
                for (RawArchiveLog.Row r : RawArchiveLog.writing(c)) {
                    if (!dir.toString().equals(r.archiveDir())) {
                        problems.add("a run stopped while writing to " + r.archiveDir() + "; taclog archive-raw --dir "
                                + r.archiveDir() + " finishes it");
                        continue;
                    }
                    RawArchiveLog.Generation g = RawArchiveLog.generation(c, r.fileId()).orElse(null);
                    if (g == null || !Files.exists(raw.resolve(r.segment()))
                            && !rewrite(r, g, RawArchiveLog.places(c, g, RawArchiveLog.adopters(c)), raw)) {
                        forget.add(r);
                        continue;
                    }
                    published.put(r, entries.of(g, r.from(), r.to(), startState(c, g, r), r.endState(), r.endMarker(),
                            r.endMarkerLength(), r.segment(), r.compressedBytes(), r.sha256(), null,
                            RawArchiveLog.observed(c, r.fileId(), r.from(), r.to()), r.recordedAt()));
                }
            } finally {
                c.rollback();
            }
        }
        List<RawArchiveLog.Row> done = new ArrayList<>();
        for (var e : published.entrySet()) {
            RawArchiveLog.Row r = e.getKey();
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

    /** The parser state where the interrupted range starts: the previous range's end, else the generation's start. */
    private static String startState(Connection c, RawArchiveLog.Generation g, RawArchiveLog.Row r)
            throws SQLException {
        String state = g.startState();
        for (RawArchiveLog.Row before : RawArchiveLog.ofGeneration(c, r.fileId())) {
            if (before.to() == r.from()) {
                state = before.endState();
            }
        }
        return state;
    }

    /** Writes an interrupted segment again from the file; false when the file no longer holds the same bytes. */
    private static boolean rewrite(RawArchiveLog.Row r, RawArchiveLog.Generation g, List<RawArchiveLog.Place> places,
                                   Path raw) throws IOException {
        SourceBytes.Lookup where = SourceBytes.find(g.upTo(r), places);
        if (where.found() == null) {
            return false;
        }
        Path temp = ArchiveDirectory.temporaryFile(raw);
        try (SourceBytes.Found f = where.found()) {
            SegmentFiles.Written w = SegmentFiles.write(f.channel(), r.from(), r.to(), temp);
            if (!w.sha256().equals(r.sha256())) {
                return false;
            }
            SegmentFiles.publish(temp, raw.resolve(r.segment()), r.sha256(), r.to() - r.from());
            Durable.forceDirectory(raw.resolve(r.segment()).getParent());
            return true;
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
