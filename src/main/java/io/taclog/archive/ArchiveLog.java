package io.taclog.archive;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taclog.model.Times;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code archives} table (schema v12): how far each archived month got. A month goes {@code copied} (the archive
 * is written, checked against its snapshot and published under its name), {@code verified} (re-read from disk and
 * equal to the snapshot), {@code deleted} (its rows left the database, in the same transaction as this state).
 */
public final class ArchiveLog {

    public static final String COPIED = "copied";
    public static final String VERIFIED = "verified";
    public static final String DELETED = "deleted";

    /**
     * Made on first use: a query with --include-archives calls {@link #resolve} and never needs JSON, and loading
     * Jackson's object mapper costs a fresh process about half a second.
     */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    /** One archived month as recorded. */
    public record Entry(ArchiveMonth month, String file, String state, String snapshotAt, long rows, long movedRows,
                        long bytes, Map<String, TableSum> tables, String copiedAt, String verifiedAt,
                        String deletedAt) {

        /** The archive file: {@code file} as stored, relative to the database's directory unless absolute. */
        public Path path(Path db) {
            return resolve(db, file);
        }
    }

    private ArchiveLog() {
    }

    /** An archive's stored name: relative to the database's directory when it lies under it (so both can move). */
    static String stored(Path db, Path archive) {
        Path dir = db.toAbsolutePath().normalize().getParent();
        Path a = archive.toAbsolutePath().normalize();
        return dir != null && a.startsWith(dir) ? dir.relativize(a).toString() : a.toString();
    }

    static Path resolve(Path db, String stored) {
        Path p = Path.of(stored);
        Path dir = db.toAbsolutePath().normalize().getParent();
        return p.isAbsolute() || dir == null ? p : dir.resolve(p);
    }

    /** Every recorded month, oldest first. */
    public static List<Entry> all(Connection c) throws SQLException {
        return query(c, "SELECT * FROM archives ORDER BY month");
    }

    public static Optional<Entry> of(Connection c, ArchiveMonth month) throws SQLException {
        List<Entry> e = query(c, "SELECT * FROM archives WHERE month = ?", month.toString());
        return e.isEmpty() ? Optional.empty() : Optional.of(e.get(0));
    }

    private static List<Entry> query(Connection c, String sql, Object... params) throws SQLException {
        List<Entry> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Entry(ArchiveMonth.parse(rs.getString("month")), rs.getString("file"),
                            rs.getString("state"), rs.getString("snapshot_at"), rs.getLong("rows"),
                            rs.getLong("moved_rows"), rs.getLong("bytes"), tables(rs.getString("checksums")),
                            rs.getString("copied_at"), rs.getString("verified_at"), rs.getString("deleted_at")));
                }
            }
        }
        return out;
    }

    static Map<String, TableSum> tables(String json) throws SQLException {
        try {
            return Json.MAPPER.readValue(json, new TypeReference<LinkedHashMap<String, TableSum>>() { });
        } catch (JsonProcessingException e) {
            throw new SQLException("archives.checksums is not readable: " + e.getOriginalMessage(), e);
        }
    }

    /** Records a published archive (state {@code copied}), in the caller's write transaction. */
    static void insertCopied(Connection c, Path db, Path archive, ArchiveFile.Manifest m, long bytes, Instant at)
            throws SQLException {
        String json;
        try {
            json = Json.MAPPER.writeValueAsString(m.tables());
        } catch (JsonProcessingException e) {
            throw new SQLException("cannot write checksums as JSON", e);
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO archives(month, file, state, snapshot_at, rows, "
                + "moved_rows, bytes, checksums, copied_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, m.month().toString());
            ps.setString(2, stored(db, archive));
            ps.setString(3, COPIED);
            ps.setString(4, Times.format(m.snapshotAt()));
            ps.setLong(5, m.rows());
            ps.setLong(6, m.moved());
            ps.setLong(7, bytes);
            ps.setString(8, json);
            ps.setString(9, Times.format(at));
            ps.executeUpdate();
        }
    }

    /** Moves a month to {@code state} ({@code verified} or {@code deleted}), stamping when. */
    static void advance(Connection c, ArchiveMonth month, String state, Instant at) throws SQLException {
        String column = switch (state) {
            case VERIFIED -> "verified_at";
            case DELETED -> "deleted_at";
            default -> throw new IllegalArgumentException(state);
        };
        try (PreparedStatement ps = c.prepareStatement("UPDATE archives SET state = ?, " + column + " = ? "
                + "WHERE month = ?")) {
            ps.setString(1, state);
            ps.setString(2, Times.format(at));
            ps.setString(3, month.toString());
            if (ps.executeUpdate() != 1) {
                throw new SQLException("no archive of " + month + " is recorded");
            }
        }
    }

    /** Forgets a month whose archive is being thrown away (its rows never left the database). */
    static void remove(Connection c, ArchiveMonth month) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM archives WHERE month = ? AND state <> ?")) {
            ps.setString(1, month.toString());
            ps.setString(2, DELETED);
            ps.executeUpdate();
        }
    }
}
