package io.taclog.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** Streams the rows of one table in a time window, one map per row (no whole-table buffering). */
public final class BulkExport {

    /** What can be exported, with the table and its time column. */
    public enum What {
        CALLS("api_calls", "timestamp"), CONVERSATIONS("conversations", "timestamp"),
        EVENTS("system_events", "timestamp"), WORKERS("worker_sessions", "spawned_at"),
        TASKS("tasks", "detected_at"), DECISIONS("logic_flow", "timestamp"),
        TRIGGERS("action_triggers", "timestamp"), WORKTREE("worktree_operations", "timestamp"),
        SESSIONS("coordinator_sessions", "started_at");

        final String table;
        final String timeColumn;

        What(String table, String timeColumn) {
            this.table = table;
            this.timeColumn = timeColumn;
        }
    }

    private final Connection db;

    public BulkExport(Connection db) {
        this.db = db;
    }

    /** Calls {@code sink} for every row of {@code what} in the window; returns the row count. */
    public long stream(What what, TimeWindow w, Consumer<Map<String, Object>> sink) throws SQLException {
        // table and column names come from the enum above, never from input
        String sql = "SELECT * FROM " + what.table + " WHERE " + what.timeColumn + " >= ? AND " + what.timeColumn
                + " < ? ORDER BY " + what.timeColumn;
        long n = 0;
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            ps.setString(1, w.fromText());
            ps.setString(2, w.untilText());
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        Object v = rs.getObject(i);
                        row.put(md.getColumnLabel(i), v instanceof Integer x ? Long.valueOf(x) : v);
                    }
                    sink.accept(row);
                    n++;
                }
            }
        }
        return n;
    }
}
