package io.taclog.maintenance;

import io.taclog.search.SearchIndex;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The tables whose rows backup compares and doctor counts: a fixed list (SQL never takes a table name from the
 * file it reads), in the order of the migrations that created them. A table an older schema lacks is left out.
 */
public final class Tables {

    public static final List<String> MAIN = Stream.concat(Stream.of("coordinator_sessions", "action_triggers",
            "logic_flow", "tasks", "worker_sessions", "conversations", "api_calls", "worktree_operations",
            "system_events", "ingest_files", "ingest_file_paths", "ingest_ledger", "ingest_skips", "ingest_rejects",
            "ingest_commits", "agent_sessions", "worker_model_usage", "task_status_history", "work_queue_snapshots",
            "derived_episodes", "derived_episode_members", "pending_estimates", "time_anchors", "deferred_facts",
            "deferred_indexes", "codex_reviews", "outbox", "outbox_cursor", "backups", "archives",
            "raw_archive_segments", "schema_version", "api_call_hours", "api_call_hour_extras", "api_call_cost_dirty"),
            SearchIndex.STORAGE_TABLES.stream()).toList(); // the search index's own tables last (schema v11)

    private Tables() {
    }

    /** Whether the database has this table. */
    public static boolean exists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM pragma_table_list WHERE type = 'table' AND name = ? AND schema <> 'temp'")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Rows of every main table the database has, in list order (one read: call it inside a transaction). */
    public static Map<String, Long> rowCounts(Connection c) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String t : MAIN) {
            if (exists(c, t)) {
                try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM \"" + t + "\"");
                     ResultSet rs = ps.executeQuery()) {
                    counts.put(t, rs.next() ? rs.getLong(1) : 0);
                }
            }
        }
        return counts;
    }
}
