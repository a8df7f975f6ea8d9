package io.taclog.sink;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * For a query of a split database whose conversations file is away (docs/storage.md, "When the second disk goes
 * away"): empty TEMP stand-ins of the file's {@code conversations} table and {@code tool_calls} view on the reader's
 * own connection, so that every query answers from what the main file holds (API calls, tokens, cost, sessions,
 * tasks, workers, events) instead of failing on a missing table; the caller says on stderr that conversation content
 * is left out. Nothing is written to either file: TEMP objects live in the connection's memory.
 */
public final class ConversationsStandIn {

    /**
     * The schema's {@code tool_calls} view (migration V005) over whatever {@code conversations} the connection sees;
     * {@code ConversationsFileIT} checks that it is still the definition the conversations file holds.
     */
    static final String TOOL_CALLS = "SELECT u.worker_id, u.tool_use_id, u.tool_name, u.timestamp AS called_at, "
            + "r.timestamp AS answered_at, r.tool_success, r.tool_latency_ms, u.is_sidechain, "
            + "r.conversation_id IS NULL AS unanswered, u.conversation_id AS call_conversation_id, "
            + "r.conversation_id AS result_conversation_id FROM conversations u LEFT JOIN conversations r "
            + "ON r.worker_id = u.worker_id AND r.dedup_key = 'tr:' || u.tool_use_id WHERE u.content_type = 'tool_use'";

    private ConversationsStandIn() {
    }

    /**
     * Creates the stand-ins when the connection belongs to a split database whose file is not attached (and no TEMP
     * object of that name is there already, e.g. the archives' views); returns the path of the file that is away, or
     * null when nothing was needed. The columns come from the main file's redo table, which has the conversations
     * table's own columns ({@link ConversationsRedo}).
     */
    public static String install(Connection c) throws SQLException {
        ConversationsFile.Link link = ConversationsFile.link(c);
        if (link == null || !link.split() || ConversationsFile.attached(c)) {
            return null;
        }
        if (ConversationsFile.hasTable(c, "temp", "conversations")
                || !ConversationsFile.hasTable(c, "main", ConversationsFile.REDO_TABLE)) {
            return link.path();
        }
        List<String> cols = TableColumns.of(c, "main", ConversationsFile.REDO_TABLE);
        cols = cols.subList(2, cols.size()); // without redo_seq, redo_id
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TEMP TABLE conversations AS SELECT \"" + String.join("\", \"", cols) + "\" FROM main."
                    + ConversationsFile.REDO_TABLE + " WHERE 0");
            if (!ConversationsFile.hasTable(c, "temp", "tool_calls")) {
                s.execute("CREATE TEMP VIEW tool_calls AS " + TOOL_CALLS);
            }
        }
        return link.path();
    }
}
