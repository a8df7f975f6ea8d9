package io.taclog.query;

import io.taclog.search.Snippet;
import io.taclog.search.TsQueryText;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link SearchQuery} on PostgreSQL (docs/search.md, "PostgreSQL"): the words of every conversation row, stored in
 * {@code conversation_search_words} by a trigger in the row's own transaction and GIN-indexed (schema v21), so there
 * is no watermark and no rows to search beside the index; ranking, phrases and column filters read the stored words. The search text becomes a tsquery ({@link TsQueryText}), bound
 * as a parameter; the rank is {@code -ts_rank} (lower is better, as FTS5's bm25); the snippets of the page are made
 * in Java ({@link Snippet}) from the view {@code conversation_search_source}.
 */
final class PostgresSearch {

    /** The stored words of a conversation row (V021's conversation_search_words, GIN-indexed). */
    static final String DOCUMENT = "s.document";

    private final Connection db;

    PostgresSearch(Connection db) {
        this.db = db;
    }

    SearchQuery.Result run(SearchQuery.Request r) throws SQLException {
        TsQueryText.Translated q = r.raw() ? TsQueryText.raw(r.text()) : TsQueryText.plain(r.text());
        String match = q.tsquery() == null ? "" : q.tsquery();
        if (q.tsquery() == null) {
            return new SearchQuery.Result(match, List.of(), false, 0, 0);
        }
        if (!io.taclog.sink.dialect.Dialect.of(db).relationExists(db, "conversation_search_source")) {
            throw new SQLException("this database has no search index (schema v21); run `taclog migrate`");
        }
        int want = r.offset() + r.limit() + 1; // one more than the page: is there a next page?
        boolean rank = r.order() == SearchQuery.Order.RANK;
        String sql = "SELECT c.conversation_id, c.worker_id, w.task_id, c.message_index, c.timestamp, c.role, "
                + "c.content_type, c.tool_name, "
                + "-ts_rank(" + DOCUMENT + ", to_tsquery('simple', ?)) AS rank "
                + "FROM conversation_search_words s JOIN conversations c ON c.conversation_id = s.conversation_id "
                + "LEFT JOIN worker_sessions w ON w.worker_id = c.worker_id "
                + "WHERE " + DOCUMENT + " @@ to_tsquery('simple', ?) "
                + "AND (CAST(? AS TEXT) IS NULL OR w.task_id = ?) AND (CAST(? AS TEXT) IS NULL OR c.worker_id = ?) "
                + "ORDER BY " + (rank ? "rank, " : "") + "c.conversation_id DESC LIMIT ?";
        List<SearchQuery.Hit> rows = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, q.tsquery()); // the rank (after the LIMIT in newest order: PostgreSQL puts it there)
            ps.setString(i++, q.tsquery());
            ps.setString(i++, r.taskId());
            ps.setString(i++, r.taskId());
            ps.setString(i++, r.workerId());
            ps.setString(i++, r.workerId());
            ps.setInt(i, want);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new SearchQuery.Hit(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), null,
                            rs.getDouble(9), true));
                }
            }
        }
        int from = Math.min(r.offset(), rows.size());
        int to = Math.min(r.offset() + r.limit(), rows.size());
        List<SearchQuery.Hit> page = rows.subList(from, to);
        Map<Long, String> snippets = snippets(page, q.terms(), r);
        List<SearchQuery.Hit> hits = new ArrayList<>(page.size());
        for (SearchQuery.Hit h : page) {
            hits.add(new SearchQuery.Hit(h.conversationId(), h.workerId(), h.taskId(), h.messageIndex(),
                    h.timestamp(), h.role(), h.contentType(), h.toolName(), snippets.get(h.conversationId()),
                    h.rank(), true));
        }
        return new SearchQuery.Result(match, Collections.unmodifiableList(hits), rows.size() > to, 0, 0);
    }

    /**
     * The page's snippets: from the body, or from the tool name when only it holds searched words (FTS5's
     * {@code snippet(..., -1, ...)} takes the column that matches best).
     */
    private Map<Long, String> snippets(List<SearchQuery.Hit> page, List<TsQueryText.Term> terms,
                                       SearchQuery.Request r) throws SQLException {
        Map<Long, String> out = new HashMap<>();
        if (page.isEmpty()) {
            return out;
        }
        String marks = String.join(", ", Collections.nCopies(page.size(), "?"));
        try (PreparedStatement ps = db.prepareStatement("SELECT conversation_id, tool, body FROM "
                + "conversation_search_source WHERE conversation_id IN (" + marks + ")")) {
            for (int i = 0; i < page.size(); i++) {
                ps.setLong(i + 1, page.get(i).conversationId());
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String tool = rs.getString(2);
                    String body = rs.getString(3);
                    String text = Snippet.matches(body, terms) == 0 && Snippet.matches(tool, terms) > 0 ? tool : body;
                    out.put(rs.getLong(1), Snippet.of(text, terms, r.markOpen(), r.markClose(),
                            SearchQuery.SNIPPET_TOKENS));
                }
            }
        }
        return out;
    }
}
