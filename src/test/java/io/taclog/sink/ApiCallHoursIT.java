package io.taclog.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.schema.Migrator;
import io.taclog.testing.ArchiveCorpus;
import io.taclog.testing.Sql;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hourly cost cells (schema v16) equal the calls summed again, after a bulk load, after every kind of change the
 * writers, the re-pricer and the archive make to calls, after a load that deferred their triggers, and after an
 * upgrade of a database that already held calls.
 */
class ApiCallHoursIT {

    private static final String CELLS = "SELECT hour, worker_id, model, calls, tokens_input, tokens_output, "
            + "tokens_cached_read, tokens_cached_write, estimated_cost_usd, unpriced_calls FROM api_call_hours";
    private static final String CALLS_SUMMED = "SELECT substr(timestamp, 1, 13) AS hour, worker_id, model, "
            + "COUNT(*) AS calls, COALESCE(SUM(tokens_input), 0) AS tokens_input, "
            + "COALESCE(SUM(tokens_output), 0) AS tokens_output, COALESCE(SUM(tokens_cached_read), 0) AS tokens_cached_read, "
            + "COALESCE(SUM(tokens_cached_write), 0) AS tokens_cached_write, TOTAL(estimated_cost_usd) AS estimated_cost_usd, "
            + "SUM(estimated_cost_usd IS NULL) AS unpriced_calls FROM api_calls GROUP BY 1, 2, 3";

    @TempDir
    Path tmp;

    /** Every cell equals the calls of its hour, worker and model; sums of money to a billionth of a dollar. */
    private static void assertCellsEqualTheCalls(Path db, String when) {
        Map<String, Map<String, Object>> cells = byCell(Sql.rows(db, CELLS));
        Map<String, Map<String, Object>> calls = byCell(Sql.rows(db, CALLS_SUMMED));
        assertEquals(calls.keySet(), cells.keySet(), when + ": the same cells");
        for (var e : calls.entrySet()) {
            Map<String, Object> want = e.getValue();
            Map<String, Object> got = cells.get(e.getKey());
            for (String column : List.of("calls", "tokens_input", "tokens_output", "tokens_cached_read",
                    "tokens_cached_write", "unpriced_calls")) {
                assertEquals(((Number) want.get(column)).longValue(), ((Number) got.get(column)).longValue(),
                        when + ": " + column + " of " + e.getKey());
            }
            assertEquals(((Number) want.get("estimated_cost_usd")).doubleValue(),
                    ((Number) got.get("estimated_cost_usd")).doubleValue(), 1e-9, when + ": estimate of " + e.getKey());
        }
    }

    private static Map<String, Map<String, Object>> byCell(List<Map<String, Object>> rows) {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        for (Map<String, Object> r : rows) {
            out.put(r.get("hour") + " " + r.get("worker_id") + " " + r.get("model"), r);
        }
        return out;
    }

    private static boolean live(Path db) throws Exception {
        try (Connection c = Sql.connect(db)) {
            return ApiCallHours.live(c);
        }
    }

    @Test
    void aBulkLoadOfRealTranscriptsLeavesCellsEqualToItsCalls() throws Exception {
        Path db = ArchiveCorpus.copyTo(tmp);
        assertTrue(live(db), "the load put the triggers back");
        assertTrue(Sql.scalar(db, "SELECT COUNT(*) FROM api_call_hours") > 30, "cells of many hours");
        assertEquals(0L, Sql.scalar(db, "SELECT COUNT(*) FROM deferred_indexes"));
        assertCellsEqualTheCalls(db, "after the load");
    }

