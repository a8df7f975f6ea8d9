package io.taclog.archive;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;

/**
 * A running SHA-256 over rows read in key order: every value with its storage class (NULL, integer, real, text,
 * blob) and length, so that no two different rows feed the same bytes. The same rows read from the database and
 * from the archive give the same checksum; a changed, missing or extra row gives another.
 */
final class RowDigest {

    private final MessageDigest sha;
    private final ByteBuffer number = ByteBuffer.allocate(9);
    private long rows;

    RowDigest() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Adds the current row's first {@code columns} values. */
    void add(ResultSet rs, int columns) throws SQLException {
        for (int i = 1; i <= columns; i++) {
            Object v = rs.getObject(i);
            if (v == null) {
                sha.update((byte) 0);
            } else if (v instanceof Integer || v instanceof Long) {
                tagged((byte) 1, ((Number) v).longValue());
            } else if (v instanceof Double || v instanceof Float) {
                tagged((byte) 2, Double.doubleToLongBits(((Number) v).doubleValue()));
            } else if (v instanceof byte[] b) {
                tagged((byte) 4, b.length);
                sha.update(b);
            } else {
                byte[] b = v.toString().getBytes(StandardCharsets.UTF_8);
                tagged((byte) 3, b.length);
                sha.update(b);
            }
        }
        rows++;
    }

    private void tagged(byte tag, long value) {
        number.clear();
        number.put(tag).putLong(value);
        sha.update(number.array(), 0, 9);
    }

    long rows() {
        return rows;
    }

    /** The checksum in hex (the digest cannot be added to afterwards). */
    String hex() {
        return HexFormat.of().formatHex(sha.digest());
    }
}
