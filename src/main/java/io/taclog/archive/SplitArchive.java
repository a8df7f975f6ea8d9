package io.taclog.archive;

import io.taclog.sink.ConversationsFile;
import io.taclog.sink.ConversationsSpool;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A monthly archive of a database in the split layout (docs/storage.md, "The split layout"): the month's
 * conversations are read from, and deleted in, the conversations file, and the archive itself is a single-file
 * database (conversations in its main file), so that archives read the same whatever layout they were cut from.
 *
 * <p>It runs only while both files are there and nothing waits in the spool: with the file away its rows cannot be
 * read or deleted, and spooled blocks of the month would be stored after the month was archived.
 */
final class SplitArchive {

    private SplitArchive() {
    }

    /**
     * Refuses ({@link ArchiveRefused}) a split database whose conversations file is not attached to {@code c} (away,
     * or not this database's), whose conversations are still being moved, or whose spool holds blocks. Nothing for a
     * single-file database.
     */
    static void refuseUnlessWhole(Connection c) throws SQLException {
        ConversationsFile.Link link = ConversationsFile.link(c);
        if (link == null) {
            return;
        }
        if (!link.split()) {
            throw new ArchiveRefused("the conversations are being moved to " + link.path() + " (split layout); "
                    + "start taclog (run or migrate) once to finish the move, then archive");
        }
        if (!ConversationsFile.attached(c)) {
            throw new ArchiveRefused("the conversations file " + link.path() + " is away (split layout): the month's "
                    + "conversations cannot be archived without it; mount that disk, let the sidecar store what it "
                    + "spooled, and archive then");
        }
        ConversationsSpool.State spool = ConversationsSpool.state(c);
        if (spool != null && spool.rows() > 0) {
            throw new ArchiveRefused(spool.rows() + " conversation blocks wait in the spool for the conversations file "
                    + "(since " + spool.since() + "): archiving now would split a month; let the sidecar store them "
                    + "(taclog doctor's spool line says empty), then archive");
        }
    }

    /**
     * Attaches the split layout's conversations file of the snapshot {@link MonthSelection#SOURCE}, read-only, as
     * {@link MonthSelection#SOURCE_CONVERSATIONS}, checked to be the file the snapshot names. Nothing for a
     * single-file database.
     */
    static void attachSource(Connection c) throws SQLException {
        String path;
        String fileId;
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pragma_table_list WHERE schema = ? AND name = ?")) {
            ps.setString(1, MonthSelection.SOURCE);
            ps.setString(2, ConversationsFile.LINK_TABLE);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT path, file_id FROM " + MonthSelection.SOURCE + "."
                + ConversationsFile.LINK_TABLE + " WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return;
            }
            path = rs.getString(1);
            fileId = rs.getString(2);
        }
        try (PreparedStatement ps = c.prepareStatement("ATTACH DATABASE ? AS " + MonthSelection.SOURCE_CONVERSATIONS)) {
            ps.setString(1, Path.of(path).toAbsolutePath().toUri() + "?mode=ro");
            ps.execute();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT file_id FROM " + MonthSelection.SOURCE_CONVERSATIONS
                + "." + ConversationsFile.FILE_TABLE + " WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next() || !fileId.equals(rs.getString(1))) {
                throw new SQLException(path + " is not the conversations file the database names (" + fileId + ")");
            }
        } catch (SQLException e) {
            detachSource(c);
            throw e;
        }
    }

    /** Inside the copy's transaction: starts the read snapshot of the attached conversations file, if any. */
    static void startSnapshot(Connection c) throws SQLException {
        if (MonthSelection.SOURCE_CONVERSATIONS.equals(MonthSelection.schemaOf(c, MonthSelection.SOURCE,
                "conversations"))) {
            try (PreparedStatement ps = c.prepareStatement("SELECT seq FROM " + MonthSelection.SOURCE_CONVERSATIONS
                    + "." + ConversationsFile.FILE_TABLE);
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
            }
        }
    }

    /** Detaches what {@link #attachSource} attached, if anything. */
    static void detachSource(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pragma_database_list WHERE name = ?")) {
            ps.setString(1, MonthSelection.SOURCE_CONVERSATIONS);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
            }
        }
        try (java.sql.Statement s = c.createStatement()) {
            s.execute("DETACH DATABASE " + MonthSelection.SOURCE_CONVERSATIONS);
        }
    }
}
