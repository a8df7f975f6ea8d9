package io.taclog.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.taclog.schema.Migrator;
import io.taclog.sink.Database;
import io.taclog.sink.DatabaseSettings;
import io.taclog.testing.Sql;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code query tools} aggregates in SQL: its counts, failure rate and nearest-rank percentiles equal what the
 * joined rows of {@code tool_calls} give when counted one by one.
 */
class ToolsQueryIT {

    @TempDir
    Path tmp;
    Path db;
    private final List<String> inserts = new ArrayList<>();
    private int index;

    @BeforeEach
    void tools() throws Exception {
        db = tmp.resolve("taclog.db");
        try (Database d = Database.open(db, DatabaseSettings.defaults())) {
            Migrator.migrate(d);
        }
        for (int i = 1; i <= 20; i++) { // Bash: latencies 1..20 s, the 7th failed
            call("w1", "b" + i, "Bash", "2026-03-01T10:00:" + pad(i) + ".000Z");
            result("w1", "b" + i, i == 7 ? 0 : 1, i * 1000.0);
        }
        call("w1", "r1", "Read", "2026-03-01T11:00:00.000Z"); // answered, latency unknown (no times)
        result("w1", "r1", 1, null);
        call("w1", "r2", "Read", "2026-03-01T11:00:01.000Z"); // never answered
        call("w2", "r3", "Read", "2026-03-01T11:00:02.000Z"); // another worker: its own pair
        result("w2", "r3", 1, 12.5);
        result("w2", "r2", 0, 99.0); // another worker's result with a copied id pairs with nothing here
        call("w2", "x1", null, "2026-03-02T09:00:00.000Z"); // a call whose name is unknown
        Sql.exec(db, inserts.toArray(String[]::new));
    }

    private static String pad(int i) {
        return (i < 10 ? "0" : "") + i;
    }

    private void call(String worker, String id, String tool, String at) {
        inserts.add("INSERT INTO conversations(worker_id, message_index, timestamp, role, content, content_type, "
                + "tool_name, dedup_key, tool_use_id) VALUES ('" + worker + "', " + index++ + ", '" + at
                + "', 'assistant', '', 'tool_use', " + (tool == null ? "NULL" : "'" + tool + "'") + ", 'tu:" + id
                + "', '" + id + "')");
    }

    private void result(String worker, String id, int success, Double latency) {
        inserts.add("INSERT INTO conversations(worker_id, message_index, timestamp, role, content, content_type, "
                + "tool_success, tool_latency_ms, dedup_key, tool_use_id) VALUES ('" + worker + "', " + index++
                + ", '2026-03-01T12:00:00.000Z', 'user', '', 'tool_result', " + success + ", "
                + (latency == null ? "NULL" : latency) + ", 'tr:" + id + "', '" + id + "')");
    }

    private List<Map<String, Object>> tools(TimeWindow w) throws Exception {
        try (Connection c = Sql.connect(db)) {
            return new ToolsQuery(c).run(w);
        }
    }

    @Test
    void countsFailuresUnansweredAndNearestRankPercentilesPerTool() throws Exception {
        List<Map<String, Object>> rows = tools(TimeWindow.ALL);
        assertEquals(List.of("Bash", "Read", "(unknown)"), rows.stream().map(r -> r.get("tool")).toList(),
                "most calls first, ties by name");
        Map<String, Object> bash = rows.get(0);
        assertEquals(20L, bash.get("calls"));
        assertEquals(1L, bash.get("failures"));
        assertEquals(0.05, bash.get("failure_rate"));
        assertEquals(0L, bash.get("unanswered"));
        assertEquals(10000.0, bash.get("latency_p50_ms"), "rank ceil(0.5 * 20) = 10");
        assertEquals(19000.0, bash.get("latency_p95_ms"), "rank ceil(0.95 * 20) = 19");
        assertEquals(20000.0, bash.get("latency_max_ms"));
        Map<String, Object> read = rows.get(1);
        assertEquals(3L, read.get("calls"));
        assertEquals(0L, read.get("failures"), "the failed result of another worker is not this worker's r2");
        assertEquals(1L, read.get("unanswered"));
        assertEquals(13.0, read.get("latency_p50_ms"), "the one known latency, 12.5 ms, rounded");
        assertEquals(13.0, read.get("latency_max_ms"));
        Map<String, Object> unknown = rows.get(2);
        assertEquals(1L, unknown.get("calls"));
        assertEquals(1L, unknown.get("unanswered"));
        assertNull(unknown.get("latency_p50_ms"), "no latency known");
        assertNull(unknown.get("latency_max_ms"));
    }

    @Test
    void equalsTheJoinedRowsCountedOneByOne() throws Exception {
        List<Map<String, Object>> joined = Sql.rows(db, "SELECT COALESCE(tool_name, '(unknown)') AS tool, tool_success, "
                + "unanswered, tool_latency_ms FROM tool_calls WHERE called_at < '2026-03-01T10:00:15.000Z'");
        List<Map<String, Object>> rows = tools(new TimeWindow(null, Instant.parse("2026-03-01T10:00:15Z")));
        assertEquals(1, rows.size());
        assertEquals((long) joined.size(), rows.get(0).get("calls"));
        assertEquals(14L, rows.get(0).get("calls"), "Bash calls 1..14 fall in the window");
        assertEquals(7000.0, rows.get(0).get("latency_p50_ms"), "rank ceil(0.5 * 14) = 7");
        assertEquals(14000.0, rows.get(0).get("latency_p95_ms"), "rank ceil(0.95 * 14) = 14");
    }
}
