package io.taclog.maintenance;

import io.taclog.model.Times;
import io.taclog.sink.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** The {@code backups} table (schema v10): a row per backup written, the last one shown by doctor. */
public final class BackupLog {

    /** One recorded backup. */
    public record Entry(String takenAt, String target, long bytes, long millis) {
    }

    private BackupLog() {
    }

    /**
     * Records a written backup through the writer's conventions ({@link Database#write}: {@code BEGIN
     * IMMEDIATE}, a busy database waited for and retried, never dropped). Returns false when the database's
     * schema predates the table (the backup is still good; {@code taclog migrate} adds it).
     */
    public static boolean record(Database db, Backup.Result r) throws SQLException {
        return db.write(c -> {
            if (!Tables.exists(c, "backups")) {
                return false;
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO backups(taken_at, target, bytes, millis, "
                    + "schema_version) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, Times.format(r.takenAt()));
                ps.setString(2, r.target().toAbsolutePath().normalize().toString());
                ps.setLong(3, r.bytes());
                ps.setLong(4, r.took().toMillis());
                ps.setInt(5, r.schemaVersion());
                ps.executeUpdate();
            }
            return true;
        });
    }

    /** The latest recorded backup, if the table exists and holds one. */
    public static Optional<Entry> last(Connection c) throws SQLException {
        if (!Tables.exists(c, "backups")) {
            return Optional.empty();
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT taken_at, target, bytes, millis FROM backups ORDER BY taken_at DESC, backup_id DESC LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(new Entry(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4)))
                    : Optional.empty();
        }
    }
}
