package io.taclog.search;

import io.taclog.model.Times;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

/**
 * The full-text index of conversations (schema v11, docs/search.md) on one connection: how far it goes, the next
 * chunk of rows to add, emptying it, and the rows deleted since they were indexed. The write operations run inside
 * the caller's write transaction, so a chunk's rows and the watermark that covers them commit together.
 *
 * <p>The index is external-content: it keeps tokens, and reads the text back from {@link #SOURCE} (a view over
 * {@code conversations}) when a search asks for a snippet. Only text that never changes after the insert is
 * indexed, so an indexed row never needs re-indexing; a deleted row leaves its tokens behind (harmless, see
 * {@link Status#orphanRows}) until {@link #reset} and a catch-up, or is taken out first with {@link #forget}.
 */
public final class SearchIndex {

    /** The FTS5 table. */
    public static final String TABLE = "conversation_search";
    /** The view the index reads its columns from: conversation_id, tool, body. */
    public static final String SOURCE = "conversation_search_source";
    /**
     * The tables the index keeps its data in (FTS5's shadow tables of {@link #TABLE}) and its watermark: plain tables
     * that backup and doctor count, unlike the virtual table itself, which would read every row through its source.
     */
    public static final java.util.List<String> STORAGE_TABLES = java.util.List.of(TABLE + "_data", TABLE + "_idx",
            TABLE + "_docsize", TABLE + "_config", "search_index_state");
    /** The tokenizer of the index (V011); a search of rows not indexed yet must tokenize the same way. */
    public static final String TOKENIZE = "unicode61 remove_diacritics 2";

    private SearchIndex() {
    }

    /** One chunk added: how many rows, and the watermark after it. */
    public record Chunk(int rows, long indexedThrough) {
    }

    /**
     * Where the index stands.
     *
     * @param indexedThrough the watermark: every conversation row with a larger id is not indexed yet
     * @param indexedRows rows added since the index was last emptied
     * @param totalRows conversation rows in the table now
     * @param behindRows rows above the watermark (not indexed yet)
     * @param orphanRows rows indexed and deleted since: their tokens stay in the index until a rebuild
     * @param updatedAt last change of the watermark, null before the first
     */
    public record Status(long indexedThrough, long indexedRows, long totalRows, long behindRows, long orphanRows,
                         String updatedAt) {
    }

    /** Whether the database has the index (schema v11 or later). */
    public static boolean exists(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM pragma_table_list WHERE name = 'search_index_state' AND schema <> 'temp'")) {
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The watermark: the largest conversation_id in the index (0 when empty). */
    public static long indexedThrough(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT indexed_through FROM search_index_state WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /**
     * Adds the next rows above the watermark, at most {@code maxRows} of them and no more text than about
     * {@code maxBytes} (always at least one row), and moves the watermark past them. Call inside a write
     * transaction. Returns 0 rows when the index has caught up.
     */
    public static Chunk indexNext(Connection c, int maxRows, long maxBytes, Instant now) throws SQLException {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be at least 1: " + maxRows);
        }
        long from = indexedThrough(c);
        long through = from;
        int rows = 0;
        // The chunk's last id first, from the rows' sizes: a tool output can be megabytes, and a chunk is one
        // transaction the ingest waits behind. octet_length of a column reads the record header, not the text.
        try (PreparedStatement ps = c.prepareStatement("SELECT conversation_id, COALESCE(octet_length(tool_input), "
                + "octet_length(tool_output), octet_length(content), 0) FROM conversations WHERE conversation_id > ? "
                + "ORDER BY conversation_id LIMIT ?")) {
            ps.setLong(1, from);
            ps.setInt(2, maxRows);
            long bytes = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    bytes += rs.getLong(2);
                    if (rows > 0 && bytes > maxBytes) {
                        break;
                    }
                    through = rs.getLong(1);
                    rows++;
                }
            }
        }
        if (rows == 0) {
            return new Chunk(0, from);
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + "(rowid, tool, body) "
                + "SELECT conversation_id, tool, body FROM " + SOURCE + " WHERE conversation_id > ? AND conversation_id <= ?")) {
            ps.setLong(1, from);
            ps.setLong(2, through);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE search_index_state SET indexed_through = ?, "
                + "indexed_rows = indexed_rows + ?, updated_at = ? WHERE id = 1")) {
            ps.setLong(1, through);
            ps.setInt(2, rows);
            ps.setString(3, Times.format(now));
            ps.executeUpdate();
        }
        return new Chunk(rows, through);
    }

    /**
     * Empties the index and puts the watermark back to 0, so the indexer builds it again from the start (in
     * chunks, like any catch-up). Drops the tokens of deleted rows. Call inside a write transaction.
     */
    public static void reset(Connection c, Instant now) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO " + TABLE + "(" + TABLE + ") VALUES ('delete-all')");
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE search_index_state SET indexed_through = 0, "
                + "indexed_rows = 0, updated_at = ? WHERE id = 1")) {
            ps.setString(1, Times.format(now));
            ps.executeUpdate();
        }
    }

    /**
     * Takes conversation rows out of the index before they are deleted, so their tokens do not stay behind: for
     * code that deletes many rows (an archive of old months). Call in the transaction that deletes them, before
     * the DELETE, with the DELETE's own condition; rows above the watermark are not in the index and are skipped.
     *
     * @param condition the DELETE's WHERE clause over the columns of {@code conversations}, with {@code ?}
     *     placeholders: SQL written in code, never text from a user
     * @param params the values of its placeholders
     * @return rows taken out
     */
    public static int forget(Connection c, String condition, Object... params) throws SQLException {
        long through = indexedThrough(c);
        // FTS5's 'delete' command needs the values as they were indexed: they never change (V011), so the
        // current ones are those
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + "(" + TABLE + ", rowid, tool, body) "
                + "SELECT 'delete', conversation_id, tool, body FROM " + SOURCE + " WHERE conversation_id <= ? "
                + "AND conversation_id IN (SELECT conversation_id FROM conversations WHERE " + condition + ")")) {
            ps.setLong(1, through);
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 2, params[i]);
            }
            int n = ps.executeUpdate();
            if (n > 0) {
                try (PreparedStatement u = c.prepareStatement(
                        "UPDATE search_index_state SET indexed_rows = indexed_rows - ? WHERE id = 1")) {
                    u.setInt(1, n);
                    u.executeUpdate();
                }
            }
            return n;
        }
    }

    /** Where the index stands (reads; any connection). */
    public static Status status(Connection c) throws SQLException {
        long through;
        long indexed;
        String updated;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT indexed_through, indexed_rows, updated_at FROM search_index_state WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("search_index_state has no row: the search index of this database is damaged");
            }
            through = rs.getLong(1);
            indexed = rs.getLong(2);
            updated = rs.getString(3);
        }
        long total;
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM conversations");
             ResultSet rs = ps.executeQuery()) {
            total = rs.next() ? rs.getLong(1) : 0;
        }
        long behind = behindRows(c, through);
        return new Status(through, indexed, total, behind, Math.max(0, indexed - (total - behind)), updated);
    }

    /** Rows above the watermark (not indexed yet). */
    public static long behindRows(Connection c, long through) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM conversations WHERE conversation_id > ?")) {
            ps.setLong(1, through);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }
}
