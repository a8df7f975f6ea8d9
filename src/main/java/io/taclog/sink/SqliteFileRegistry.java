package io.taclog.sink;

import io.taclog.model.Times;
import io.taclog.source.FileKey;
import io.taclog.source.FileRegistry;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The file registry kept in the {@code ingest_files} table of the database it feeds. */
public final class SqliteFileRegistry implements FileRegistry {

    private static final String COLUMNS = "file_id, source_kind, device, inode, first_line_hash, path, start_offset, "
            + "committed_offset, marker_hash, marker_length, state, parse_state";

    private final Database db;
    private final Clock clock;

    public SqliteFileRegistry(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    @Override
    public Optional<StoredFile> findCurrent(String kind, FileKey key) {
        return call(() -> db.withWriter(c -> {
            PreparedStatement ps = db.prepare("SELECT " + COLUMNS + " FROM ingest_files WHERE source_kind = ? "
                    + "AND device = ? AND inode = ? AND state <> 'superseded' ORDER BY file_id DESC LIMIT 1");
            ps.setString(1, kind);
            ps.setLong(2, key.device());
            ps.setLong(3, key.inode());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.<StoredFile>empty();
            }
        }));
    }

    @Override
    public List<StoredFile> findActive(String kind) {
        return list("source_kind = ? AND state = 'active'", kind);
    }

    @Override
    public List<StoredFile> findSuperseded(String kind, String firstLineHash) {
        return list("source_kind = ? AND first_line_hash = ? AND state = 'superseded' ORDER BY file_id DESC LIMIT 16",
                kind, firstLineHash);
    }

    private List<StoredFile> list(String where, String... args) {
        return call(() -> db.withWriter(c -> {
            PreparedStatement ps = db.prepare("SELECT " + COLUMNS + " FROM ingest_files WHERE " + where);
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            List<StoredFile> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        }));
    }

    @Override
    public StoredFile register(String kind, FileKey key, String firstLineHash, Path path, long startOffset,
                               String startParseState, Long adoptedFrom) {
        String now = Times.format(clock.instant());
        long id = call(() -> db.write(c -> {
            PreparedStatement ps = db.prepare("INSERT INTO ingest_files(source_kind, path, device, inode, "
                    + "first_line_hash, start_offset, committed_offset, start_parse_state, parse_state, state, "
                    + "adopted_from, first_seen_at, state_changed_at) VALUES (?,?,?,?,?,?,?,?,?,'active',?,?,?) "
                    + "RETURNING file_id");
            ps.setString(1, kind);
            ps.setString(2, path.toString());
            ps.setLong(3, key.device());
            ps.setLong(4, key.inode());
            ps.setString(5, firstLineHash);
            ps.setLong(6, startOffset);
            ps.setLong(7, startOffset);
            ps.setString(8, startParseState);
            ps.setString(9, startParseState);
            if (adoptedFrom == null) {
                ps.setNull(10, java.sql.Types.INTEGER);
            } else {
                ps.setLong(10, adoptedFrom);
            }
            ps.setString(11, now);
            ps.setString(12, now);
            long fileId;
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                fileId = rs.getLong(1);
            }
            PreparedStatement ledger = db.prepare("INSERT INTO ingest_ledger(file_id) VALUES (?)");
            ledger.setLong(1, fileId);
            ledger.executeUpdate();
            upsertPath(fileId, path, now);
            return fileId;
        }));
        return new StoredFile(id, kind, key, firstLineHash, path.toString(), startOffset, startOffset, null, 0,
                ACTIVE, startParseState);
    }

    @Override
    public void recordPath(long fileId, Path path) {
        String now = Times.format(clock.instant());
        call(() -> db.write(c -> {
            PreparedStatement ps = db.prepare("UPDATE ingest_files SET path = ? WHERE file_id = ?");
            ps.setString(1, path.toString());
            ps.setLong(2, fileId);
            ps.executeUpdate();
            upsertPath(fileId, path, now);
            return null;
        }));
    }

    private void upsertPath(long fileId, Path path, String now) throws SQLException {
        PreparedStatement ps = db.prepare("INSERT INTO ingest_file_paths(file_id, path, first_seen_at, last_seen_at) "
                + "VALUES (?,?,?,?) ON CONFLICT(file_id, path) DO UPDATE SET last_seen_at = excluded.last_seen_at");
        ps.setLong(1, fileId);
        ps.setString(2, path.toString());
        ps.setString(3, now);
        ps.setString(4, now);
        ps.executeUpdate();
    }

    @Override
    public void markState(long fileId, String state, String reason) {
        String now = Times.format(clock.instant());
        call(() -> db.write(c -> {
            PreparedStatement ps = db.prepare(
                    "UPDATE ingest_files SET state = ?, state_reason = ?, state_changed_at = ? WHERE file_id = ?");
            ps.setString(1, state);
            ps.setString(2, reason);
            ps.setString(3, now);
            ps.setLong(4, fileId);
            ps.executeUpdate();
            return null;
        }));
    }

    @Override
    public Optional<StoredFile> reload(long fileId) {
        return call(() -> db.withWriter(c -> {
            PreparedStatement ps = db.prepare("SELECT " + COLUMNS + " FROM ingest_files WHERE file_id = ?");
            ps.setLong(1, fileId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.<StoredFile>empty();
            }
        }));
    }

    private static StoredFile read(ResultSet rs) throws SQLException {
        return new StoredFile(rs.getLong("file_id"), rs.getString("source_kind"),
                new FileKey(rs.getLong("device"), rs.getLong("inode")), rs.getString("first_line_hash"),
                rs.getString("path"), rs.getLong("start_offset"), rs.getLong("committed_offset"),
                rs.getString("marker_hash"), rs.getInt("marker_length"), rs.getString("state"),
                rs.getString("parse_state"));
    }

    private interface SqlCall<T> {
        T call() throws SQLException;
    }

    private static <T> T call(SqlCall<T> c) {
        try {
            return c.call();
        } catch (SQLException e) {
            throw new RegistryException(e);
        }
    }

    /** A registry operation failed; the tailer's caller treats it like a failed poll and retries. */
    public static final class RegistryException extends RuntimeException {
        RegistryException(SQLException cause) {
            super("file registry: " + cause.getMessage(), cause);
        }
    }
}
