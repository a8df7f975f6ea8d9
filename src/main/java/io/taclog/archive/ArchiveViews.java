package io.taclog.archive;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteLimits;
import org.sqlite.core.DB;

/**
 * Lets a read-only connection see archived months as if their rows had never left (queries with
 * {@code --include-archives}, validate): the archive of every month in state {@code deleted} is attached read-only,
 * and each archived table gets a TEMP VIEW of the same name that unites the database's rows with the archives'.
 * SQLite looks up a name without a schema in TEMP first, so the query classes' SQL runs unchanged and reads the
 * views; the schema's own views ({@code tool_calls}, {@code unlinked_records}) name main's tables inside them, so
 * they get TEMP versions too. Months still being archived ({@code copied}, {@code verified}) are not attached:
 * their rows are still in the database, and attaching them would count them twice.
 *
 * <p>How rows are combined ({@link ArchivedTable.Union}): facts are in exactly one place and are added; records that
 * archives may hold copies of come from the freshest place that has them (the database, else the archive written
 * last), so every session, task and worker is counted once.
 */
public final class ArchiveViews {

    /** The most archives a query attaches: SQLITE_MAX_ATTACHED of sqlite-jdbc's build. */
    static final int MAX_ATTACHED = 125;

    /** An archive attached to a connection as {@code schema}. */
    public record Attached(ArchiveMonth month, Path file, String schema) {
    }

    private ArchiveViews() {
    }

    /**
     * Attaches the archived months and creates the views. The connection is left in a read transaction
     * (auto-commit off), checked to see the same archived months as the attachments: so the list of archives and the
     * rows read belong to one snapshot, even while a month is being archived. Fails with the file's name when an
     * archive is missing or is not what the database says.
     */
    public static List<Attached> attach(Connection c, Path db) throws SQLException {
        for (int attempt = 0; attempt < 3; attempt++) {
            List<Attached> archives = listed(c, db);
            allowAttaching(c, archives.size());
            try {
                for (Attached a : archives) {
                    attachOne(c, a);
                }
                createViews(c, archives);
            } catch (SQLException | RuntimeException e) {
                undo(c, archives);
                throw e;
            }
            c.setAutoCommit(false);
            if (listed(c, db).equals(archives)) {
                return archives;
            }
            c.rollback(); // a month was archived in between: attach again
            c.setAutoCommit(true);
            undo(c, archives);
        }
        throw new SQLException("months were being archived while the query started, three times over; try again");
    }

    /**
     * SQLite lets a connection attach 10 files unless told otherwise; the build sqlite-jdbc ships allows up to 125
     * (ten years of months). More archives than that is a clear error, not a partial answer.
     */
    private static void allowAttaching(Connection c, int archives) throws SQLException {
        if (archives == 0) {
            return;
        }
        int id = SQLiteLimits.SQLITE_LIMIT_ATTACHED.getId();
        DB sqlite = c.unwrap(SQLiteConnection.class).getDatabase();
        sqlite.limit(id, MAX_ATTACHED);
        int limit = sqlite.limit(id, -1); // -1 reads the limit: SQLite caps it at its compiled maximum
        if (archives > limit) {
            throw new SQLException(archives + " months are archived, and this SQLite attaches at most " + limit
                    + " files to a connection");
        }
    }

