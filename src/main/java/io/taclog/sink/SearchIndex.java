package io.taclog.sink;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The full-text index of conversations (schema v11, {@code conversations_fts}) and the triggers that keep it in the
 * writer's transactions. It costs the writer the tokenising of every text it stores (docs/performance.md), so it
 * can be turned off ({@code taclog.search.index = false}): the triggers are dropped and the index emptied, never
 * left half kept. Turned on again, the triggers come back and the index is rebuilt from every stored block, in one
 * transaction, at the start of the next ingest command.
 */
public final class SearchIndex {

    private static final Logger LOG = LoggerFactory.getLogger(SearchIndex.class);

    /** The text a block is indexed by: the whole tool input or output, else the text. */
    static final String BODY = "COALESCE(new.tool_output, new.tool_input, new.content)";

    /** Names and SQL of the triggers, as V011 creates them. */
    static final String[][] TRIGGERS = {
        {"conversations_fts_insert", "CREATE TRIGGER conversations_fts_insert AFTER INSERT ON conversations BEGIN\n"
            + "  INSERT INTO conversations_fts(rowid, body) VALUES (new.conversation_id, " + BODY + "); END"},
        {"conversations_fts_delete", "CREATE TRIGGER conversations_fts_delete AFTER DELETE ON conversations BEGIN\n"
            + "  DELETE FROM conversations_fts WHERE rowid = old.conversation_id; END"},
        {"conversations_fts_update", "CREATE TRIGGER conversations_fts_update AFTER UPDATE OF content, tool_input, "
            + "tool_output ON conversations BEGIN\n  DELETE FROM conversations_fts WHERE rowid = old.conversation_id; "
            + "INSERT INTO conversations_fts(rowid, body) VALUES (new.conversation_id, " + BODY + "); END"},
    };

    private SearchIndex() {
    }

    /** Whether the index is kept (its insert trigger exists); false also for a database older than v11. */
    public static boolean kept(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = 'conversations_fts_insert'")) {
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Keeps the index (rebuilding it when it was off) or stops keeping it (and empties it). */
    public static void install(Database db, boolean enabled) throws SQLException {
        boolean kept = db.withWriter(SearchIndex::kept);
        if (kept == enabled) {
            return;
        }
        long t0 = System.nanoTime();
        long rows = db.write(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO conversations_fts(conversations_fts) VALUES ('delete-all')");
                for (String[] t : TRIGGERS) {
                    s.execute("DROP TRIGGER IF EXISTS " + t[0]);
                    if (enabled) {
                        s.execute(t[1]);
                    }
                }
                return enabled ? (long) s.executeUpdate("INSERT INTO conversations_fts(rowid, body) SELECT "
                        + "conversation_id, COALESCE(tool_output, tool_input, content) FROM conversations") : 0L;
            }
        });
        if (enabled) {
            LOG.info("search index turned on: {} conversation blocks indexed in {} ms", rows,
                    (System.nanoTime() - t0) / 1_000_000);
        } else {
            LOG.info("search index turned off (taclog.search.index = false): emptied, no longer kept");
        }
    }
}
