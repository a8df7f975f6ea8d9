package io.taclog.archive;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What an archive holds of one table: its rows and their SHA-256 ({@link RowDigest}), and of those the rows that
 * leave the database (the others are copies of records that stay).
 */
public record TableSum(long rows, String sha256, long moved, @JsonProperty("moved_sha256") String movedSha256) {

    /** Whether the rows that leave the database are the same (count and checksum) in both. */
    public boolean sameMoved(TableSum o) {
        return o != null && moved == o.moved && movedSha256.equals(o.movedSha256);
    }

    /** Whether the archive's rows are the same (count and checksum) in both. */
    public boolean sameRows(TableSum o) {
        return o != null && rows == o.rows && sha256.equals(o.sha256);
    }
}