    /** The months whose rows live in archives, freshest archive first (the precedence of copies). */
    public static List<Attached> listed(Connection c, Path db) throws SQLException {
        List<Attached> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT month, file FROM main.archives WHERE state = ? "
                + "ORDER BY snapshot_at DESC, month DESC")) {
            ps.setString(1, ArchiveLog.DELETED);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Attached(ArchiveMonth.parse(rs.getString(1)), ArchiveLog.resolve(db, rs.getString(2)),
                            "arch" + (out.size() + 1)));
                }
            }
        }
        return out;
    }

    private static void attachOne(Connection c, Attached a) throws SQLException {
        if (!Files.isRegularFile(a.file())) {
            throw new SQLException("the archive of " + a.month() + " (" + a.file() + ") is missing: its rows cannot be "
                    + "included (restore the file, e.g. from a backup)");
        }
        try (PreparedStatement ps = c.prepareStatement("ATTACH DATABASE ? AS " + a.schema())) {
            ps.setString(1, a.file().toString());
            ps.execute();
        }
        ArchiveFile.Manifest m;
        try {
            m = ArchiveFile.readManifest(c, a.schema());
        } catch (SQLException | RuntimeException e) {
            throw new SQLException(a.file() + " is not a taclog archive (" + e.getMessage() + ")", e);
        }
        if (!m.month().equals(a.month())) {
            throw new SQLException(a.file() + " holds " + m.month() + ", not " + a.month() + " as the database says");
        }
    }

    private static void createViews(Connection c, List<Attached> archives) throws SQLException {
        if (archives.isEmpty()) {
            return; // nothing archived: the queries read the tables themselves
        }
        try (Statement s = c.createStatement()) {
            for (ArchivedTable t : ArchivedTables.ALL) {
                s.execute("CREATE TEMP VIEW " + t.name() + " AS " + union(c, t, archives));
            }
            // each file's tool_calls pairs its own rows: a tool result is archived with its call. The view lives
            // with the conversations (the split layout's second file); without that file, the archives' alone
            String live = MonthSelection.schemaOf(c, "main", "conversations");
            List<String> cols = Columns.of(c, live == null ? archives.get(0).schema() : live, "tool_calls");
            List<String> parts = new ArrayList<>();
            if (live != null) {
                parts.add("SELECT " + Columns.list(null, cols) + " FROM " + live + ".tool_calls");
            }
            for (Attached a : archives) {
                parts.add("SELECT " + Columns.list(null, cols) + " FROM " + a.schema() + ".tool_calls");
            }
            s.execute("CREATE TEMP VIEW tool_calls AS " + String.join(" UNION ALL ", parts));
            String unlinked = viewSql(c, "unlinked_records");
            if (unlinked != null) {
                // the schema's own definition, as TEMP: its table names then resolve to the views above
                s.execute(unlinked.replaceFirst("^CREATE VIEW ", "CREATE TEMP VIEW "));
            }
        }
    }

    /** The SELECT that unites a table's rows in the database and in every archive. */
    static String union(Connection c, ArchivedTable t, List<Attached> archives) throws SQLException {
        // the database's rows: the split layout's conversations are in their own file; when it is away, only the
        // archives' rows are seen (the query says so on stderr)
        String live = MonthSelection.schemaOf(c, "main", t.name());
        List<String> cols = Columns.of(c, live == null ? archives.get(0).schema() : live, t.name());
        List<String> parts = new ArrayList<>();
        if (live != null) {
            parts.add("SELECT " + Columns.list(null, cols) + " FROM " + live + "." + t.name());
        }
        List<String> fresher = new ArrayList<>(live == null ? List.of() : List.of(live));
        StringBuilder sb = new StringBuilder();
        for (Attached a : archives) {
            Set<String> has = new HashSet<>(Columns.of(c, a.schema(), t.name()));
            List<String> select = new ArrayList<>();
            for (String col : cols) {
                // an archive written before a later migration added a column reads it as NULL
                select.add(has.contains(col) ? "x." + Columns.quote(col) : "NULL AS " + Columns.quote(col));
            }
            sb.setLength(0);
            sb.append("SELECT ").append(String.join(", ", select)).append(" FROM ").append(a.schema())
                    .append(".").append(t.name()).append(" x");
            List<String> conditions = new ArrayList<>();
            for (String f : fresher) {
                switch (t.union()) {
                    case ALL -> { }
                    case FRESHEST_BY_KEY -> conditions.add(notIn(f, t.name(), t.key()));
                    case WITH_WORKER -> conditions.add(notIn(f, "worker_sessions", List.of("worker_id")));
                    default -> throw new IllegalStateException(t.union().name());
                }
            }
            if (!conditions.isEmpty()) {
                sb.append(" WHERE ").append(String.join(" AND ", conditions));
            }
            parts.add(sb.toString());
            fresher.add(a.schema());
        }
        return String.join(" UNION ALL ", parts);
    }

    private static String notIn(String schema, String table, List<String> key) {
        List<String> eq = new ArrayList<>();
        for (String k : key) {
            eq.add("y." + Columns.quote(k) + " = x." + Columns.quote(k));
        }
        return "NOT EXISTS (SELECT 1 FROM " + schema + "." + table + " y WHERE " + String.join(" AND ", eq) + ")";
    }

    private static String viewSql(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT sql FROM main.sqlite_master WHERE type = 'view' "
                + "AND name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Drops the views and detaches the archives (a failed or repeated attach). */
    private static void undo(Connection c, List<Attached> archives) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (ArchivedTable t : ArchivedTables.ALL) {
                s.execute("DROP VIEW IF EXISTS temp." + t.name());
            }
            for (String v : ArchivedTables.VIEWS) {
                s.execute("DROP VIEW IF EXISTS temp." + v);
            }
            Set<String> attached = new HashSet<>();
            try (ResultSet rs = s.executeQuery("SELECT name FROM pragma_database_list")) {
                while (rs.next()) {
                    attached.add(rs.getString(1));
                }
            }
            for (Attached a : archives) {
                if (attached.contains(a.schema())) {
                    s.execute("DETACH DATABASE " + a.schema());
                }
            }
        }
    }
}
