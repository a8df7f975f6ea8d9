package io.taclog.sink;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * The second file of the split layout (docs/storage.md): where the conversations live, attached as schema
 * {@value #SCHEMA}, and how the two files recognize each other.
 *
 * <p>The main file's {@value #LINK_TABLE} names its conversations file (an id, the path it was last seen at, and
 * the count of commits that wrote conversation rows); the conversations file's {@value #FILE_TABLE} holds the same
 * ids and its own count. A path that holds another database's conversations file, an older copy of this one, or
 * anything but SQLite is refused before anything is written ({@link ConversationsFileRefused}).
 */
public final class ConversationsFile {

    /** The schema name of the attached file, as the seed's queries name it (conversations.conversations). */
    public static final String SCHEMA = "conversations";
    /** In the main file: which conversations file belongs to it. */
    public static final String LINK_TABLE = "conversations_link";
    /** In the conversations file: which file it is and whose. */
    public static final String FILE_TABLE = "conversations_file";
    /** In the main file: the conversation rows of the last commit that wrote any ({@link ConversationsRedo}). */
    public static final String REDO_TABLE = "conversations_redo";

    /** Link state while the conversations are copied out of the main file (a crash there resumes the copy). */
    static final String MOVING = "moving";
    /** Link state once the main file no longer holds the conversations. */
    static final String SPLIT = "split";

    private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    /** What the main file says of its conversations file. */
    public record Link(String mainId, String fileId, String path, String state, long seq) {
        public boolean split() {
            return SPLIT.equals(state);
        }
    }

    /** What a conversations file says of itself. */
    public record Identity(String fileId, String mainId, long seq) {
    }

    /** The checked pair: where the file is, and what each side said before anything was written. */
    record Plan(Path path, Link link, Identity identity) {
    }

    private ConversationsFile() {
    }

