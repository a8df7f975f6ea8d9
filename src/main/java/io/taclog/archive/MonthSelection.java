package io.taclog.archive;

import io.taclog.sink.ConversationsFile;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which rows make up a month's archive, worked out in SQL into TEMP tables of the connection: one per archived table,
 * {@code temp.arc_<table>(rid, moved)}, with the rowids of the rows that go into the archive and whether each one
 * leaves the database (moved = 1) or stays there with the archive holding a copy (moved = 0). The same rules run on
 * the snapshot a copy is read from ({@code src}) and, at the delete, on the database as it is then ({@code main}):
 * the delete goes ahead only if both agree (docs/storage.md, "What a month's rows are").
 *
 * <p>The rules:
 * <ul>
 *   <li>a fact with a time of its own (API call, message, event, trigger, decision, status change, worktree
 *   operation, work-queue version, Codex review, closed derived episode) belongs to the month of that time and
 *   always moves; a tool result goes with its tool call (so that every call is paired within one file), the newest
 *   applied work-queue versions stay (the next version is compared with them), open episodes stay;</li>
 *   <li>a session, task or worker goes into the archive when its own time (started, detected, spawned) is in the
 *   month or an archived row refers to it; it leaves the database only when it is finished by the month's end and
 *   no row staying in the database refers to it; otherwise the archive holds a copy. A worker's transcript streams
 *   and per-model usage go wherever the worker goes.</li>
 * </ul>
 * Times are bound as parameters (?1 the month's start, ?2 its end); table and schema names are constants.
 */
final class MonthSelection {

    /** Where the rows are read: an attached snapshot of the database, or the database itself. */
    static final String SOURCE = "src";
    static final String MAIN = "main";
    /** The split layout's conversations file of the snapshot, attached beside {@link #SOURCE} (docs/storage.md). */
    static final String SOURCE_CONVERSATIONS = "src_conversations";
    private static final Set<String> SCHEMAS = Set.of(SOURCE, MAIN);

    /** Facts placed by a time column of their own, with any further condition. */
    private static final String[][] TIMED = {
        {"action_triggers", "timestamp", ""},
        {"logic_flow", "timestamp", ""},
        {"api_calls", "timestamp", ""},
        {"worktree_operations", "timestamp", ""},
        {"system_events", "timestamp", ""},
        {"task_status_history", "timestamp", ""},
        {"codex_reviews", "at", ""},
        {"derived_episodes", "opened_at", " AND closed_at IS NOT NULL"},
    };

    /** Tables whose rows name a worker ({@code worker_id}), a task ({@code task_id}), a session. */
    private static final List<String> WORKER_REFS = List.of("conversations", "api_calls", "system_events",
            "worktree_operations", "task_status_history");
    private static final List<String> TASK_REFS = List.of("action_triggers", "worktree_operations", "system_events",
            "task_status_history");
    private static final List<String> SESSION_REFS_INDEXED = List.of("action_triggers", "logic_flow",
            "system_events");
    private static final List<String> SESSION_REFS_SCANNED = List.of("worktree_operations", "task_status_history",
            "work_queue_snapshots", "derived_episodes");

    /**
     * Every table with a time of its own and that time: a month "has data" when any of them has a row in it. The
     * first ten are facts (rows dated in a month that was archived already arrived late, and stay in the database).
     */
    static final String[][] DATED = {
        {"api_calls", "timestamp"},
        {"conversations", "timestamp"},
        {"system_events", "timestamp"},
        {"action_triggers", "timestamp"},
        {"logic_flow", "timestamp"},
        {"worktree_operations", "timestamp"},
        {"task_status_history", "timestamp"},
        {"codex_reviews", "at"},
        {"derived_episodes", "opened_at"},
        {"work_queue_snapshots", "COALESCE(last_updated, observed_at)"},
        {"coordinator_sessions", "started_at"},
        {"tasks", "detected_at"},
        {"worker_sessions", "spawned_at"},
    };
    static final int DATED_FACTS = 10;

    private MonthSelection() {
    }

    /** Whether any table has a row dated in the month (read from the connection's main database). */
    static boolean hasRows(Connection c, ArchiveMonth month) throws SQLException {
        for (String[] t : DATED) {
            if (count(c, t, month, true) > 0) {
                return true;
            }
        }
        return false;
    }

    /** Facts dated in the month that are in the database (after its archive: rows that arrived late). */
    static long factRows(Connection c, ArchiveMonth month) throws SQLException {
        long n = 0;
        for (int i = 0; i < DATED_FACTS; i++) {
            n += count(c, DATED[i], month, false);
        }
        return n;
    }

    private static long count(Connection c, String[] table, ArchiveMonth month, boolean any) throws SQLException {
        String schema = schemaOf(c, MAIN, table[0]);
        if (schema == null) {
            return 0; // a split layout's conversations file that is away: the archive itself is refused
        }
        String where = " FROM " + schema + "." + table[0] + " WHERE " + table[1] + " >= ? AND " + table[1] + " < ?";
        try (PreparedStatement ps = c.prepareStatement(any ? "SELECT EXISTS (SELECT 1" + where + ")"
                : "SELECT COUNT(*)" + where)) {
            ps.setString(1, month.fromText());
            ps.setString(2, month.untilText());
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /**
     * The months before {@code until} that any table has a row dated in, oldest first: one pass over each table's
     * times (an index where the table has one on its time), so that a stray old time makes no loop over decades.
     */
    static java.util.SortedSet<ArchiveMonth> monthsWithRows(Connection c, java.time.Instant until)
            throws SQLException {
        java.util.SortedSet<ArchiveMonth> out = new java.util.TreeSet<>();
        for (String[] t : DATED) {
            String schema = schemaOf(c, MAIN, t[0]);
            if (schema == null) {
                continue; // a split layout's conversations file that is away: the archive itself is refused
            }
            // ">= ''" keeps a stray number (which sorts before any text) out
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT substr(" + t[1] + ", 1, 7) FROM "
                    + schema + "." + t[0] + " WHERE " + t[1] + " >= '' AND " + t[1] + " < ?")) {
                ps.setString(1, io.taclog.model.Times.format(until));
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        try {
                            out.add(ArchiveMonth.parse(rs.getString(1)));
                        } catch (IllegalArgumentException e) {
                            // not a stored time: no month to archive
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * The schema that holds {@code table} when the rows are read from {@code schema} ({@link #SOURCE} or
     * {@link #MAIN}): the same, except for the split layout's conversations, which live in a file of their own
     * ({@link #SOURCE_CONVERSATIONS} beside the snapshot, {@code conversations} beside the database). Null when the
     * conversations table is in neither (the file is away).
     */
    static String schemaOf(Connection c, String schema, String table) throws SQLException {
        if (!table.equals("conversations")) {
            return schema;
        }
        String split = schema.equals(SOURCE) ? SOURCE_CONVERSATIONS : ConversationsFile.SCHEMA;
        if (has(c, split, table)) {
            return split;
        }
        return has(c, schema, table) ? schema : null;
    }

    private static boolean has(Connection c, String schema, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pragma_table_list WHERE schema = ? AND name = ?")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The TEMP table that lists a table's archived rows (rowids; derived_episode_members goes by its episode). */
    static String temp(String table) {
        return "temp.arc_" + table;
    }

    /** Works out the month's rows in {@code schema} ({@link #SOURCE} or {@link #MAIN}) into the TEMP tables. */
    static void select(Connection c, String schema, ArchiveMonth month) throws SQLException {
        if (!SCHEMAS.contains(schema)) {
            throw new IllegalArgumentException("schema " + schema);
        }
        drop(c);
        String s = schema + ".";
        String conversations = schemaOf(c, schema, "conversations");
        if (conversations == null) {
            throw new SQLException("the conversations table cannot be read (a split layout's conversations file that "
                    + "is away?)");
        }
        String cs = conversations + ".";
        List<String> sql = new ArrayList<>();
        for (ArchivedTable t : ArchivedTables.ALL) {
            if (!t.name().equals("derived_episode_members")) {
                sql.add("CREATE TEMP TABLE arc_" + t.name() + " (rid INTEGER PRIMARY KEY, moved INTEGER NOT NULL)");
            }
        }
        for (String[] t : TIMED) {
            sql.add("INSERT INTO " + temp(t[0]) + " (rid, moved) SELECT rowid, 1 FROM " + s + t[0] + " WHERE " + t[1]
                    + " >= ?1 AND " + t[1] + " < ?2" + t[2]);
        }
        // a tool result goes with its call: the call is the tool_use row of the same worker that the tool_calls view
        // pairs it with (found through the (worker_id, dedup_key) index)
        sql.add("INSERT INTO " + temp("conversations") + " (rid, moved) SELECT c.rowid, 1 FROM " + cs
                + "conversations c LEFT JOIN " + cs + "conversations u ON substr(c.dedup_key, 1, 3) = 'tr:' "
                + "AND u.worker_id = c.worker_id AND u.dedup_key = 'tu:' || substr(c.dedup_key, 4) "
                + "AND u.content_type = 'tool_use' "
                + "AND u.tool_use_id = substr(c.dedup_key, 4) "
                + "WHERE COALESCE(u.timestamp, c.timestamp) >= ?1 AND COALESCE(u.timestamp, c.timestamp) < ?2");
        // work-queue versions by their recorded time (a backfill reads old versions today); the newest applied
        // version and the newest one with a body stay, the next version is compared with them
        sql.add("INSERT INTO " + temp("work_queue_snapshots") + " (rid, moved) SELECT rowid, 1 FROM " + s
                + "work_queue_snapshots WHERE COALESCE(last_updated, observed_at) >= ?1 "
                + "AND COALESCE(last_updated, observed_at) < ?2 AND snapshot_id NOT IN ("
                + "SELECT snapshot_id FROM (SELECT snapshot_id FROM " + s + "work_queue_snapshots WHERE applied = 1 "
                + "ORDER BY last_updated DESC, snapshot_id DESC LIMIT 1) UNION SELECT snapshot_id FROM (SELECT "
                + "snapshot_id FROM " + s + "work_queue_snapshots WHERE applied = 1 AND body IS NOT NULL "
                + "ORDER BY last_updated DESC, snapshot_id DESC LIMIT 1))");
        workers(sql, s, cs);
        followers(sql, s);
        tasks(sql, s);
        sessions(sql, s);
        run(c, sql, month);
    }

    private static void workers(List<String> sql, String s, String cs) {
        List<String> refs = new ArrayList<>();
        for (String t : WORKER_REFS) {
            refs.add("SELECT worker_id FROM " + (t.equals("conversations") ? cs : s) + t + " WHERE rowid IN (SELECT rid FROM " + temp(t) + ")");
        }
        sql.add("INSERT INTO " + temp("worker_sessions") + " (rid, moved) SELECT w.rowid, 0 FROM " + s
                + "worker_sessions w WHERE (w.spawned_at >= ?1 AND w.spawned_at < ?2) OR w.worker_id IN ("
                + String.join(" UNION ", refs) + ")");
        StringBuilder staying = new StringBuilder();
        for (String t : WORKER_REFS) {
            staying.append(" AND NOT EXISTS (SELECT 1 FROM ").append(t.equals("conversations") ? cs : s).append(t)
                    .append(" x WHERE x.worker_id = ")
                    .append("w.worker_id AND x.rowid NOT IN (SELECT rid FROM ").append(temp(t)).append("))");
        }
        // finished by the month's end (a transcript-only worker never ends: its last line counts) and nothing that
        // stays refers to it
        sql.add("UPDATE " + temp("worker_sessions") + " SET moved = 1 WHERE rid IN (SELECT w.rowid FROM " + s
                + "worker_sessions w JOIN " + temp("worker_sessions") + " a ON a.rid = w.rowid WHERE "
                + "COALESCE(w.completed_at, w.failed_at, w.last_activity_at, w.spawned_at) < ?2" + staying + ")");
    }

    /** A worker's transcript streams and per-model usage go wherever the worker goes. */
    private static void followers(List<String> sql, String s) {
        for (String t : List.of("agent_sessions", "worker_model_usage")) {
            sql.add("INSERT INTO " + temp(t) + " (rid, moved) SELECT f.rowid, a.moved FROM " + s + t + " f JOIN " + s
                    + "worker_sessions w ON w.worker_id = f.worker_id JOIN " + temp("worker_sessions")
                    + " a ON a.rid = w.rowid");
        }
    }

    private static void tasks(List<String> sql, String s) {
        List<String> refs = new ArrayList<>();
        refs.add("SELECT task_id FROM " + s + "worker_sessions WHERE rowid IN (SELECT rid FROM "
                + temp("worker_sessions") + ")");
        for (String t : TASK_REFS) {
            refs.add("SELECT task_id FROM " + s + t + " WHERE rowid IN (SELECT rid FROM " + temp(t) + ")");
        }
        // a decision names its task in context_id (the seed's decision-chain query reads it so)
        refs.add("SELECT context_id FROM " + s + "logic_flow WHERE rowid IN (SELECT rid FROM " + temp("logic_flow")
                + ")");
        sql.add("INSERT INTO " + temp("tasks") + " (rid, moved) SELECT t.rowid, 0 FROM " + s + "tasks t WHERE "
                + "(t.detected_at >= ?1 AND t.detected_at < ?2) OR t.task_id IN (" + String.join(" UNION ", refs)
                + ")");
        // logic_flow has no index that starts with context_id: the staying ids are read once
        sql.add("CREATE TEMP TABLE arc_keep_flow_context AS SELECT DISTINCT context_id AS id FROM " + s + "logic_flow "
                + "WHERE context_id IS NOT NULL AND rowid NOT IN (SELECT rid FROM " + temp("logic_flow") + ")");
        StringBuilder staying = new StringBuilder(" AND NOT EXISTS (SELECT 1 FROM " + s + "worker_sessions x WHERE "
                + "x.task_id = t.task_id AND x.rowid NOT IN (SELECT rid FROM " + temp("worker_sessions")
                + " WHERE moved = 1))");
        for (String t : TASK_REFS) {
            staying.append(" AND NOT EXISTS (SELECT 1 FROM ").append(s).append(t).append(" x WHERE x.task_id = ")
                    .append("t.task_id AND x.rowid NOT IN (SELECT rid FROM ").append(temp(t)).append("))");
        }
        staying.append(" AND t.task_id NOT IN (SELECT id FROM temp.arc_keep_flow_context)");
        // only a finished task leaves (the work queue may still move an open one), and a placeholder a transcript
        // path made ('observed'), which nothing ever finishes
        sql.add("UPDATE " + temp("tasks") + " SET moved = 1 WHERE rid IN (SELECT t.rowid FROM " + s + "tasks t JOIN "
                + temp("tasks") + " a ON a.rid = t.rowid WHERE t.status IN ('completed', 'failed', 'observed') "
                + "AND COALESCE(t.completed_at, t.failed_at, t.detected_at) < ?2" + staying + ")");
    }

    private static void sessions(List<String> sql, String s) {
        List<String> refs = new ArrayList<>();
        for (String t : List.of("tasks", "worker_sessions")) {
            refs.add("SELECT session_id FROM " + s + t + " WHERE rowid IN (SELECT rid FROM " + temp(t) + ")");
        }
        for (String t : concat(SESSION_REFS_INDEXED, SESSION_REFS_SCANNED)) {
            refs.add("SELECT session_id FROM " + s + t + " WHERE rowid IN (SELECT rid FROM " + temp(t) + ")");
        }
        sql.add("INSERT INTO " + temp("coordinator_sessions") + " (rid, moved) SELECT x.rowid, 0 FROM " + s
                + "coordinator_sessions x WHERE (x.started_at >= ?1 AND x.started_at < ?2) OR x.session_id IN ("
                + String.join(" UNION ", refs) + ")");
        // tables without an index that starts with session_id: their staying session ids are read once
        List<String> scanned = new ArrayList<>();
        for (String t : SESSION_REFS_SCANNED) {
            scanned.add("SELECT session_id FROM " + s + t + " WHERE session_id IS NOT NULL AND rowid NOT IN "
                    + "(SELECT rid FROM " + temp(t) + ")");
        }
        sql.add("CREATE TEMP TABLE arc_keep_sessions AS " + String.join(" UNION ", scanned));
        StringBuilder staying = new StringBuilder();
        for (String t : List.of("tasks", "worker_sessions")) {
            staying.append(" AND NOT EXISTS (SELECT 1 FROM ").append(s).append(t).append(" y WHERE y.session_id = ")
                    .append("x.session_id AND y.rowid NOT IN (SELECT rid FROM ").append(temp(t))
                    .append(" WHERE moved = 1))");
        }
        for (String t : SESSION_REFS_INDEXED) {
            staying.append(" AND NOT EXISTS (SELECT 1 FROM ").append(s).append(t).append(" y WHERE y.session_id = ")
                    .append("x.session_id AND y.rowid NOT IN (SELECT rid FROM ").append(temp(t)).append("))");
        }
        staying.append(" AND x.session_id NOT IN (SELECT session_id FROM temp.arc_keep_sessions)");
        // ended (or last seen) by the month's end; a session that never logged its end counts as ended at its last line
        sql.add("UPDATE " + temp("coordinator_sessions") + " SET moved = 1 WHERE rid IN (SELECT x.rowid FROM " + s
                + "coordinator_sessions x JOIN " + temp("coordinator_sessions") + " a ON a.rid = x.rowid WHERE "
                + "COALESCE(x.ended_at, x.last_seen_at, x.started_at) < ?2" + staying + ")");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static void run(Connection c, List<String> statements, ArchiveMonth month) throws SQLException {
        for (String sql : statements) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int params = ps.getParameterMetaData().getParameterCount();
                if (params >= 1) {
                    ps.setString(1, month.fromText());
                }
                if (params >= 2) {
                    ps.setString(2, month.untilText());
                }
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new SQLException(e.getMessage() + " (in: " + sql + ")", e.getSQLState(), e.getErrorCode(), e);
            }
        }
    }

    /**
     * The rows of {@code table} in the archive, read from {@code schema} in key order with their moved flag as the
     * last column.
     */
    static String rowsWithFlag(String schema, ArchivedTable table, List<String> columns, boolean movedOnly) {
        String s = schema + ".";
        String cols = Columns.list("x", columns);
        String join = table.name().equals("derived_episode_members")
                ? " JOIN " + temp("derived_episodes") + " a ON a.rid = x.episode_id"
                : " JOIN " + temp(table.name()) + " a ON a.rid = x.rowid";
        return "SELECT " + cols + ", a.moved FROM " + s + table.name() + " x" + join
                + (movedOnly ? " WHERE a.moved = 1" : "") + " ORDER BY " + Columns.list("x", table.key());
    }

    /**
     * Copies the archived rows of {@code table} from the snapshot ({@code from}: {@link #schemaOf} the table in
     * {@link #SOURCE}) into the archive file (the connection's main).
     */
    static String copy(ArchivedTable table, String from, List<String> columns) {
        String where = table.name().equals("derived_episode_members")
                ? "episode_id IN (SELECT rid FROM " + temp("derived_episodes") + ")"
                : "rowid IN (SELECT rid FROM " + temp(table.name()) + ")";
        return "INSERT INTO main." + table.name() + " (" + Columns.list(null, columns) + ") SELECT "
                + Columns.list(null, columns) + " FROM " + from + "." + table.name() + " WHERE " + where;
    }

    /** Deletes the rows that leave the database, in {@code schema} ({@link #schemaOf} the table in {@link #MAIN}). */
    static String delete(ArchivedTable table, String schema) {
        String where = table.name().equals("derived_episode_members")
                ? "episode_id IN (SELECT rid FROM " + temp("derived_episodes") + " WHERE moved = 1)"
                : "rowid IN (SELECT rid FROM " + temp(table.name()) + " WHERE moved = 1)";
        return "DELETE FROM " + schema + "." + table.name() + " WHERE " + where;
    }

    /** Drops the TEMP tables (they live as long as the connection otherwise). */
    static void drop(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (ArchivedTable t : ArchivedTables.ALL) {
                st.execute("DROP TABLE IF EXISTS " + temp(t.name()));
            }
            st.execute("DROP TABLE IF EXISTS temp.arc_keep_flow_context");
            st.execute("DROP TABLE IF EXISTS temp.arc_keep_sessions");
        }
    }
}
