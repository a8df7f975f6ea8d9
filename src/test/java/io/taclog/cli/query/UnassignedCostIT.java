package io.taclog.cli.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taclog.cli.Main;
import io.taclog.testing.SharedSamples;
import io.taclog.testing.Sql;
import io.taclog.testing.transcripts.StreamJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code query cost --by task} files the work of unassigned workers under one "(unassigned)" group and
 * {@code --by session} breaks it down by the agent's session; no call is lost from any total.
 */
class UnassignedCostIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "claude-sonnet-4-5-20250929";
    private static final String REAL = "claude-transcript/ccviewer-v1.0.x-5c0375b4-57a5-4f26-b12d-d022ee4e51b7.jsonl";
    private static final String REAL_SESSION = "5c0375b4-57a5-4f26-b12d-d022ee4e51b7";
    private static final String LOOSE_SESSION = "10000000-0000-4000-8000-0000000000aa";
    private static final String HINTED_SESSION = "45045045-0000-4000-8000-000000000001";

    /** The cost-by-task statement of docs/queries.md that keeps unassigned workers' calls (SeedQueriesIT too). */
    private static final String COST_BY_TASK_KEEPING_UNASSIGNED = "SELECT COALESCE(ws.task_id, '(unassigned)') AS "
            + "task_id, t.title, SUM(ac.estimated_cost_usd) AS cost\nFROM api_calls ac\n"
            + "JOIN worker_sessions ws ON ws.worker_id = ac.worker_id\nLEFT JOIN tasks t ON t.task_id = ws.task_id\n"
            + "GROUP BY 1\nORDER BY cost DESC";

    @TempDir
    static Path tmp;

    private static String db;

    /**
     * A coordinator's worker of gh-77 (one call), a transcript under trees/gh-450 (one call) and two transcripts
     * nothing links: the real sample (20 calls) and a generated one (2 calls).
     */
    @BeforeAll
    static void database() throws IOException {
        Path events = Files.writeString(tmp.resolve("events.jsonl"), String.join("\n", List.of(
                "{\"event\":\"start_session\",\"ts\":\"2025-11-05T09:00:00Z\",\"session_id\":\"ses-7\"}",
                "{\"event\":\"worker_spawn\",\"ts\":\"2025-11-05T09:00:03Z\",\"session_id\":\"ses-7\","
                        + "\"worker_id\":\"w-77\",\"task_id\":\"gh-77\",\"pid\":4277,"
                        + "\"log_file\":\"/srv/out/w-77.jsonl\"}")) + "\n");
        Path root = tmp.resolve("seen");
        write(Files.createDirectories(root.resolve("out")).resolve("w-77.jsonl"),
                new StreamJson("77777777-0000-4000-8000-000000000077"), "msg_01W77");
        write(Files.createDirectories(root.resolve("trees/gh-450")).resolve("session.jsonl"),
                new StreamJson(HINTED_SESSION), "msg_01H");
        Path agents = Files.createDirectories(root.resolve("agents"));
        Files.copy(SharedSamples.require(REAL), agents.resolve("real.jsonl"));
        StreamJson loose = new StreamJson(LOOSE_SESSION);
        Files.writeString(agents.resolve("loose.jsonl"), String.join("\n", List.of(loose.init(MODEL, "/srv/repo"),
                loose.text("msg_01L1", MODEL, "one", 100, 20, 0, 0), loose.text("msg_01L2", MODEL, "two", 50, 10, 0,
                        0))) + "\n");
        db = tmp.resolve("cost.db").toString();
        run(Main.OK, "backfill", "--db", db, "--coordinator-events", events.toString(), "--watch", root.toString(),
                "--no-progress");
    }

    @Test
    void byTaskFilesUnassignedWorkUnderOneGroupAndKeepsTheGrandTotal() throws Exception {
        Map<String, JsonNode> rows = rows(cost("task"));
        assertEquals(List.of("(unassigned)", "gh-450", "gh-77"), List.copyOf(rows.keySet()));
        assertEquals(22, rows.get("(unassigned)").path("calls").asInt(), "the real sample's 20 and the loose 2");
        assertEquals(sql("SELECT SUM(a.estimated_cost_usd) FROM api_calls a JOIN worker_sessions w "
                + "USING (worker_id) WHERE w.task_id IS NULL"), rows.get("(unassigned)").path("cost_usd").asDouble(),
                1e-9);
        assertEquals(1, rows.get("gh-450").path("calls").asInt());
        assertEquals(1, rows.get("gh-77").path("calls").asInt());
        assertSameTotals(cost("task").path("total"), cost("none").path("total"));

        String table = run(Main.OK, "query", "cost", "--by", "task", "--db", db);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("(unassigned)") && l.contains(" 22 ")), table);
    }

    @Test
    void bySessionSplitsTranscriptOnlyWorkByTheAgentsSession() throws Exception {
        Map<String, JsonNode> rows = rows(cost("session"));
        assertEquals(List.of("ses-7", "transcript " + LOOSE_SESSION, "transcript " + HINTED_SESSION,
                "transcript " + REAL_SESSION), List.copyOf(rows.keySet()), "the coordinator's session as it is");
        assertEquals(20, rows.get("transcript " + REAL_SESSION).path("calls").asInt());
        assertEquals(2, rows.get("transcript " + LOOSE_SESSION).path("calls").asInt());
        assertEquals(30, rows.get("transcript " + LOOSE_SESSION).path("tokens_output").asInt());
        assertSameTotals(cost("session").path("total"), cost("none").path("total"));
    }

    @Test
    void workersAndTaskSayWhenAWorkerIsUnassigned() throws Exception {
        String table = run(Main.OK, "query", "workers", "--active", "--include-idle", "--db", db);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("real ") && l.contains("(unassigned)")), table);
        JsonNode json = JSON.readTree(run(Main.OK, "query", "workers", "--active", "--include-idle", "--format", "json",
                "--db", db));
        for (JsonNode w : json) {
            if ("real".equals(w.path("worker_id").asText())) {
                assertTrue(w.path("task_id").isNull(), "JSON keeps the NULL: " + w);
            }
        }
        String err = run(Main.FAILURE, "query", "task", REAL_SESSION, "--db", db);
        assertTrue(err.contains("worker real of that transcript is (unassigned)"), err);
    }

    @Test
    void theNullSafeCostByTaskQueryOfTheDocsKeepsEveryCall() {
        List<Map<String, Object>> byTask = Sql.rows(Path.of(db), COST_BY_TASK_KEEPING_UNASSIGNED);
        assertEquals("(unassigned)", byTask.get(0).get("task_id"), "the most expensive group here");
        assertNull(byTask.get(0).get("title"));
        assertEquals(sql("SELECT SUM(estimated_cost_usd) FROM api_calls"),
                byTask.stream().mapToDouble(r -> ((Number) r.get("cost")).doubleValue()).sum(), 1e-9);
    }

    private static void assertSameTotals(JsonNode a, JsonNode b) {
        for (String f : List.of("calls", "tokens_input", "tokens_output", "tokens_cache_read", "tokens_cache_write",
                "unpriced_calls")) {
            assertEquals(b.path(f).asLong(), a.path(f).asLong(), f);
        }
        for (String f : List.of("estimated_usd", "reported_usd", "cost_usd")) {
            assertEquals(b.path(f).asDouble(), a.path(f).asDouble(), 1e-9, f);
        }
        assertEquals(sql("SELECT COUNT(*) FROM api_calls"), a.path("calls").asDouble(), 0);
        assertEquals(sql("SELECT SUM(estimated_cost_usd) FROM api_calls"), a.path("estimated_usd").asDouble(), 1e-9);
    }

    private static JsonNode cost(String by) throws IOException {
        return JSON.readTree(run(Main.OK, "query", "cost", "--by", by, "--format", "json", "--db", db));
    }

    private static Map<String, JsonNode> rows(JsonNode doc) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode r : doc.path("rows")) {
            out.put(r.path("key").asText(), r);
        }
        return out;
    }

    private static double sql(String query) {
        List<Map<String, Object>> r = Sql.rows(Path.of(db), query);
        return ((Number) r.get(0).values().iterator().next()).doubleValue();
    }

    private static void write(Path file, StreamJson s, String message) throws IOException {
        Files.writeString(file, String.join("\n", List.of(s.init(MODEL, "/srv/repo"),
                s.text(message, MODEL, "done", 10, 200, 5000, 0))) + "\n");
    }

    /** Runs the CLI, expects {@code code}, and returns stdout (stderr when it failed). */
    private static String run(int code, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int got = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String o = out.toString(StandardCharsets.UTF_8);
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(code, got, String.join(" ", args) + "\n" + o + e);
        return code == Main.OK ? o : e;
    }
}
