package io.taclog.rawarchive;

import io.taclog.sink.Database;
import io.taclog.source.FileRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The file registry's rows of a restore. A generation read back from the archive keeps the id it had in the database
 * it was archived from: rows that name their file (source_file_id, the coordinator's line keys) come out as they were,
 * and what the restored database archives later continues the same generation in the archive. The rows are written
 * here, not through the registry, because the registry gives ids of its own; it is not used by a restore (no tailer
 * runs), and the next start of the sidecar loads them like any other.
 */
final class RestoredFiles {

    /** A generation the target database already has. */
    record Existing(long fileId, GenerationIdentity identity, long committed, String marker, int markerLength,
                    String parseState) {
    }

    private RestoredFiles() {
    }

    /** The target's generations with the archive's ids. */
    static Map<Long, Existing> existing(Connection c, ArchiveIndex index) throws SQLException {
        Map<Long, Existing> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT file_id, source_kind, device, inode, first_line_hash, "
                + "start_offset, committed_offset, marker_hash, marker_length, parse_state FROM ingest_files "
                + "WHERE file_id = ?")) {
            for (ArchivedGeneration g : index.generations()) {
                ps.setLong(1, g.id());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        out.put(g.id(), new Existing(rs.getLong(1), new GenerationIdentity(rs.getString(2),
                                rs.getLong(3), rs.getLong(4), rs.getString(5), rs.getLong(6)), rs.getLong(7),
                                rs.getString(8), rs.getInt(9), rs.getString(10)));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Creates the rows of generations the target does not have, at their start offset. A generation is superseded
     * when it was when archived, or when the archive holds a later generation of the same file (device, inode);
     * otherwise detached (its file is not followed until the sidecar sees it again at a watched path).
     */
    static void create(Database db, List<ArchivedGeneration> generations, ArchiveIndex index, String now)
            throws SQLException {
        if (generations.isEmpty()) {
            return;
        }
        Map<String, Long> newestOfFile = new HashMap<>();
        for (ArchivedGeneration g : index.generations()) {
            newestOfFile.merge(fileOf(g), g.id(), Math::max);
        }
        db.write(c -> {
            PreparedStatement files = db.prepare("INSERT INTO ingest_files(file_id, source_kind, path, device, inode, "
                    + "first_line_hash, start_offset, committed_offset, start_parse_state, parse_state, state, "
                    + "state_reason, adopted_from, first_seen_at, state_changed_at) "
                    + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
            PreparedStatement ledger = db.prepare("INSERT INTO ingest_ledger(file_id) VALUES (?)");
            PreparedStatement paths = db.prepare("INSERT INTO ingest_file_paths(file_id, path, first_seen_at, "
                    + "last_seen_at) VALUES (?,?,?,?) ON CONFLICT(file_id, path) DO NOTHING");
            for (ArchivedGeneration g : generations) {
                String startState = g.chain().isEmpty() ? null : g.chain().get(0).startState();
                boolean superseded = FileRegistry.SUPERSEDED.equals(g.lastState())
                        || newestOfFile.get(fileOf(g)) != g.id();
                files.setLong(1, g.id());
                files.setString(2, g.identity().kind());
                files.setString(3, g.path());
                files.setLong(4, g.identity().device());
                files.setLong(5, g.identity().inode());
                files.setString(6, g.identity().firstLineHash());
                files.setLong(7, g.identity().start());
                files.setLong(8, g.identity().start());
                files.setString(9, startState);
                files.setString(10, startState);
                files.setString(11, superseded ? FileRegistry.SUPERSEDED : FileRegistry.DETACHED);
                files.setString(12, "restored from the raw archive" + (superseded ? " (a later generation followed)"
                        : ""));
                Long adopted = g.adoptedFrom() != null && index.generation(g.adoptedFrom()) != null ? g.adoptedFrom()
                        : null;
                files.setObject(13, adopted);
                files.setString(14, now);
                files.setString(15, now);
                files.executeUpdate();
                ledger.setLong(1, g.id());
                ledger.executeUpdate();
                paths.setLong(1, g.id());
                paths.setString(2, g.path());
                paths.setString(3, now);
                paths.setString(4, now);
                paths.executeUpdate();
            }
            return null;
        });
    }

    private static String fileOf(ArchivedGeneration g) {
        return g.identity().kind() + '\0' + g.identity().device() + ':' + g.identity().inode();
    }
}
