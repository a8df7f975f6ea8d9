package io.taclog.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Full-text search over every conversation block (schema v11, {@code conversations_fts}): the whole text of
 * messages, tool inputs and tool outputs. The text is searched as one phrase of words (case and accents ignored,
 * punctuation between words ignored): {@code ECONNREFUSED 127.0.0.1} finds that sequence of words. Nothing of the
 * text is read as FTS5 query syntax, so no input can make a search fail or change meaning. Newest hits first.
 */
public final class SearchQuery {

    /** Characters of context shown on each side of the first occurrence. */
    static final int CONTEXT_CHARS = 120;

    private final Connection db;

    public SearchQuery(Connection db) {
        this.db = db;
    }

    /** One hit: the conversation row, its worker and task, and a snippet around the first occurrence. */
    public record Hit(long conversationId, String workerId, String taskId, long messageIndex, String timestamp,
                      String role, String contentType, String toolName, Boolean toolSuccess, boolean sidechain,
                      String snippet, long length) {
    }

    /** A page of hits and whether more follow; {@code indexed} is false when the index is off (no hits then). */
    public record Page(List<Hit> hits, boolean more, boolean indexed) {

        Page(List<Hit> hits, boolean more) {
            this(hits, more, true);
        }
    }

    /**
     * The FTS5 expression of a text: its words as one phrase. A phrase in double quotes is FTS5's literal form;
     * a double quote inside is doubled. Null when the text holds no word (only punctuation): nothing can match.
     */
    public static String phrase(String text) {
        if (text.codePoints().noneMatch(Character::isLetterOrDigit)) {
            return null;
        }
        return "\"" + text.replace("\"", "\"\"") + "\"";
    }

    /**
     * Hits for {@code text}, newest first, optionally only in one task's workers; {@code offset} hits skipped,
     * at most {@code limit} returned.
     */
    public Page run(String text, String taskId, int limit, int offset) throws SQLException {
        String match = phrase(text);
        if (!io.taclog.sink.SearchIndex.kept(db)) {
            return new Page(List.of(), false, false);
        }
        if (match == null) {
            return new Page(List.of(), false);
        }
        String needle = firstWord(text);
        String columns = "SELECT c.conversation_id, c.worker_id, w.task_id, c.message_index, c.timestamp, c.role, "
                + "c.content_type, c.tool_name, c.tool_success, c.is_sidechain, "
                + "length(COALESCE(c.tool_output, c.tool_input, c.content)) AS len, "
                + "instr(lower(COALESCE(c.tool_output, c.tool_input, c.content)), ?) AS pos ";
        // The index hands out the matches newest first and the page stops the walk. For one task the walk is bounded
        // by the first and last conversation row of the task's workers (a task's rows are written over its own
        // lifetime, so the range holds few rows of other tasks), and each hit is checked against the task.
        long[] range = taskId == null ? null : taskRange(taskId);
        if (range != null && range[0] == 0) {
            return new Page(List.of(), false);
        }
        String sql = columns + "FROM (SELECT rowid AS id FROM conversations_fts WHERE conversations_fts MATCH ? "
                + (range == null ? "" : "AND rowid >= ? AND rowid <= ? ") + "ORDER BY rowid DESC"
                + (range == null ? " LIMIT ? OFFSET ?" : "") + ") f JOIN conversations c ON c.conversation_id = f.id "
                + "LEFT JOIN worker_sessions w ON w.worker_id = c.worker_id "
                + (range == null ? "" : "WHERE w.task_id = ? ") + "ORDER BY f.id DESC"
                + (range == null ? "" : " LIMIT ? OFFSET ?");
        List<long[]> positions = new ArrayList<>();
        List<Hit> hits = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            int i = 1;
            ps.setString(i++, needle);
            ps.setString(i++, match);
            if (range != null) {
                ps.setLong(i++, range[0]);
                ps.setLong(i++, range[1]);
                ps.setString(i++, taskId);
            }
            ps.setInt(i++, limit + 1);
            ps.setInt(i, offset);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    hits.add(new Hit(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                            rs.getString(6), rs.getString(7), rs.getString(8),
                            rs.getObject(9) == null ? null : rs.getInt(9) != 0, rs.getInt(10) != 0, null,
                            rs.getLong(11)));
                    positions.add(new long[] {rs.getLong(1), rs.getLong(12)});
                }
            }
        }
        boolean more = hits.size() > limit;
        if (more) {
            hits = new ArrayList<>(hits.subList(0, limit));
        }
        List<Hit> out = new ArrayList<>(hits.size());
        for (int k = 0; k < hits.size(); k++) {
            Hit h = hits.get(k);
            out.add(new Hit(h.conversationId(), h.workerId(), h.taskId(), h.messageIndex(), h.timestamp(), h.role(),
                    h.contentType(), h.toolName(), h.toolSuccess(), h.sidechain(),
                    snippet(h.conversationId(), positions.get(k)[1], needle.length()), h.length()));
        }
        return new Page(out, more);
    }

    /** The first and last conversation row of a task's workers; {0, 0} when it has none. */
    private long[] taskRange(String taskId) throws SQLException {
        Map<String, Object> r = Rows.one(db, "SELECT MIN(c.conversation_id) AS lo, MAX(c.conversation_id) AS hi "
                + "FROM worker_sessions w JOIN conversations c ON c.worker_id = w.worker_id WHERE w.task_id = ?", taskId);
        return r == null || r.get("lo") == null ? new long[] {0, 0}
                : new long[] {Rows.lng(r.get("lo")), Rows.lng(r.get("hi"))};
    }

    /**
     * The first word of the text in lower case (ASCII case folding, as SQLite's lower()), to place the snippet: the
     * phrase matched somewhere, and its first word is where the snippet centres when found literally.
     */
    static String firstWord(String text) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < text.length() && !Character.isLetterOrDigit(text.codePointAt(i))) {
            i += Character.charCount(text.codePointAt(i));
        }
        while (i < text.length() && Character.isLetterOrDigit(text.codePointAt(i))) {
            sb.appendCodePoint(text.codePointAt(i));
            i += Character.charCount(text.codePointAt(i));
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }

    /** The text around position {@code pos} (1-based; 0 = not found literally: the start of the text). */
    private String snippet(long conversationId, long pos, int needleLength) throws SQLException {
        long start = Math.max(1, pos - CONTEXT_CHARS);
        int length = (int) (pos - start) + needleLength + CONTEXT_CHARS;
        Map<String, Object> r = Rows.one(db, "SELECT substr(COALESCE(tool_output, tool_input, content), ?, ?) AS s "
                + "FROM conversations WHERE conversation_id = ?", start, length, conversationId);
        String s = r == null || r.get("s") == null ? "" : (String) r.get("s");
        return (start > 1 ? "…" : "") + s.replace('\n', ' ').replace('\r', ' ');
    }

    /** As maps, for JSON and tables. */
    public static List<Map<String, Object>> rows(List<Hit> hits) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Hit h : hits) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("conversation_id", h.conversationId());
            m.put("worker_id", h.workerId());
            m.put("task_id", h.taskId());
            m.put("message_index", h.messageIndex());
            m.put("timestamp", h.timestamp());
            m.put("role", h.role());
            m.put("content_type", h.contentType());
            m.put("tool_name", h.toolName());
            m.put("tool_success", h.toolSuccess());
            m.put("is_sidechain", h.sidechain());
            m.put("length", h.length());
            m.put("snippet", h.snippet());
            out.add(m);
        }
        return out;
    }
}
