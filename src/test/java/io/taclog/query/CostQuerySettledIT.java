package io.taclog.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.sink.Database;
import io.taclog.sink.DatabaseSettings;
import io.taclog.testing.ArchiveCorpus;
import io.taclog.testing.Sql;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cells' shares of their workers' reported costs (schema v19) answer every report exactly as the proration of the
 * calls does, on the real transcripts (Claude Code result lines with a total and an itemisation by model, models
 * itemised without call rows), and stay so through every change the writer makes: it settles the marked workers in the
 * transaction that marked them. A change by another program leaves the marks; reports then prorate the calls until the
 * writer's next transaction settles them.
 */
class CostQuerySettledIT {

    @TempDir
    Path tmp;

    private static final List<ZoneId> ZONES = List.of(ZoneId.of("UTC"), ZoneId.of("America/Los_Angeles"));

    private static List<TimeWindow> windows(ZoneId zone) {
        return List.of(TimeWindow.ALL, TimeWindow.of("2025-06-01", "2026-09-01", zone),
                TimeWindow.of("2025-12-01", "2026-02-28", zone), TimeWindow.of("2026-01-05", null, zone),
                TimeWindow.of(null, "2026-01-05", zone));
    }

    /** Every report from the settled cells equals the same report prorated from the calls; returns rows compared. */
    private static int assertSettledEqualsProrated(Path db, String when) throws Exception {
        assertEquals(0L, Sql.scalar(db, "SELECT COUNT(*) FROM api_call_cost_dirty"), when + ": nothing left marked");
        int compared = 0;
        try (Connection settled = Sql.connect(db); Connection prorated = Sql.connect(db)) {
            try (Statement s = prorated.createStatement()) {
                // a view in front of the calls, as --include-archives makes: this connection prorates the calls
                s.execute("CREATE TEMP VIEW api_calls AS SELECT * FROM main.api_calls");
            }
            for (ZoneId zone : ZONES) {
                for (TimeWindow w : windows(zone)) {
                    assertTrue(SettledCells.cover(settled, HourSpan.of(w)), when + ": the cells cover " + w);
                    assertFalse(SettledCells.cover(prorated, HourSpan.of(w)), "the other connection prorates");
                    for (CostGrouping by : CostQueryCellsIT.SQLITE_GROUPINGS) {
                        for (boolean breakdown : new boolean[] {false, true}) {
                            String what = when + ": " + by + (breakdown ? " by model" : "") + " in " + zone + " over " + w;
                            List<CostRow> expected = new CostQuery(prorated, zone).run(w, by, breakdown);
                            CostQueryCellsIT.assertSameRows(expected, new CostQuery(settled, zone).run(w, by, breakdown),
                                    what);
                            compared += expected.size();
                        }
                    }
                }
            }
        }
        return compared;
    }

    @Test
    void realTranscriptsWithReportedAndItemisedCostsAnswerAlike() throws Exception {
        Path db = ArchiveCorpus.copyTo(tmp);
        assertTrue(Sql.scalar(db, "SELECT COUNT(*) FROM api_call_hours WHERE reported_usd IS NOT NULL") > 0,
                "cells of workers that report their cost");
        assertTrue(Sql.scalar(db, "SELECT COUNT(*) FROM api_call_hours WHERE reported_usd IS NULL") > 0,
                "cells of workers that report none");
        assertTrue(Sql.scalar(db, "SELECT COUNT(*) FROM api_call_hour_extras") > 0,
                "shares of models itemised without call rows");
        assertTrue(assertSettledEqualsProrated(db, "after the load") > 1000, "reports with rows were compared");
    }

    @Test
    void everyChangeTheWriterMakesIsSettledBeforeItCommits() throws Exception {
        Path db = ArchiveCorpus.copyTo(tmp);
        String itemised = (String) Sql.rows(db, "SELECT u.worker_id FROM worker_model_usage u JOIN api_calls a "
                + "ON a.worker_id = u.worker_id GROUP BY u.worker_id ORDER BY COUNT(DISTINCT u.model) DESC, "
                + "u.worker_id LIMIT 1").get(0).get("worker_id");
        String plain = (String) Sql.rows(db, "SELECT w.worker_id FROM worker_sessions w JOIN api_calls a "
                + "ON a.worker_id = w.worker_id WHERE w.reported_cost_usd IS NULL GROUP BY w.worker_id "
                + "ORDER BY w.worker_id LIMIT 1").get(0).get("worker_id");
        List<String[]> changes = List.of(
                new String[] {"a reported total changed", "UPDATE worker_sessions SET reported_cost_usd = "
                        + "reported_cost_usd * 2 + 1 WHERE worker_id = '" + itemised + "'"},
                new String[] {"a model itemised without call rows", "INSERT INTO worker_model_usage(worker_id, model, "
                        + "reported_cost_usd) VALUES ('" + itemised + "', 'claude-background-model', 0.125)"},
                new String[] {"an itemised model with call rows gone", "DELETE FROM worker_model_usage WHERE worker_id = '"
                        + itemised + "' AND model IN (SELECT model FROM api_calls WHERE worker_id = '" + itemised
                        + "' LIMIT 1)"},
                new String[] {"a worker without a total gets one", "UPDATE worker_sessions SET reported_cost_usd = 3.5 "
                        + "WHERE worker_id = '" + plain + "'"},
                new String[] {"calls moved to another worker (a join)", "UPDATE api_calls SET worker_id = '" + plain
                        + "' WHERE worker_id = '" + itemised + "' AND call_id % 2 = 0"},
                new String[] {"calls re-priced", "UPDATE api_calls SET estimated_cost_usd = estimated_cost_usd * 3 "
                        + "WHERE call_id % 5 = 0"},
                new String[] {"a month of calls deleted (archived)", "DELETE FROM api_calls WHERE timestamp >= "
                        + "'2026-01-01' AND timestamp < '2026-02-01'"},
                new String[] {"a total taken away", "UPDATE worker_sessions SET reported_cost_usd = NULL "
                        + "WHERE worker_id = '" + itemised + "'"},
                new String[] {"a reporting worker's row deleted", "DELETE FROM worker_sessions WHERE worker_id = '"
                        + plain + "'"});
        try (Database d = Database.open(db, DatabaseSettings.defaults())) {
            for (String[] change : changes) {
                d.write(c -> {
                    try (Statement s = c.createStatement()) {
                        assertTrue(s.executeUpdate(change[1]) > 0, change[0] + " changed rows");
                    }
                    return null;
                });
                assertSettledEqualsProrated(db, change[0]);
            }
        }
    }

