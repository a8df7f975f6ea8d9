package io.taclog.sink;

import io.taclog.model.Times;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Secondary indexes that a bulk load drops and builds once at its end.
 *
 * <p>Maintaining an index row by row costs a B-tree descent and, on keys that arrive in random order
 * (timestamps of many sessions, tool-call ids), a page written per row; building it after the load is one
 * sort. Measured on 134,646 real conversation rows: 18.6-23.9 us a row with every index, 9.0-13.9 us with
 * none. Only indexes no writer reads are deferred ({@link #DEFERRABLE}): the unique keys that deduplicate and
 * the lookups the writers do keep being maintained.
 *
 * <p>Crash-safe: an index's row in {@code deferred_indexes} and its DROP commit together, its CREATE and the
 * row's removal commit together. Whatever start follows a crash (or a migration) finds the rows and builds
 * what is missing.
 */
public final class DeferredIndexes {

    private static final Logger LOG = LoggerFactory.getLogger(DeferredIndexes.class);

    /** Indexes for readers only: the cost, task and tool queries. No writer looks anything up through them. */
    public static final List<String> DEFERRABLE = List.of("idx_conversations_tool",
            "idx_api_calls_model", "idx_api_calls_date",
            "idx_api_calls_cost_window", "idx_api_calls_worker_model", "idx_api_calls_hour_cells",
            "idx_conversations_tool_use_time");

    private DeferredIndexes() {
    }

    /**
     * Drops the deferrable indexes that exist, remembering how to build them; returns how many. The triggers that keep
     * the hourly cost cells ({@link ApiCallHours}) go with them: a trigger per call costs a load like an index does.
     */
    public static int defer(Database db) throws SQLException {
        if (!db.dialect().sqliteOnlyFeatures()) {
            return 0; // PostgreSQL: its indexes stay (a server's load is not a one-file rebuild)
        }
        return db.write(c -> {
            int n = drop(c, "index", DEFERRABLE);
            drop(c, "trigger", ApiCallHours.TRIGGERS);
            return n;
        });
    }

    private static int drop(Connection c, String type, List<String> names) throws SQLException {
        int n = 0;
        String now = Times.format(Instant.now());
        try (PreparedStatement find = c.prepareStatement(
                "SELECT tbl_name, sql FROM sqlite_master WHERE type = ? AND name = ?");
             PreparedStatement remember = c.prepareStatement("INSERT INTO deferred_indexes(name, table_name, "
                     + "create_sql, deferred_at) VALUES (?,?,?,?) ON CONFLICT(name) DO NOTHING");
             Statement drop = c.createStatement()) {
            for (String name : names) {
                find.setString(1, type);
                find.setString(2, name);
                String table;
                String sql;
                try (ResultSet rs = find.executeQuery()) {
                    if (!rs.next()) {
                        continue; // deferred already, or not in this schema
                    }
                    table = rs.getString(1);
                    sql = rs.getString(2);
                }
                remember.setString(1, name);
                remember.setString(2, table);
                remember.setString(3, sql);
                remember.setString(4, now);
                remember.executeUpdate();
                drop.execute("DROP " + type.toUpperCase(java.util.Locale.ROOT) + " " + name);
                n++;
            }
        }
        return n;
    }

    /**
     * Builds every deferred index, each in its own transaction, then puts back the cost cells' triggers; returns how
     * many indexes were built. The triggers come back in one transaction with the cells summed again (after the
     * indexes, so the sums read {@code idx_api_calls_hour_cells}): a crash never leaves some triggers keeping cells
     * that others did not.
     */
    public static int build(Database db) throws SQLException {
        List<String[]> todo = db.withWriter(DeferredIndexes::pending);
        List<String[]> triggers = new ArrayList<>();
        int built = 0;
        for (String[] index : todo) {
            if (db.conversationsAway() && index[0].startsWith("idx_conversations")) {
                continue; // its table is in the file that is away: the next start builds it
            }
            if (ApiCallHours.TRIGGERS.contains(index[0])) {
                triggers.add(index);
                continue;
            }
            long t0 = System.nanoTime();
            db.write(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute(index[1].replaceFirst("(?i)^CREATE\\s+(UNIQUE\\s+)?INDEX\\s+(?!IF NOT EXISTS)",
                            "CREATE $1INDEX IF NOT EXISTS "));
                }
                forget(c, index[0]);
                return null;
            });
            built++;
            LOG.debug("built deferred index {} in {} ms", index[0], (System.nanoTime() - t0) / 1_000_000);
        }
        if (!triggers.isEmpty()) {
            long t0 = System.nanoTime();
            db.write(c -> {
                ApiCallHours.rebuild(c);
                try (Statement s = c.createStatement()) {
                    for (String[] trigger : triggers) {
                        s.execute(trigger[1]);
                        forget(c, trigger[0]);
                    }
                }
                return null;
            });
            LOG.debug("summed the hourly cost cells again in {} ms", (System.nanoTime() - t0) / 1_000_000);
        }
        return built;
    }

    private static void forget(Connection c, String name) throws SQLException {
        try (PreparedStatement done = c.prepareStatement("DELETE FROM deferred_indexes WHERE name = ?")) {
            done.setString(1, name);
            done.executeUpdate();
        }
    }

    /** True when some index waits to be built (a bulk load is running, or one was interrupted). */
    public static boolean anyPending(Connection c) throws SQLException {
        if (!tableExists(c)) {
            return false;
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1 FROM deferred_indexes")) {
            return rs.next();
        }
    }

    private static List<String[]> pending(Connection c) throws SQLException {
        List<String[]> out = new ArrayList<>();
        if (!tableExists(c)) {
            return out;
        }
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT name, create_sql FROM deferred_indexes ORDER BY name")) {
            while (rs.next()) {
                out.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        return out;
    }

    private static boolean tableExists(Connection c) throws SQLException {
        return io.taclog.sink.dialect.Dialect.of(c).tableExists(c, "deferred_indexes");
    }
}
