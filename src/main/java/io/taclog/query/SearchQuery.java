package io.taclog.query;

import io.taclog.search.BadSearchException;
import io.taclog.search.MatchText;
import io.taclog.search.SearchIndex;
import io.taclog.sink.ConversationsFile;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Full-text search over all conversations (docs/search.md): the blocks whose text, tool input or tool output
 * holds the words searched for, best match first (or newest first), each with a snippet where the words are
 * marked. Works on a read-only connection.
 *
 * <p>On PostgreSQL the search runs in {@link PostgresSearch} (a GIN index PostgreSQL keeps current itself, the
 * same syntax read into a tsquery); what follows is SQLite's. The FTS5 index covers the rows up to its watermark; the rows above it (written since the indexer last ran)
 * are searched directly, the newest {@link Request#unindexedScan} of them, through a temporary FTS5 table with the
 * same tokenizer, so a search means the same everywhere. {@link Result#unindexedRows} and
 * {@link Result#unsearchedRows} say how far that went.
 *
 * <pre>{@code
 * SearchQuery.Result r = new SearchQuery(connection).run(SearchQuery.Request.of("connection refused")
 *         .withTask("gh-450").withPage(20, 0));
 * }</pre>
 *
 * Not thread-safe, like the connection it uses.
 */
public final class SearchQuery {

    /** Most hits one page may ask for. */
    public static final int MAX_LIMIT = 500;
    /** Deepest page: offset + limit at most this. */
    public static final int MAX_WINDOW = 10_000;
    /** Rows above the watermark searched directly by default. */
    public static final int DEFAULT_UNINDEXED_SCAN = 10_000;
    /** Tokens of text around the match in a snippet. */
    static final int SNIPPET_TOKENS = 24;
    private static final String TAIL = "temp.conversation_search_tail";
    /**
     * SQLite's generic error code. The statements here are fixed and tested; only the MATCH text varies, so with
     * raw syntax this code means the query was not valid FTS5 (a syntax error, an unknown column, an unfinished
     * string). Anything else (busy, I/O, corruption) is not the user's to fix.
     */
    private static final int SQLITE_ERROR = 1;

    private final Connection db;

    public SearchQuery(Connection db) {
        this.db = db;
    }

    /** Hit order. */
    public enum Order {
        /** Best match first (FTS5's bm25 rank), then newest. */
        RANK,
        /** Newest row first (the order rows were stored). */
        NEWEST
    }

    /**
     * What to search for.
     *
     * @param text the search; plain words unless {@code raw}
     * @param raw true: {@code text} is an FTS5 query (AND, OR, NOT, NEAR, "phrases", prefix*, tool:/body: columns)
     * @param taskId only conversations of the workers of this task, or null
     * @param workerId only this worker's conversation, or null
     * @param order hit order
     * @param limit hits per page, 1 to {@link #MAX_LIMIT}
     * @param offset hits to skip (paging); offset + limit at most {@link #MAX_WINDOW}
     * @param markOpen put before each matched word in the snippet
     * @param markClose put after it
     * @param unindexedScan at most this many rows above the index's watermark are searched directly (newest first)
     */
    public record Request(String text, boolean raw, String taskId, String workerId, Order order, int limit,
                          int offset, String markOpen, String markClose, int unindexedScan) {
        public Request {
            Objects.requireNonNull(order, "order");
            Objects.requireNonNull(markOpen, "markOpen");
            Objects.requireNonNull(markClose, "markClose");
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new BadSearchException("limit must be 1 to " + MAX_LIMIT + ": " + limit);
            }
            if (offset < 0 || (long) offset + limit > MAX_WINDOW) {
                throw new BadSearchException("offset must be 0 or more and offset + limit at most " + MAX_WINDOW
                        + ": " + offset);
            }
            if (unindexedScan < 0) {
                throw new BadSearchException("unindexedScan must not be negative: " + unindexedScan);
            }
        }

        /** A plain search: best first, 20 hits, matches marked with « and ». */
        public static Request of(String text) {
            return new Request(text, false, null, null, Order.RANK, 20, 0, "«", "»", DEFAULT_UNINDEXED_SCAN);
        }

        public Request withRaw(boolean r) {
            return new Request(text, r, taskId, workerId, order, limit, offset, markOpen, markClose, unindexedScan);
        }

        public Request withTask(String task) {
            return new Request(text, raw, task, workerId, order, limit, offset, markOpen, markClose, unindexedScan);
        }

        public Request withWorker(String worker) {
            return new Request(text, raw, taskId, worker, order, limit, offset, markOpen, markClose, unindexedScan);
        }

        public Request withOrder(Order o) {
            return new Request(text, raw, taskId, workerId, o, limit, offset, markOpen, markClose, unindexedScan);
        }

        public Request withPage(int pageLimit, int pageOffset) {
            return new Request(text, raw, taskId, workerId, order, pageLimit, pageOffset, markOpen, markClose,
                    unindexedScan);
        }

        public Request withMarks(String open, String close) {
            return new Request(text, raw, taskId, workerId, order, limit, offset, open, close, unindexedScan);
        }

        public Request withUnindexedScan(int rows) {
            return new Request(text, raw, taskId, workerId, order, limit, offset, markOpen, markClose, rows);
        }
    }

    /**
     * One conversation block that matched. {@code workerId} and {@code messageIndex} open it in a conversation
     * viewer; {@code conversationId} is its row.
     *
     * @param snippet the text around the match (tool input or output for tool rows), matched words between the
     *     request's marks, "…" where text was cut. Transcript text: escape it before showing it as HTML
     * @param rank FTS5 bm25 rank: lower is better (negative); ranks of rows not indexed yet come from their own
     *     small index and compare only roughly with the others. On PostgreSQL {@code -ts_rank}, also lower is
     *     better, in another order than bm25's (docs/search.md, "PostgreSQL")
     * @param indexed false: found among the rows not indexed yet
     */
    public record Hit(long conversationId, String workerId, String taskId, long messageIndex, String timestamp,
                      String role, String contentType, String toolName, String snippet, double rank,
                      boolean indexed) {
    }

    /**
     * One page of hits.
     *
     * @param match the FTS5 query that ran (the plain text quoted, or the raw text); on PostgreSQL the tsquery
     * @param hasMore more hits follow this page
     * @param unindexedRows rows above the index's watermark: written since the indexer last ran
     * @param unsearchedRows of those, rows not searched (beyond {@link Request#unindexedScan}): 0 means the
     *     answer is complete
     */
    public record Result(String match, List<Hit> hits, boolean hasMore, long unindexedRows, long unsearchedRows) {
    }

    /**
     * Runs the search in one read transaction (the index, its watermark and the rows above it seen at the same
     * moment). Throws {@link BadSearchException} for a search the user must change (empty, too long, bad raw
     * syntax), {@link SQLException} for anything else.
     */
    public Result run(Request r) throws SQLException {
        if (io.taclog.sink.dialect.Dialect.of(db) instanceof io.taclog.sink.dialect.PostgresDialect) {
            return new PostgresSearch(db).run(r); // the GIN index of schema v21: no watermark, no tail
        }
        String match = r.raw() ? MatchText.raw(r.text()) : MatchText.plain(r.text());
        if (!SearchIndex.exists(db)) {
            ConversationsFile.Link link = ConversationsFile.link(db);
            if (link != null && link.split()) { // the index lives with the conversations, in the file that is away
                throw new SQLException("the search index is in the conversations file " + link.path() + ", which "
                        + "cannot be read (its disk is away?); search again once it is back");
            }
            throw new SQLException("this database has no search index (schema v11); run `taclog migrate`");
        }
        boolean own = db.getAutoCommit();
        if (own) {
            db.setAutoCommit(false); // one snapshot for watermark, index and tail
        }
        try {
            return search(r, match);
        } finally {
            if (own) {
                db.rollback(); // nothing was written to the database (the temporary table is gone)
                db.setAutoCommit(true);
            }
        }
    }

    private Result search(Request r, String match) throws SQLException {
        // named by schema: with --include-archives, TEMP views of the same names would come first
        String schema = io.taclog.sink.ConversationsFile.schemaOf(db) + ".";
        long through = SearchIndex.indexedThrough(db);
        long unindexed = SearchIndex.behindRows(db, through);
        int want = r.offset() + r.limit() + 1; // one more than the page: is there a next page?
        long[] range = rowRange(r, schema); // read once for the index and the rows it has not reached
        List<Hit> hits = new ArrayList<>();
        long scanned = 0;
        if (unindexed > 0 && r.unindexedScan() > 0) {
            scanned = Math.min(unindexed, r.unindexedScan());
            hits.addAll(searchTail(r, match, through, want, schema, range));
        }
        hits.addAll(find(r, match, schema + SearchIndex.TABLE, SearchIndex.TABLE, true, want, schema, range));
        // the index holds ids up to the watermark, the tail those above it (one snapshot): no row is in both
        List<Hit> unique = hits.stream().sorted(order(r.order())).toList();
        int from = Math.min(r.offset(), unique.size());
        int to = Math.min(r.offset() + r.limit(), unique.size());
        return new Result(match, List.copyOf(unique.subList(from, to)), unique.size() > to, unindexed,
                unindexed - scanned);
    }

    private static Comparator<Hit> order(Order o) {
        Comparator<Hit> newest = Comparator.comparingLong(Hit::conversationId).reversed();
        return o == Order.NEWEST ? newest : Comparator.comparingDouble(Hit::rank).thenComparing(newest);
    }

    /**
     * The rows above the watermark: the newest of them copied into a temporary FTS5 table (this connection's own,
     * dropped afterwards) and searched with the same query.
     */
    private List<Hit> searchTail(Request r, String match, long through, int want, String schema, long[] range)
            throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + TAIL);
            s.execute("CREATE VIRTUAL TABLE " + TAIL + " USING fts5(tool, body, tokenize = '"
                    + SearchIndex.TOKENIZE + "')");
        }
        try {
            // the newest rows, inserted oldest first: FTS5 flushes its buffer at every rowid lower than the last
            // one, which made a descending insert four times slower
            try (PreparedStatement ps = db.prepareStatement("INSERT INTO " + TAIL + "(rowid, tool, body) "
                    + "SELECT conversation_id, tool, body FROM " + schema + SearchIndex.SOURCE + " WHERE conversation_id >= "
                    + "(SELECT MIN(conversation_id) FROM (SELECT conversation_id FROM " + schema + "conversations "
                    + "WHERE conversation_id > ? ORDER BY conversation_id DESC LIMIT ?)) ORDER BY conversation_id")) {
                ps.setLong(1, through);
                ps.setInt(2, r.unindexedScan());
                ps.executeUpdate();
            }
            return find(r, match, TAIL, "conversation_search_tail", false, want, schema, range);
        } finally {
            try (Statement s = db.createStatement()) {
                s.execute("DROP TABLE IF EXISTS " + TAIL);
            }
        }
    }

    /**
     * The best {@code want} hits of one FTS5 table. The index drives the query (the planner puts the MATCH first
     * and, for rank order, lets FTS5 sort and stop at the limit); the join to conversations drops rows deleted
     * since they were indexed before their snippet is asked for, which would fail on a missing row.
     */
    private List<Hit> find(Request r, String match, String table, String name, boolean indexed, int want,
                           String schema, long[] range) throws SQLException {
        String sql = "SELECT c.conversation_id, c.worker_id, w.task_id, c.message_index, c.timestamp, c.role, "
                + "c.content_type, c.tool_name, snippet(" + name + ", -1, ?1, ?2, '…', " + SNIPPET_TOKENS + "), "
                + name + ".rank "
                + "FROM " + table + " JOIN " + schema + "conversations c ON c.conversation_id = " + name + ".rowid "
                + "LEFT JOIN main.worker_sessions w ON w.worker_id = c.worker_id "
                + "WHERE " + name + " MATCH ?3 AND (?4 IS NULL OR w.task_id = ?4) AND (?5 IS NULL OR c.worker_id = ?5) "
                + "AND " + name + ".rowid BETWEEN ?7 AND ?8 "
                + "ORDER BY " + (r.order() == Order.NEWEST ? name + ".rowid DESC" : name + ".rank") + " LIMIT ?6";
        List<Hit> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setString(1, r.markOpen());
            ps.setString(2, r.markClose());
            ps.setString(3, match);
            ps.setString(4, r.taskId());
            ps.setString(5, r.workerId());
            ps.setInt(6, want);
            ps.setLong(7, range[0]);
            ps.setLong(8, range[1]);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Hit(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getDouble(10),
                            indexed));
                }
            }
        } catch (SQLException e) {
            if (r.raw() && e.getErrorCode() == SQLITE_ERROR) {
                throw new BadSearchException("not a valid FTS5 query: " + reason(e)
                        + " (a plain search, without raw syntax, takes the words as they are)");
            }
            throw e;
        }
        return out;
    }

    /**
     * The first and last conversation row of the searched task or worker (every row when the search has neither).
     * FTS5 walks its matches by rowid within these bounds: a word found in two million rows, searched in one task,
     * reads the matches between the task's first and last row, not every match newer than the task.
     */
    private long[] rowRange(Request r, String schema) throws SQLException {
        if (r.taskId() == null && r.workerId() == null) {
            return new long[] {Long.MIN_VALUE, Long.MAX_VALUE};
        }
        try (PreparedStatement ps = db.prepareStatement("SELECT MIN(conversation_id), MAX(conversation_id) FROM "
                + schema + "conversations WHERE worker_id IN (SELECT worker_id FROM main.worker_sessions "
                + "WHERE task_id = ?1 AND ?2 IS NULL UNION ALL SELECT ?2 WHERE ?2 IS NOT NULL)")) {
            ps.setString(1, r.taskId());
            ps.setString(2, r.workerId());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long first = rs.getLong(1);
                return rs.wasNull() ? new long[] {1, 0} : new long[] {first, rs.getLong(2)};
            }
        }
    }

    /**
     * SQLite's own words from the driver's message ("[SQLITE_ERROR] SQL error or missing database (fts5: syntax
     * error near "(")").
     */
    static String reason(SQLException e) {
        String m = String.valueOf(e.getMessage());
        int open = m.indexOf('(');
        return open >= 0 && m.endsWith(")") ? m.substring(open + 1, m.length() - 1) : m;
    }
}
