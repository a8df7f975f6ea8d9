package io.taclog.rawarchive;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;

/**
 * What the database records of its raw archive, for doctor and {@code archive-raw --list}: segments and bytes
 * archived, the last segment, ranges missed, a run stopped half way, and the committed bytes not archived yet.
 */
public record RawArchiveStatus(long segments, long files, long bytes, long compressedBytes, String lastAt,
                               String lastSegment, String lastDir, long missedRanges, long missedBytes, long writing,
                               long pendingFiles, long pendingBytes) {

    public static RawArchiveStatus read(Connection c) throws SQLException {
        long segments;
        long files;
        long bytes;
        long compressed;
        long missed;
        long missedBytes;
        long writing;
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FILTER (WHERE state = 'archived'), "
                + "COUNT(DISTINCT file_id) FILTER (WHERE state = 'archived'), "
                + "COALESCE(SUM(end_offset - start_offset) FILTER (WHERE state = 'archived'), 0), "
                + "COALESCE(SUM(compressed_bytes) FILTER (WHERE state = 'archived'), 0), "
                + "COUNT(*) FILTER (WHERE state = 'missed'), "
                + "COALESCE(SUM(end_offset - start_offset) FILTER (WHERE state = 'missed'), 0), "
                + "COUNT(*) FILTER (WHERE state = 'writing') FROM raw_archive_segments");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            segments = rs.getLong(1);
            files = rs.getLong(2);
            bytes = rs.getLong(3);
            compressed = rs.getLong(4);
            missed = rs.getLong(5);
            missedBytes = rs.getLong(6);
            writing = rs.getLong(7);
        }
        String lastAt = null;
        String lastSegment = null;
        String lastDir = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT recorded_at, segment, archive_dir FROM "
                + "raw_archive_segments WHERE state = 'archived' ORDER BY recorded_at DESC, file_id DESC LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                lastAt = rs.getString(1);
                lastSegment = rs.getString(2);
                lastDir = rs.getString(3);
            }
        }
        long pendingFiles = 0;
        long pendingBytes = 0;
        for (RawArchiveLog.Generation g : RawArchiveLog.unarchived(c)) {
            pendingFiles++;
            pendingBytes += g.committed() - g.archivedTo();
        }
        return new RawArchiveStatus(segments, files, bytes, compressed, lastAt, lastSegment, lastDir, missed,
                missedBytes, writing, pendingFiles, pendingBytes);
    }

    /** One line for doctor. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        if (segments == 0) {
            sb.append("nothing archived");
        } else {
            sb.append(String.format(Locale.ROOT, "%,d segments of %,d file generations: %,d bytes in %,d (%.1fx), the "
                    + "last on %s (%s/raw/%s)", segments, files, bytes, compressedBytes,
                    compressedBytes == 0 ? 0.0 : (double) bytes / compressedBytes, lastAt, lastDir, lastSegment));
        }
        sb.append(String.format(Locale.ROOT, "; %,d files with %,d committed bytes not archived yet", pendingFiles,
                pendingBytes));
        if (missedRanges > 0) {
            sb.append(String.format(Locale.ROOT, "; %,d ranges (%,d bytes) gone before they could be archived",
                    missedRanges, missedBytes));
        }
        if (writing > 0) {
            sb.append(String.format(Locale.ROOT, "; %,d segments of an interrupted run (the next run finishes them)",
                    writing));
        }
        return sb.toString();
    }
}
