package io.taclog.sink;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * Read-only connections (queries, validation, the dashboard): they never take the write lock, so they never
 * block the writer. Free of logging on purpose: a query that opens the database does not start the logging
 * system.
 */
public final class ReadOnlyDatabase {

    private ReadOnlyDatabase() {
    }

    /** Opens {@code path} read-only; fails when it does not exist (a read-only open never creates it). */
    public static Connection open(Path path, int busyTimeoutMillis) throws SQLException {
        if (!Files.isRegularFile(path)) {
            throw new SQLException("database " + path + " does not exist");
        }
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setReadOnly(true);
        cfg.setOpenMode(SQLiteOpenMode.READONLY);
        cfg.setBusyTimeout(busyTimeoutMillis);
        Connection c = cfg.createConnection("jdbc:sqlite:" + path);
        try {
            attachConversations(c);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /**
     * A split database's conversations file, attached read-only (as the connection is) under the name the seed's
     * queries use. A file that is missing or is not this database's is left out: every query that does not read the
     * conversations still answers, and {@link ConversationsFile#attached} tells the caller.
     */
    private static void attachConversations(Connection c) throws SQLException {
        ConversationsFile.Link link = ConversationsFile.link(c);
        if (link == null || !link.split()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("ATTACH DATABASE ? AS " + ConversationsFile.SCHEMA)) {
            ps.setString(1, link.path());
            ps.execute();
        } catch (SQLException e) {
            return; // cannot be opened (a disk that went away)
        }
        ConversationsFile.Identity id;
        try {
            id = ConversationsFile.identity(c, ConversationsFile.SCHEMA);
        } catch (SQLException e) {
            id = null; // not a database (a file that replaced it)
        }
        if (id == null || !id.fileId().equals(link.fileId())) {
            try (Statement s = c.createStatement()) {
                s.execute("DETACH DATABASE " + ConversationsFile.SCHEMA);
            }
        }
    }
}