    @Test
    void everyChangeToCallsKeepsTheCells() throws Exception {
        Path db = ArchiveCorpus.copyTo(tmp);
        String worker = (String) Sql.rows(db, "SELECT worker_id FROM api_calls GROUP BY worker_id "
                + "ORDER BY COUNT(*) DESC LIMIT 1").get(0).get("worker_id");
        Sql.exec(db, "UPDATE api_calls SET worker_id = 'w-joined' WHERE worker_id = '" + worker + "'");
        assertCellsEqualTheCalls(db, "a worker joined into another (WorkerJoiner, StreamRelinker)");
        Sql.exec(db, "UPDATE api_calls SET estimated_cost_usd = NULL, price_version = NULL WHERE call_id % 7 = 0");
        assertCellsEqualTheCalls(db, "calls that lost their price");
        Sql.exec(db, "UPDATE api_calls SET estimated_cost_usd = 0.25 WHERE estimated_cost_usd IS NULL AND call_id % 2 = 0");
        assertCellsEqualTheCalls(db, "calls priced again (Repricer)");
        Sql.exec(db, "UPDATE api_calls SET tokens_output = tokens_output + 10, tokens_input = NULL WHERE call_id % 5 = 0");
        assertCellsEqualTheCalls(db, "a larger sighting of a response (the transcript writer's upsert)");
        Sql.exec(db, "UPDATE api_calls SET timestamp = strftime('%Y-%m-%dT%H:%M:%fZ', timestamp, '+1 hour') "
                + "WHERE call_id % 3 = 0");
        assertCellsEqualTheCalls(db, "calls given a recorded time in another hour");
        Sql.exec(db, "UPDATE api_calls SET model = 'claude-unknown-model', success = 1 WHERE call_id % 11 = 0");
        assertCellsEqualTheCalls(db, "a model changed mid-stream");
        Sql.exec(db, "DELETE FROM api_calls WHERE timestamp >= '2026-01-01' AND timestamp < '2026-02-01'");
        assertCellsEqualTheCalls(db, "a month archived (deleted)");
        Sql.exec(db, "INSERT INTO api_calls(worker_id, timestamp, model, tokens_input, tokens_output, "
                + "estimated_cost_usd, dedup_key) SELECT worker_id, timestamp, model, 1, 2, NULL, 'copy:' || call_id "
                + "FROM api_calls WHERE call_id % 13 = 0");
        assertCellsEqualTheCalls(db, "new calls in cells that exist, without a price");
        Sql.exec(db, "DELETE FROM api_calls");
        assertEquals(0L, Sql.scalar(db, "SELECT COUNT(*) FROM api_call_hours"), "no cell outlives its last call");
    }

    @Test
    void aLoadThatDeferredTheTriggersSumsTheCellsAgainWhenItPutsThemBack() throws Exception {
        Path db = ArchiveCorpus.copyTo(tmp);
        Map<String, Object> triggers = Map.copyOf(triggerDefinitions(db));
        try (Database d = Database.open(db, DatabaseSettings.defaults())) {
            DeferredIndexes.defer(d);
        }
        assertFalse(live(db), "a bulk load runs without the triggers");
        assertEquals(Map.of(), triggerDefinitions(db));
        Sql.exec(db, "INSERT INTO api_calls(worker_id, timestamp, model, tokens_input, estimated_cost_usd, dedup_key) "
                        + "VALUES ('w-new', '2027-01-01T10:00:00.000Z', 'claude-sonnet-4-5', 100, 0.5, 'new-1')",
                "DELETE FROM api_calls WHERE call_id % 4 = 0");
        assertTrue(Sql.scalar(db, "SELECT COUNT(*) FROM api_call_hours WHERE worker_id = 'w-new'") == 0,
                "the cells are behind while the triggers are away");
        try (Database d = Database.open(db, DatabaseSettings.defaults())) {
            DeferredIndexes.build(d);
        }
        assertTrue(live(db));
        assertEquals(triggers, triggerDefinitions(db), "the triggers back as schema v16 defined them");
        assertCellsEqualTheCalls(db, "after the deferred load");
    }

    private static Map<String, Object> triggerDefinitions(Path db) {
        Map<String, Object> out = new TreeMap<>();
        Sql.rows(db, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'api_calls'")
                .forEach(r -> out.put((String) r.get("name"), r.get("sql")));
        return out;
    }

    @Test
    void anUpgradeSumsTheCallsADatabaseAlreadyHeld() throws Exception {
        Path db = tmp.resolve("old.db");
        try (Database d = Database.open(db, DatabaseSettings.defaults())) {
            Migrator.migrate(d, 13);
        }
        Sql.exec(db, "ATTACH DATABASE '" + ArchiveCorpus.db() + "' AS corpus",
                "INSERT INTO api_calls SELECT * FROM corpus.api_calls");
        long calls = Sql.scalar(db, "SELECT COUNT(*) FROM api_calls");
        assertTrue(calls > 500, "calls stored before the upgrade: " + calls);
        try (Database d = Database.open(db, DatabaseSettings.defaults())) {
            Migrator.migrate(d);
        }
        assertTrue(live(db));
        assertCellsEqualTheCalls(db, "after the upgrade");
    }
}
