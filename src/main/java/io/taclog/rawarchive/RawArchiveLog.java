package io.taclog.rawarchive;

import io.taclog.model.Times;
import io.taclog.sink.Database;
import io.taclog.source.FileKey;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The database's record of the raw archive ({@code raw_archive_segments}, schema v14): which byte ranges of which
 * file generations are archived, being written, or missed; and what of {@code ingest_files} is not archived yet.
 */
public final class RawArchiveLog {

    public static final String WRITING = "writing";
    public static final String ARCHIVED = "archived";
    public static final String MISSED = "missed";

    private static final String GENERATION_COLUMNS = "f.file_id, f.source_kind, f.path, f.device, f.inode, "
            + "f.first_line_hash, f.start_offset, f.start_parse_state, f.adopted_from, f.state, f.committed_offset, "
            + "f.marker_hash, f.marker_length, f.parse_state, f.last_commit_at, f.first_seen_at";

    private RawArchiveLog() {
    }

    /**
     * A file generation as the archive needs it, with where its archived bytes end ({@code archivedTo}, its start
     * when nothing is archived) and what the last recorded range left: its parser state and offset marker.
     */
    record Generation(long fileId, GenerationIdentity identity, String path, String startState, Long adoptedFrom,
                      String state, long committed, String marker, int markerLength, String parseState,
                      String lastCommitAt, String firstSeenAt, long archivedTo, String archivedState,
                      String archivedMarker, int archivedMarkerLength, String lastRecordedAt, String lastRowState) {

        /** The parser state at {@code archivedTo}: the next segment's start state. */
        String stateAtArchivedTo() {
            return lastRowState == null ? startState : archivedState;
        }

        /** The generation as it was when the range {@code r} was recorded: committed up to its end. */
        Generation upTo(Row r) {
            return new Generation(fileId, identity, path, startState, adoptedFrom, state, r.to(), r.endMarker(),
                    r.endMarkerLength(), r.endState(), lastCommitAt, firstSeenAt, r.from(), null, null, 0, null, null);
        }
    }

    /** A row of raw_archive_segments. */
    record Row(long fileId, long from, long to, String state, String archiveDir, String segment, String sha256,
               Long compressedBytes, String endMarker, int endMarkerLength, String endState, String reason,
               String recordedAt) {
    }

    /** Generations with committed bytes beyond their last recorded range, oldest first. */
    static List<Generation> unarchived(Connection c) throws SQLException {
        return generations(c, "WHERE f.committed_offset > COALESCE(r.end_offset, f.start_offset) ORDER BY f.file_id",
                null);
    }

    /** One generation, whatever its state. */
    static Optional<Generation> generation(Connection c, long fileId) throws SQLException {
        List<Generation> g = generations(c, "WHERE f.file_id = ?", fileId);
        return g.isEmpty() ? Optional.empty() : Optional.of(g.get(0));
    }