    /** The statement docs/queries.md gives for the cost by day and model from the cells. */
    private static final String DOCUMENTED = """
            SELECT day, model, SUM(cost) FROM (
              SELECT substr(hour, 1, 10) AS day, model, COALESCE(reported_usd, estimated_cost_usd) AS cost
              FROM api_call_hours WHERE hour >= '2026-01-01T00' AND hour < '2027-01-01T00'
              UNION ALL
              SELECT substr(hour, 1, 10), model, reported_usd
              FROM api_call_hour_extras WHERE hour >= '2026-01-01T00' AND hour < '2027-01-01T00') AS cells
            GROUP BY day, model""";

    @Test
    void theDocumentedStatementSumsWhatTheReportDoes() throws Exception {
        String doc = java.nio.file.Files.readString(Path.of("docs/queries.md"));
        assertTrue(doc.contains(DOCUMENTED), "docs/queries.md lists the statement");
        ZoneId utc = ZoneId.of("UTC");
        List<CostRow> report;
        try (Connection c = Sql.connect(ArchiveCorpus.db())) {
            report = new CostQuery(c, utc).run(TimeWindow.of("2026-01-01", "2027-01-01", utc), CostGrouping.DAY, true);
        }
        List<java.util.Map<String, Object>> rows = Sql.rows(ArchiveCorpus.db(), DOCUMENTED);
        assertEquals(report.size(), rows.size(), "a row per day and model");
        assertTrue(report.stream().anyMatch(r -> !"estimated".equals(r.basis())), "reported costs among them");
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(report.get(i).key() + "/" + report.get(i).model(), rows.get(i).get("day") + "/"
                    + rows.get(i).get("model"));
            assertEquals(report.get(i).costUsd(), ((Number) rows.get(i).get("SUM(cost)")).doubleValue(), 1e-9);
        }
    }

    @Test
    void aWindowThatEndsInsideAnHourWithCallsIsNotReadFromTheCells() throws Exception {
        ZoneId utc = ZoneId.of("UTC");
        // from an hour's start to inside an hour that holds calls (the calls of 20:02-20:40 are in the corpus)
        TimeWindow endsInside = TimeWindow.of("2026-01-05T19:00:00Z", "2026-01-05T20:40:00Z", utc);
        TimeWindow startsInside = TimeWindow.of("2026-01-05T20:30:00Z", "2026-01-05T22:00:00Z", utc);
        try (Connection c = Sql.connect(ArchiveCorpus.db()); Connection prorated = Sql.connect(ArchiveCorpus.db())) {
            try (Statement s = prorated.createStatement()) {
                s.execute("CREATE TEMP VIEW api_calls AS SELECT * FROM main.api_calls");
            }
            for (TimeWindow w : List.of(endsInside, startsInside)) {
                assertFalse(SettledCells.cover(c, HourSpan.of(w)), "the cells hold whole hours only: " + w);
                List<CostRow> expected = new CostQuery(prorated, utc).run(w, CostGrouping.MODEL, false);
                assertTrue(CostRow.total(expected).calls() > 0, "the window holds calls: " + w);
                CostQueryCellsIT.assertSameRows(expected, new CostQuery(c, utc).run(w, CostGrouping.MODEL, false),
                        w.toString());
            }
        }
    }

    @Test
    void aChangeByAnotherProgramIsProratedUntilTheWriterSettlesIt() throws Exception {
        Path db = ArchiveCorpus.copyTo(tmp);
        Sql.exec(db, "UPDATE worker_sessions SET reported_cost_usd = reported_cost_usd + 100 "
                + "WHERE reported_cost_usd IS NOT NULL");
        assertTrue(Sql.scalar(db, "SELECT COUNT(*) FROM api_call_cost_dirty") > 0, "the change marked its workers");
        ZoneId utc = ZoneId.of("UTC");
        try (Connection c = Sql.connect(db); Connection prorated = Sql.connect(db)) {
            try (Statement s = prorated.createStatement()) {
                s.execute("CREATE TEMP VIEW api_calls AS SELECT * FROM main.api_calls");
            }
            assertFalse(SettledCells.cover(c, HourSpan.of(TimeWindow.ALL)), "stale shares are not read");
            CostQueryCellsIT.assertSameRows(new CostQuery(prorated, utc).run(TimeWindow.ALL, CostGrouping.TASK, true),
                    new CostQuery(c, utc).run(TimeWindow.ALL, CostGrouping.TASK, true), "while marked");
        }
        try (Database d = Database.open(db, DatabaseSettings.defaults())) {
            d.write(c -> null); // any transaction of the writer
        }
        assertSettledEqualsProrated(db, "after the writer's next transaction");
    }
}
