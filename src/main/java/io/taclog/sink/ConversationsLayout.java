package io.taclog.sink;

import static io.taclog.sink.ConversationsFile.FILE_TABLE;
import static io.taclog.sink.ConversationsFile.LINK_TABLE;
import static io.taclog.sink.ConversationsFile.SCHEMA;

import io.taclog.model.Times;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the conversations into the attached file: moves them out of the main file the first time (a new database
 * after its migrations, or a single-file database switched to the split layout), in steps a crash can resume.
 *
 * <p>What moves: the conversations table with its indexes, and what only reads it, which SQLite requires to live
 * in the same file: the full-text index (FTS5 finds its external content in its own schema), its watermark and
 * source view, and the {@code tool_calls} view (a view in one file cannot name another file's table). The index
 * starts empty in the new file; the search indexer fills it again.
 */
final class ConversationsLayout {

    private static final Logger LOG = LoggerFactory.getLogger(ConversationsLayout.class);

    /** The objects that leave the main file, besides the conversations table's indexes. */
    static final List<String> MOVED = List.of("conversations", "search_index_state", "conversation_search",
            "conversation_search_source", "tool_calls");
    private static final Pattern CREATE = Pattern.compile(
            "^(\\s*CREATE\\s+(?:UNIQUE\\s+|VIRTUAL\\s+)?(?:TABLE|INDEX|VIEW)\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?)",
            Pattern.CASE_INSENSITIVE);

    private ConversationsLayout() {
    }

    /** Whether the main file (its schema complete) still holds the conversations and must give them up. */
    static boolean mustMove(Connection c) throws SQLException {
        return ConversationsFile.hasTable(c, "main", "conversations");
    }

    /**
     * Moves the conversations to the attached file: (1) the main file records the link as {@code moving}; (2) the
     * conversations file gets the objects and a copy of the rows, in a transaction of its own; (3) the main file
     * drops its objects and records the link as {@code split}. A crash after (1) or (2) redoes (2) from the start.
     */
    static void move(Database db, Path file) throws SQLException {
        long t0 = System.nanoTime();
        db.write(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS main." + LINK_TABLE + " (id INTEGER PRIMARY KEY CHECK (id = 1), "
                        + "main_id TEXT NOT NULL, file_id TEXT NOT NULL, path TEXT NOT NULL, state TEXT NOT NULL, "
                        + "seq INTEGER NOT NULL, linked_at TEXT NOT NULL)");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO main." + LINK_TABLE + " (id, main_id, file_id, "
                    + "path, state, seq, linked_at) VALUES (1, ?, ?, ?, ?, 0, ?) ON CONFLICT(id) DO NOTHING")) {
                ps.setString(1, UUID.randomUUID().toString());
                ps.setString(2, UUID.randomUUID().toString());
                ps.setString(3, file.toString());
                ps.setString(4, ConversationsFile.MOVING);
                ps.setString(5, Times.format(Instant.now()));
                ps.executeUpdate();
            }
            return null;
        });
        ConversationsFile.Link link = db.withWriter(ConversationsFile::link);
        long rows = db.write(c -> copyOut(c, link));
        db.write(c -> {
            dropFromMain(c);
            try (PreparedStatement ps = c.prepareStatement("UPDATE main." + LINK_TABLE + " SET state = ? WHERE id = 1")) {
                ps.setString(1, ConversationsFile.SPLIT);
                ps.executeUpdate();
            }
            return null;
        });
        LOG.info("conversations moved to {} ({} rows, {} ms)", file, rows, (System.nanoTime() - t0) / 1_000_000);
    }

    /** Step 2: the conversations file's objects, rows and identity, written to that file only. */
    private static long copyOut(Connection c, ConversationsFile.Link link) throws SQLException {
        List<String[]> objects = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT type, name, sql FROM "
                + "main.sqlite_master WHERE sql IS NOT NULL AND (name IN ('" + String.join("','", MOVED) + "') OR "
                + "(type = 'index' AND tbl_name = 'conversations')) ORDER BY CASE type WHEN 'table' THEN 0 WHEN "
                + "'index' THEN 1 ELSE 2 END, rowid")) {
            while (rs.next()) {
                objects.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
            }
        }
        refuseOtherReaders(c);
        try (Statement s = c.createStatement()) {
            // what a crash in an earlier attempt left (views first: they name the tables)
            for (String view : List.of("tool_calls", "conversation_search_source")) {
                s.execute("DROP VIEW IF EXISTS " + SCHEMA + "." + view);
            }
            for (String table : List.of("conversation_search", "search_index_state", "conversations", FILE_TABLE)) {
                s.execute("DROP TABLE IF EXISTS " + SCHEMA + "." + table);
            }
            for (String[] o : objects) {
                s.execute(qualify(o[2]));
            }
            long rows = s.executeUpdate("INSERT INTO " + SCHEMA + ".conversations SELECT * FROM main.conversations");
            // AUTOINCREMENT: an id is never used twice, also the ids of rows deleted at the end of the table
            s.execute("INSERT INTO " + SCHEMA + ".sqlite_sequence (name, seq) SELECT 'conversations', 0 WHERE NOT EXISTS "
                    + "(SELECT 1 FROM " + SCHEMA + ".sqlite_sequence WHERE name = 'conversations')");
            s.execute("UPDATE " + SCHEMA + ".sqlite_sequence SET seq = MAX(seq, COALESCE((SELECT seq FROM "
                    + "main.sqlite_sequence WHERE name = 'conversations'), 0)) WHERE name = 'conversations'");
            s.execute("DELETE FROM " + SCHEMA + ".search_index_state");
            s.execute("INSERT INTO " + SCHEMA + ".search_index_state (id, indexed_through, indexed_rows, updated_at) "
                    + "VALUES (1, 0, 0, NULL)"); // the index starts empty here: the indexer fills it again
            s.execute("CREATE TABLE " + SCHEMA + "." + FILE_TABLE + " (id INTEGER PRIMARY KEY CHECK (id = 1), "
                    + "file_id TEXT NOT NULL, main_id TEXT NOT NULL, seq INTEGER NOT NULL, created_at TEXT NOT NULL)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + SCHEMA + "." + FILE_TABLE
                    + " (id, file_id, main_id, seq, created_at) VALUES (1, ?, ?, 0, ?)")) {
                ps.setString(1, link.fileId());
                ps.setString(2, link.mainId());
                ps.setString(3, Times.format(Instant.now()));
                ps.executeUpdate();
            }
            return rows;
        }
    }

    /** A view of the main file that reads the conversations would break once they leave: refuse rather. */
    private static void refuseOtherReaders(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT name FROM main.sqlite_master "
                + "WHERE type IN ('view', 'trigger') AND sql LIKE '%conversations%' AND name NOT IN ('"
                + String.join("','", MOVED) + "')")) {
            if (rs.next()) {
                throw new SQLException("the main file's " + rs.getString(1) + " reads the conversations table; it "
                        + "cannot stay when the conversations move to their own file (ConversationsLayout.MOVED)");
            }
        }
    }

    /** Step 3: the main file's copies go. */
    private static void dropFromMain(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("DROP VIEW IF EXISTS main.tool_calls");
            s.execute("DROP VIEW IF EXISTS main.conversation_search_source");
            s.execute("DROP TABLE IF EXISTS main.conversation_search");
            s.execute("DROP TABLE IF EXISTS main.search_index_state");
            s.execute("DROP TABLE IF EXISTS main.conversations");
            s.execute("DELETE FROM main.sqlite_sequence WHERE name = 'conversations'");
        }
    }

    /** A CREATE statement of the main file made to create its object in the conversations file. */
    static String qualify(String createSql) {
        Matcher m = CREATE.matcher(createSql);
        if (!m.find()) {
            throw new IllegalArgumentException("not a CREATE TABLE, INDEX or VIEW: " + createSql);
        }
        return m.group(1) + SCHEMA + "." + createSql.substring(m.end()).stripLeading();
    }
}
