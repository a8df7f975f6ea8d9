package io.taclog.sink;

import static io.taclog.sink.ConversationsFile.FILE_TABLE;
import static io.taclog.sink.ConversationsFile.LINK_TABLE;
import static io.taclog.sink.ConversationsFile.REDO_TABLE;
import static io.taclog.sink.ConversationsFile.SCHEMA;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a write transaction that changed conversation rows repairable when a crash splits its commit in two.
 *
 * <p>In WAL mode SQLite commits a transaction over attached files one file after the other, the main file first:
 * a crash between the two leaves the main file's rows and offsets committed and the conversations file one commit
 * behind. So every such transaction also writes, into the main file, the final image of every conversation row it
 * inserted, changed or deleted ({@value ConversationsFile#REDO_TABLE}, replacing the previous transaction's), and
 * counts up a commit number kept in both files. A transaction that finds the conversations file one number behind
 * applies the images first (delete the rows by id, insert the images): the conversations file then holds exactly
 * what the lost commit would have written, and the source bytes, whose offsets did commit, are never read twice.
 * Transactions that touch no conversation row write nothing extra.
 */
final class ConversationsRedo implements Database.TransactionHook {

    private static final Logger LOG = LoggerFactory.getLogger(ConversationsRedo.class);
    private static final String TOUCHED = "conversations_touched";

    private final Connection writer;
    private final String columns;
    private final CrashBetweenCommits crash;
    /** The commit number both files hold. */
    private long seq;
    /** The number this transaction gives its commit, 0 while it touched no conversation row. */
    private long pending;

    private ConversationsRedo(Connection writer, String columns, long seq, CrashBetweenCommits crash) {
        this.writer = writer;
        this.columns = columns;
        this.seq = seq;
        this.crash = crash;
    }

    /**
     * Prepares the writer connection (a TEMP table of the touched ids, filled by TEMP triggers: the only triggers that
     * may watch another file's table) and the main file's redo table (made again when a migration changed the
     * conversations table's columns; it is empty of use once both files hold the same commit).
     */
    static ConversationsRedo install(Connection writer, CrashBetweenCommits crash) throws SQLException {
        List<String> cols = TableColumns.of(writer, SCHEMA, "conversations");
        installTriggers(writer);
        List<String> redoCols = TableColumns.of(writer, "main", REDO_TABLE);
        List<String> wanted = new ArrayList<>(List.of("redo_seq", "redo_id"));
        wanted.addAll(cols);
        if (!redoCols.equals(wanted)) {
            try (Statement s = writer.createStatement()) {
                s.execute("DROP TABLE IF EXISTS main." + REDO_TABLE);
                // the conversations table's own columns, without its constraints: a deleted row is all NULL
                s.execute("CREATE TABLE main." + REDO_TABLE + " AS SELECT 0 AS redo_seq, 0 AS redo_id, * FROM "
                        + SCHEMA + ".conversations WHERE 0");
            }
        }
        ConversationsFile.Link link = ConversationsFile.link(writer);
        return new ConversationsRedo(writer, String.join(", ", cols), link.seq(), crash);
    }

    /** The TEMP table of touched ids and the TEMP triggers that fill it. */
    static void installTriggers(Connection writer) throws SQLException {
        try (Statement s = writer.createStatement()) {
            s.execute("CREATE TEMP TABLE IF NOT EXISTS " + TOUCHED + " (conversation_id INTEGER PRIMARY KEY)");
            s.execute("CREATE TEMP TRIGGER IF NOT EXISTS conversations_touched_insert AFTER INSERT ON " + SCHEMA
                    + ".conversations BEGIN INSERT OR IGNORE INTO " + TOUCHED + " VALUES (NEW.conversation_id); END");
            s.execute("CREATE TEMP TRIGGER IF NOT EXISTS conversations_touched_update AFTER UPDATE ON " + SCHEMA
                    + ".conversations BEGIN INSERT OR IGNORE INTO " + TOUCHED + " VALUES (OLD.conversation_id); "
                    + "INSERT OR IGNORE INTO " + TOUCHED + " VALUES (NEW.conversation_id); END");
            s.execute("CREATE TEMP TRIGGER IF NOT EXISTS conversations_touched_delete AFTER DELETE ON " + SCHEMA
                    + ".conversations BEGIN INSERT OR IGNORE INTO " + TOUCHED + " VALUES (OLD.conversation_id); END");
        }
    }

    /** Drops the TEMP triggers on the conversations file's table, so that the file can be detached. */
    static void uninstall(Connection writer) throws SQLException {
        try (Statement s = writer.createStatement()) {
            for (String op : List.of("insert", "update", "delete")) {
                s.execute("DROP TRIGGER IF EXISTS temp.conversations_touched_" + op);
            }
            s.execute("DELETE FROM temp." + TOUCHED);
        }
    }

    @Override
    public void beforeWork() throws SQLException {
        pending = 0;
        if (crash != null) {
            crash.beforeTransaction();
        }
        repairIfBehind();
    }

    /** Applies the last commit's conversation rows when only the main file received them (a crash cut it). */
    private void repairIfBehind() throws SQLException {
        long fileSeq = scalar("SELECT seq FROM " + SCHEMA + "." + FILE_TABLE + " WHERE id = 1");
        long mainSeq = scalar("SELECT seq FROM main." + LINK_TABLE + " WHERE id = 1");
        if (fileSeq == mainSeq) {
            seq = mainSeq;
            return;
        }
        long images = scalar("SELECT COUNT(*) FROM main." + REDO_TABLE + " WHERE redo_seq = " + mainSeq);
        if (fileSeq != mainSeq - 1 || images == 0) {
            throw new ConversationsFileRefused("the conversations file is at commit " + fileSeq
                    + " and the database at commit " + mainSeq + ", and the database holds no rows to repair that "
                    + "(two files of different backups?)");
        }
        if (io.taclog.search.SearchIndex.exists(writer)) {
            // the lost commit also took the rows it deleted out of the search index (an archive does): FTS5 forgets
            // a row only from its text, which is still here, so before the delete
            io.taclog.search.SearchIndex.forget(writer, "conversation_id IN (SELECT redo_id FROM main." + REDO_TABLE
                    + " WHERE conversation_id IS NULL)");
        }
        try (Statement s = writer.createStatement()) {
            s.execute("DELETE FROM " + SCHEMA + ".conversations WHERE conversation_id IN (SELECT redo_id FROM main."
                    + REDO_TABLE + ")");
            s.execute("INSERT INTO " + SCHEMA + ".conversations (" + columns + ") SELECT " + columns + " FROM main."
                    + REDO_TABLE + " WHERE conversation_id IS NOT NULL ORDER BY conversation_id");
            s.execute("UPDATE " + SCHEMA + "." + FILE_TABLE + " SET seq = " + mainSeq + " WHERE id = 1");
        }
        seq = mainSeq;
        LOG.warn("the conversations file missed commit {} (a crash between the two files' commits): its {} "
                + "conversation rows were applied from the database's copy", mainSeq, images);
    }

    @Override
    public void beforeCommit() throws SQLException {
        if (scalar("SELECT EXISTS (SELECT 1 FROM temp." + TOUCHED + ")") == 0) {
            return;
        }
        pending = seq + 1;
        try (Statement s = writer.createStatement()) {
            s.execute("DELETE FROM main." + REDO_TABLE);
            s.execute("INSERT INTO main." + REDO_TABLE + " SELECT " + pending + ", t.conversation_id, c.* FROM temp."
                    + TOUCHED + " t LEFT JOIN " + SCHEMA + ".conversations c ON c.conversation_id = t.conversation_id");
            s.execute("UPDATE main." + LINK_TABLE + " SET seq = " + pending + " WHERE id = 1");
            s.execute("UPDATE " + SCHEMA + "." + FILE_TABLE + " SET seq = " + pending + " WHERE id = 1");
            s.execute("DELETE FROM temp." + TOUCHED);
        }
    }

    @Override
    public void afterCommit() {
        if (pending > 0) {
            seq = pending;
            if (crash != null) {
                crash.committed();
            }
        }
        pending = 0;
    }

    @Override
    public void afterRollback() {
        pending = 0; // the TEMP table's rows rolled back with the transaction
    }

    private long scalar(String sql) throws SQLException {
        try (Statement s = writer.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