    private static List<Generation> generations(Connection c, String where, Long fileId) throws SQLException {
        List<Generation> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + GENERATION_COLUMNS + ", r.end_offset, r.end_state, "
                + "r.end_marker, r.end_marker_length, r.recorded_at, r.state FROM ingest_files f "
                + "LEFT JOIN raw_archive_segments r ON r.file_id = f.file_id AND r.start_offset = "
                + "(SELECT MAX(x.start_offset) FROM raw_archive_segments x WHERE x.file_id = f.file_id) " + where)) {
            if (fileId != null) {
                ps.setLong(1, fileId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long start = rs.getLong(7);
                    long archivedEnd = rs.getLong(17);
                    boolean none = rs.wasNull();
                    out.add(new Generation(rs.getLong(1), new GenerationIdentity(rs.getString(2), rs.getLong(4),
                            rs.getLong(5), rs.getString(6), start), rs.getString(3), rs.getString(8),
                            rs.getObject(9) == null ? null : rs.getLong(9), rs.getString(10), rs.getLong(11),
                            rs.getString(12), rs.getInt(13), rs.getString(14), rs.getString(15), rs.getString(16),
                            none ? start : archivedEnd, rs.getString(18), rs.getString(19), rs.getInt(20),
                            rs.getString(21), rs.getString(22)));
                }
            }
        }
        return out;
    }

    /** A place a generation's bytes may be read from: a path and the (device, inode) the file there must have. */
    record Place(Path path, FileKey key) {
    }

    /**
     * Where a generation's bytes may still be: every path it was seen at, then the paths of the copies that adopted
     * it after a copytruncate (their first bytes are this generation's, up to its committed offset).
     */
    static List<Place> places(Connection c, Generation g, Map<Long, List<Place>> adopters) throws SQLException {
        Set<Place> out = new LinkedHashSet<>();
        out.add(new Place(Path.of(g.path()), g.identity().key()));
        try (PreparedStatement ps = c.prepareStatement("SELECT path FROM ingest_file_paths WHERE file_id = ? "
                + "ORDER BY last_seen_at DESC")) {
            ps.setLong(1, g.fileId());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Place(Path.of(rs.getString(1)), g.identity().key()));
                }
            }
        }
        out.addAll(adopters.getOrDefault(g.fileId(), List.of()));
        return new ArrayList<>(out);
    }

    /**
     * The places of the copies that adopted each generation (by the adopted generation's id), read once per run:
     * ingest_files has no index on adopted_from, and one look-up per generation read the whole table each time.
     */
    static Map<Long, List<Place>> adopters(Connection c) throws SQLException {
        Map<Long, List<Place>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT f.adopted_from, f.device, f.inode, p.path "
                + "FROM ingest_files f JOIN ingest_file_paths p ON p.file_id = f.file_id "
                + "WHERE f.adopted_from IS NOT NULL ORDER BY f.file_id, p.last_seen_at DESC");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
                        .add(new Place(Path.of(rs.getString(4)), new FileKey(rs.getLong(2), rs.getLong(3))));
            }
        }
        return out;
    }

    /**
     * The commit boundaries inside {@code [from, to)} with their commit times, at most one per second (the last
     * boundary of each second, with its time): the "observed" times a restore gives lines that carry none.
     */
    static List<ManifestEntry.Observed> observed(Connection c, long fileId, long from, long to) throws SQLException {
        List<ManifestEntry.Observed> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT end_offset, committed_at FROM ingest_commits "
                + "WHERE file_id = ? AND start_offset >= ? AND end_offset <= ? ORDER BY start_offset")) {
            ps.setLong(1, fileId);
            ps.setLong(2, from);
            ps.setLong(3, to);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Instant t = Times.parseOrNull(rs.getString(2));
                    if (t == null) {
                        continue;
                    }
                    ManifestEntry.Observed o = new ManifestEntry.Observed(rs.getLong(1), t.toEpochMilli());
                    int last = out.size() - 1;
                    if (last >= 0 && out.get(last).epochMillis() / 1000 == o.epochMillis() / 1000) {
                        out.set(last, o);
                    } else {
                        out.add(o);
                    }
                }
            }
        }
        return out;
    }

    /** Rows a run left in state 'writing' (stopped half way). */
    static List<Row> writing(Connection c) throws SQLException {
        return rows(c, "WHERE state = 'writing' ORDER BY file_id, start_offset", null);
    }

    /** Every row of a generation, in offset order. */
    static List<Row> ofGeneration(Connection c, long fileId) throws SQLException {
        return rows(c, "WHERE file_id = ? ORDER BY start_offset", fileId);
    }

    private static List<Row> rows(Connection c, String where, Long fileId) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT file_id, start_offset, end_offset, state, archive_dir, "
                + "segment, sha256, compressed_bytes, end_marker, end_marker_length, end_state, reason, recorded_at "
                + "FROM raw_archive_segments " + where)) {
            if (fileId != null) {
                ps.setLong(1, fileId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Row(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), rs.getObject(8) == null ? null : rs.getLong(8),
                            rs.getString(9), rs.getInt(10), rs.getString(11), rs.getString(12), rs.getString(13)));
                }
            }
        }
        return out;
    }

    /** Inserts rows in one write transaction; a row already there (same generation and start) is left as it is. */
    static void insert(Database db, List<Row> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        db.write(c -> {
            PreparedStatement ps = db.prepare("INSERT INTO raw_archive_segments(file_id, start_offset, end_offset, "
                    + "state, archive_dir, segment, sha256, compressed_bytes, end_marker, end_marker_length, "
                    + "end_state, reason, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) "
                    + "ON CONFLICT(file_id, start_offset) DO NOTHING");
            for (Row r : rows) {
                ps.setLong(1, r.fileId());
                ps.setLong(2, r.from());
                ps.setLong(3, r.to());
                ps.setString(4, r.state());
                ps.setString(5, r.archiveDir());
                ps.setString(6, r.segment());
                ps.setString(7, r.sha256());
                ps.setObject(8, r.compressedBytes());
                ps.setString(9, r.endMarker());
                ps.setInt(10, r.endMarkerLength());
                ps.setString(11, r.endState());
                ps.setString(12, r.reason());
                ps.setString(13, r.recordedAt());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Marks rows 'archived' (their segments are published and listed in the manifest). */
    static void markArchived(Database db, List<Row> rows, String now) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        db.write(c -> {
            PreparedStatement ps = db.prepare("UPDATE raw_archive_segments SET state = 'archived', recorded_at = ? "
                    + "WHERE file_id = ? AND start_offset = ? AND state = 'writing'");
            for (Row r : rows) {
                ps.setString(1, now);
                ps.setLong(2, r.fileId());
                ps.setLong(3, r.from());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Forgets 'writing' rows whose segment was never published (their bytes are archived again later). */
    static void forget(Database db, List<Row> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        db.write(c -> {
            PreparedStatement ps = db.prepare("DELETE FROM raw_archive_segments WHERE file_id = ? AND start_offset = ? "
                    + "AND state = 'writing'");
            for (Row r : rows) {
                ps.setLong(1, r.fileId());
                ps.setLong(2, r.from());
                ps.executeUpdate();
            }
            return null;
        });
    }
}
