package io.taclog.cli.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taclog.sink.Database;
import io.taclog.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query CLI, called in-process with captured streams, against the demo database; every figure is
 * checked against a plain SQL computation over the same database.
 */
class QueryCommandsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static String db;

    @BeforeAll
    static void demo() throws Exception {
        db = DemoDatabase.path().toString();
    }

    private static CliRun ok(String... args) {
        CliRun r = DemoDatabase.run(args);
        assertEquals(0, r.code(), () -> String.join(" ", args) + " failed:\n" + r.out() + r.err());
        return r;
    }

    private static JsonNode json(String... args) throws Exception {
        return JSON.readTree(ok(args).out());
    }

    private static double sql(String query) throws Exception {
        try (Connection c = Database.openReadOnly(Path.of(db), 5000); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(query)) {
            return rs.next() ? rs.getDouble(1) : 0;
        }
    }

    @Test
    void costTotalUsesReportedCostWhereTheTranscriptHasOneAndTheEstimateOtherwise() throws Exception {
        JsonNode total = json("query", "cost", "--db", db, "--format", "json").get("total");
        double expected = sql("SELECT SUM(CASE WHEN w.reported_cost_usd IS NOT NULL THEN w.reported_cost_usd "
                + "ELSE (SELECT COALESCE(SUM(a.estimated_cost_usd), 0) FROM api_calls a "
                + "WHERE a.worker_id = w.worker_id) END) "
                + "FROM worker_sessions w WHERE EXISTS (SELECT 1 FROM api_calls a WHERE a.worker_id = w.worker_id)");
        assertEquals(expected, total.get("cost_usd").asDouble(), 1e-6);
        assertEquals(sql("SELECT SUM(estimated_cost_usd) FROM api_calls"), total.get("estimated_usd").asDouble(), 1e-9);
        assertEquals((long) sql("SELECT COUNT(*) FROM api_calls"), total.get("calls").asLong());
        assertEquals((long) sql("SELECT SUM(tokens_output) FROM api_calls"), total.get("tokens_output").asLong());
        assertTrue(expected > 0, "the demo has priced calls");
    }

    @Test
    void costByModelAndByDayAddUpToTheTotal() throws Exception {
        JsonNode byModel = json("query", "cost", "--by", "model", "--db", db, "--format", "json");
        JsonNode byDay = json("query", "cost", "--by", "day", "--tz", "UTC", "--db", db, "--format", "json");
        double total = byModel.get("total").get("cost_usd").asDouble();
        double sumModels = 0;
        Map<String, Long> outputByModel = new HashMap<>();
        for (JsonNode r : byModel.get("rows")) {
            sumModels += r.get("cost_usd").asDouble();
            outputByModel.put(r.get("key").asText(), r.get("tokens_output").asLong());
        }
        double sumDays = 0;
        for (JsonNode r : byDay.get("rows")) {
            sumDays += r.get("cost_usd").asDouble();
            assertTrue(r.get("key").asText().matches("\\d{4}-\\d{2}-\\d{2}"), "day keys are dates");
        }
        assertEquals(total, sumModels, 1e-6);
        assertEquals(total, sumDays, 1e-6);
        try (Connection c = Database.openReadOnly(Path.of(db), 5000); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT model, SUM(tokens_output) FROM api_calls GROUP BY model")) {
            while (rs.next()) {
                assertEquals(rs.getLong(2), outputByModel.get(rs.getString(1)), "output tokens of " + rs.getString(1));
            }
        }
    }

    @Test
    void costTableSaysWhichBasisEachRowUses() {
        String out = ok("query", "cost", "--by", "worker", "--db", db).out();
        assertTrue(out.contains("basis"), out);
        assertTrue(out.contains("reported") || out.contains("estimated"), out);
        assertTrue(out.contains("TOTAL"), out);
    }

    @Test
    void costTodayOfAnEmptyDayIsZeroNotAnError() throws Exception {
        JsonNode r = json("query", "cost", "--since", "1990-01-01", "--until", "1990-01-02", "--db", db, "--format",
                "json");
        assertEquals(0, r.get("rows").size());
        assertEquals(0.0, r.get("total").get("cost_usd").asDouble());
        ok("query", "cost", "--today", "--db", db);
    }

    @Test
    void taskStoryRollsCostUpFromCallsToWorkersToTheTask() throws Exception {
        String task = firstTaskWithCalls();
        JsonNode story = json("query", "task", task, "--full", "--db", db, "--format", "json");
        double workers = 0;
        for (JsonNode w : story.get("workers")) {
            double est = sql("SELECT COALESCE(SUM(estimated_cost_usd), 0) FROM api_calls WHERE worker_id = '"
                    + w.get("worker_id").asText().replace("'", "''") + "'");
            assertEquals(est, w.get("estimated_usd").asDouble(), 1e-9);
            workers += w.get("cost_usd").asDouble();
        }
        assertEquals(workers, story.get("totals").get("cost_usd").asDouble(), 1e-9);
        assertTrue(story.get("timeline").size() > 0, "a timeline");
        String text = ok("query", "task", task, "--full", "--db", db).out();
        assertTrue(text.contains("Task " + task), text);
        assertTrue(text.contains("worker"), text);
    }

    @Test
    void unknownTaskIsExitOneWithTheKnownTasks() {
        CliRun r = DemoDatabase.run("query", "task", "gh-999999", "--db", db);
        assertEquals(1, r.code());
        assertTrue(r.err().contains("no task 'gh-999999'"), r.err());
        assertTrue(r.err().contains("known tasks include"), r.err());
    }

    @Test
    void noSessionIsActiveAfterTheCoordinatorShutDown() throws Exception {
        JsonNode active = json("query", "sessions", "--active", "--db", db, "--format", "json");
        assertEquals(0, active.size(), active.toString());
        JsonNode all = json("query", "sessions", "--since", "2000-01-01", "--db", db, "--format", "json");
        assertTrue(all.size() >= 1, "the demo has coordinator sessions");
    }

    @Test
    void workersDecisionsErrorsAndToolsAnswer() throws Exception {
        JsonNode failed = json("query", "workers", "--failed", "--db", db, "--format", "json");
        assertEquals((long) sql("SELECT COUNT(*) FROM worker_sessions WHERE status = 'failed'"), failed.size());
        String task = firstTaskWithCalls();
        JsonNode decisions = json("query", "decisions", "--task", task, "--db", db, "--format", "json");
        assertEquals((long) sql("SELECT COUNT(*) FROM logic_flow WHERE context_id = '" + task + "'"), decisions.size());
        JsonNode errors = json("query", "errors", "--since", "2000-01-01", "--db", db, "--format", "json");
        assertEquals((long) sql("SELECT COUNT(*) FROM system_events WHERE severity IN ('error', 'critical')"),
                errors.size());
        JsonNode tools = json("query", "tools", "--db", db, "--format", "json");
        long calls = 0;
        for (JsonNode t : tools) {
            calls += t.get("calls").asLong();
        }
        assertEquals((long) sql("SELECT COUNT(*) FROM tool_calls"), calls);
        CliRun usage = DemoDatabase.run("query", "workers", "--db", db);
        assertEquals(2, usage.code(), "neither --active nor --failed is a usage error");
    }

    @Test
    void csvOutputIsRfc4180() {
        String csv = ok("query", "cost", "--by", "worker", "--db", db, "--format", "csv").out();
        assertTrue(csv.startsWith("worker,calls,"), csv);
    }

    @Test
    void evidenceBundleHoldsDecisionsConversationAndPricedCosts() throws Exception {
        String task = firstTaskWithCalls();
        JsonNode b = json("export", "--task", task, "--format", "json", "--db", db);
        assertEquals(1, b.get("bundle_version").asInt());
        assertTrue(b.get("workers").size() > 0);
        JsonNode first = b.get("workers").get(0);
        assertTrue(first.get("conversation").size() > 0, "conversation exported");
        assertTrue(first.get("cost_breakdown").get(0).get("price_versions").asText().startsWith("taclog-"));
        String md = ok("export", "--task", task, "--format", "md", "--db", db).out();
        assertTrue(md.startsWith("# Evidence for task "), md);
        assertFalse(md.contains("<script"), "no raw HTML from transcripts");
    }

    @Test
    void bulkExportStreamsEveryRowOfTheWindow() throws Exception {
        String jsonl = ok("export", "--since", "2000-01-01", "--format", "jsonl", "--db", db).out();
        long lines = jsonl.lines().count();
        assertEquals((long) sql("SELECT COUNT(*) FROM api_calls"), lines);
        JSON.readTree(jsonl.lines().findFirst().orElseThrow());
        String csv = ok("export", "--since", "2000-01-01", "--format", "csv", "--what", "conversations", "--db", db)
                .out();
        assertTrue(csv.startsWith("conversation_id,"), csv.substring(0, Math.min(200, csv.length())));
    }

    @Test
    void repriceShowsTheDifferenceUnderAnotherTableWithoutReingesting(@TempDir Path tmp) throws Exception {
        Path table = tmp.resolve("double.json");
        JsonNode bundled = JSON.readTree(ok("prices", "list", "--format", "json").out());
        for (JsonNode m : bundled.get("models")) {
            for (String f : new String[] {"input", "output", "cache_read", "cache_write_5m", "cache_write_1h"}) {
                if (m.get(f).isNumber()) {
                    ((com.fasterxml.jackson.databind.node.ObjectNode) m).put(f, m.get(f).asDouble() * 2);
                }
            }
        }
        ((com.fasterxml.jackson.databind.node.ObjectNode) bundled).put("version", "test-double");
        Files.writeString(tmp.resolve("double.json"), bundled.toString());
        Path copy = tmp.resolve("copy.db");
        Files.copy(Path.of(db), copy);
        JsonNode diff = json("prices", "reprice", "--table", table.toString(), "--db", copy.toString(), "--format",
                "json");
        double oldSum = 0;
        double newSum = 0;
        for (JsonNode d : diff) {
            if (d.get("old_usd").isNumber() && d.get("new_usd").isNumber()) {
                oldSum += d.get("old_usd").asDouble();
                newSum += d.get("new_usd").asDouble();
            }
        }
        assertTrue(oldSum > 0);
        assertEquals(2 * oldSum, newSum, 1e-6);
        ok("prices", "reprice", "--table", table.toString(), "--db", copy.toString(), "--apply");
        try (Connection c = Database.openReadOnly(copy, 5000); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM api_calls WHERE estimated_cost_usd IS NOT NULL "
                     + "AND price_version NOT LIKE '%test-double'")) {
            rs.next();
            assertEquals(0, rs.getLong(1), "every priced call now carries the new version");
        }
    }

    @Test
    void pricesListAndShow() {
        assertTrue(ok("prices", "show", "claude-sonnet-4-5-20250929").out().contains("claude-sonnet-4-5"));
        CliRun unknown = DemoDatabase.run("prices", "show", "no-such-model");
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().contains("NULL cost"), unknown.err());
    }

    @Test
    void missingOrNewerDatabasesGetClearErrors(@TempDir Path tmp) throws Exception {
        CliRun missing = DemoDatabase.run("query", "cost", "--db", tmp.resolve("nope.db").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("does not exist"), missing.err());
        Path newer = tmp.resolve("newer.db");
        Files.copy(Path.of(db), newer);
        try (Database d = Database.open(newer, io.taclog.sink.DatabaseSettings.defaults())) {
            d.write(c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("INSERT INTO schema_version VALUES (999, 'from the future', '2099-01-01T00:00:00.000Z')");
                }
                return null;
            });
        }
        CliRun r = DemoDatabase.run("query", "cost", "--db", newer.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("newer than this taclog"), r.err());
        CliRun usage = DemoDatabase.run("query", "cost", "--by", "fortnight", "--db", db);
        assertEquals(2, usage.code());
    }

    private static String firstTaskWithCalls() throws Exception {
        try (Connection c = Database.openReadOnly(Path.of(db), 5000); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT w.task_id FROM worker_sessions w JOIN api_calls a USING (worker_id) "
                     + "JOIN tasks t ON t.task_id = w.task_id GROUP BY w.task_id ORDER BY COUNT(*) DESC LIMIT 1")) {
            assertTrue(rs.next(), "the demo has a task with calls");
            return rs.getString(1);
        }
    }

    @Test
    void aDatabaseLockedByAnotherProcessIsReportedAsSuch(@TempDir Path tmp) throws Exception {
        Path locked = tmp.resolve("locked.db");
        Files.copy(Path.of(db), locked);
        try (Connection holder = java.sql.DriverManager.getConnection("jdbc:sqlite:" + locked);
             Statement s = holder.createStatement()) {
            s.execute("PRAGMA journal_mode=DELETE");
            s.execute("PRAGMA locking_mode=EXCLUSIVE");
            s.execute("BEGIN EXCLUSIVE");
            CliRun r = DemoDatabase.run("query", "cost", "--db", locked.toString());
            assertEquals(1, r.code());
            assertTrue(r.err().contains("is locked by another process"), r.err());
            s.execute("ROLLBACK");
        }
    }
}