    /** The link of a database on {@code c} (its main schema), or null for a single-file database. */
    public static Link link(Connection c) throws SQLException {
        if (!hasTable(c, "main", LINK_TABLE)) {
            return null;
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT main_id, file_id, path, "
                + "state, seq FROM main." + LINK_TABLE + " WHERE id = 1")) {
            return rs.next() ? new Link(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                    rs.getLong(5)) : null;
        }
    }

    /** What the file attached (or opened as main) under {@code schema} says of itself, or null if nothing. */
    public static Identity identity(Connection c, String schema) throws SQLException {
        if (!hasTable(c, schema, FILE_TABLE)) {
            return null;
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT file_id, main_id, seq FROM "
                + schema + "." + FILE_TABLE + " WHERE id = 1")) {
            return rs.next() ? new Identity(rs.getString(1), rs.getString(2), rs.getLong(3)) : null;
        }
    }

    /** Whether a connection has the conversations file attached. */
    public static boolean attached(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pragma_database_list WHERE name = ?")) {
            ps.setString(1, SCHEMA);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The schema holding the conversations table on this connection: {@code conversations} or {@code main}. */
    public static String schemaOf(Connection c) throws SQLException {
        return attached(c) && hasTable(c, SCHEMA, "conversations") ? SCHEMA : "main";
    }

    static boolean hasTable(Connection c, String schema, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pragma_table_list WHERE schema = ? AND name = ?")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Checks, without writing anything, that {@code conversations} may be the conversations file of {@code main}
     * (either may not exist yet). {@code link} is what the main file said, when the caller already read it.
     */
    static Plan check(Path main, Path conversations) throws SQLException {
        Path file = conversations.toAbsolutePath().normalize();
        if (file.equals(main.toAbsolutePath().normalize())) {
            throw refused(file, "is the database file itself; name a second file");
        }
        Link link = Files.isRegularFile(main) ? readLink(main) : null;
        // an established layout whose file is simply not there is "away", not wrong: the sidecar starts without it
        boolean established = link != null && link.split();
        Path dir = file.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw refused(file, established, "its directory is missing", "its directory " + dir + " does not exist "
                    + "(is the disk mounted?); taclog does not create it, so that an unmounted disk's mount point is "
                    + "never filled instead");
        }
        Identity identity = readIdentity(file, established);
        if (link == null && identity != null) {
            throw refused(file, "is the conversations file of another taclog database (" + identity.mainId()
                    + "); name a new file");
        }
        if (established && identity == null) {
            throw refused(file, true, "no conversations file at the path (an empty directory or a new empty file)",
                    "holds no conversations, but " + main + " keeps its conversations in file " + link.fileId()
                    + " (last seen at " + link.path() + "); mount that disk or point the key at it");
        }
        if (link != null && identity != null) {
            if (!link.fileId().equals(identity.fileId()) || !link.mainId().equals(identity.mainId())) {
                throw refused(file, "is conversations file " + identity.fileId() + " of database "
                        + identity.mainId() + ", but " + main + " (" + link.mainId() + ") keeps its conversations in "
                        + "file " + link.fileId() + " (last seen at " + link.path() + ")");
            }
            if (link.split() && identity.seq() != link.seq() && identity.seq() != link.seq() - 1) {
                throw refused(file, "is at commit " + identity.seq() + " of its conversations, but " + main
                        + " is at commit " + link.seq() + ": an older or newer copy of the file (a backup restored "
                        + "on one side only?); restore both files of the same backup");
            }
        }
        return new Plan(file, link, identity);
    }

    /** The link of a database file, read on a read-only connection of its own. */
    private static Link readLink(Path main) throws SQLException {
        try (Connection c = readOnly(main)) {
            return link(c);
        }
    }

    /**
     * The identity of a conversations file, or null when it does not exist or is an empty SQLite database. A path that
     * cannot be read is "away" in an {@code established} layout (a disk going, a permission removed), else refused.
     */
    private static Identity readIdentity(Path file, boolean established) throws SQLException {
        if (!Files.exists(file)) {
            return null;
        }
        if (!Files.isRegularFile(file)) {
            throw refused(file, established, "the path is not a file", "is not a file");
        }
        if (!startsWithSqliteHeader(file, established)) {
            throw refused(file, "is not a SQLite database");
        }
        try (Connection c = readOnly(file)) {
            Identity id = identity(c, "main");
            if (id == null && hasAnyTable(c)) {
                throw refused(file, "is a SQLite database but not a taclog conversations file");
            }
            return id;
        } catch (ConversationsFileRefused e) {
            throw e;
        } catch (SQLException e) {
            throw refused(file, established, "the file cannot be read: " + e.getMessage(),
                    "cannot be read: " + e.getMessage());
        }
    }

    private static boolean startsWithSqliteHeader(Path file, boolean established) throws SQLException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(SQLITE_HEADER.length);
            return head.length == 0 || Arrays.equals(head, SQLITE_HEADER); // an empty file is an empty database
        } catch (IOException e) {
            throw refused(file, established, "the file cannot be read: " + e.getMessage(),
                    "cannot be read: " + e.getMessage());
        }
    }

    private static boolean hasAnyTable(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1")) {
            return rs.next();
        }
    }

    private static Connection readOnly(Path file) throws SQLException {
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setReadOnly(true);
        cfg.setOpenMode(SQLiteOpenMode.READONLY);
        cfg.setBusyTimeout(5000);
        return cfg.createConnection("jdbc:sqlite:" + file);
    }

    private static ConversationsFileRefused refused(Path file, String problem) {
        return new ConversationsFileRefused("taclog.db.conversations = '" + file + "': " + problem);
    }

    /** Refused, or "away" ({@link ConversationsFileAway}, with {@code reason}) in an established layout. */
    private static ConversationsFileRefused refused(Path file, boolean established, String reason, String problem) {
        String message = "taclog.db.conversations = '" + file + "': " + problem;
        return established ? new ConversationsFileAway(file, reason, message) : new ConversationsFileRefused(message);
    }
}
