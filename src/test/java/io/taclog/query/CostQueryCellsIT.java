package io.taclog.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.testing.ArchiveCorpus;
import io.taclog.testing.Sql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cost report read from the hourly cells (schema v16) answers exactly as one read from the calls: every grouping, in
 * zones a whole, a half and three quarters of an hour off UTC, over windows on the hour and cut inside hours. And the
 * cells are only read when they can stand for the calls.
 */
class CostQueryCellsIT {

    /** Every grouping a SQLite file answers: by host is PostgreSQL's (TwoSidecarsOnePostgresIT). */
    static final List<CostGrouping> SQLITE_GROUPINGS = java.util.Arrays.stream(CostGrouping.values())
            .filter(g -> g != CostGrouping.HOST).toList();


    @TempDir
    static Path tmp;
    static Path kept;
    static Path callsOnly;

    private static final List<ZoneId> ZONES = List.of(ZoneId.of("UTC"), ZoneId.of("America/Los_Angeles"),
            ZoneId.of("Asia/Kolkata"), ZoneId.of("Asia/Kathmandu"), ZoneId.of("America/St_Johns"));

    @BeforeAll
    static void twoCopies() throws Exception {
        kept = ArchiveCorpus.copyTo(Files.createDirectory(tmp.resolve("kept")));
        callsOnly = ArchiveCorpus.copyTo(Files.createDirectory(tmp.resolve("calls")));
        Sql.exec(callsOnly, "DROP TRIGGER api_call_hours_update"); // cells no longer trusted: reports read the calls
    }

    private static List<TimeWindow> windows(ZoneId zone) {
        return List.of(TimeWindow.ALL,
                TimeWindow.of("2025-12-01", "2026-02-28", zone),
                TimeWindow.of("2026-01-05", null, zone),
                TimeWindow.of(null, "2026-01-05", zone),
                TimeWindow.of("2026-01-05T19:17:00Z", "2026-02-19T06:45:10.5Z", zone),
                TimeWindow.of("2026-01-05T20:02:00Z", "2026-01-05T20:40:00Z", zone), // inside one hour
                TimeWindow.of("2026-02-19T05:30:00Z", "2026-02-19T07:00:00Z", zone));
    }

    @Test
    void everyReportFromTheCellsEqualsTheSameReportFromTheCalls() throws Exception {
        int compared = 0;
        try (Connection fromCells = Sql.connect(kept); Connection fromCalls = Sql.connect(callsOnly)) {
            for (ZoneId zone : ZONES) {
                for (TimeWindow w : windows(zone)) {
                    for (CostGrouping by : CostQueryCellsIT.SQLITE_GROUPINGS) {
                        for (boolean breakdown : new boolean[] {false, true}) {
                            String what = by + (breakdown ? " by model" : "") + " in " + zone + " over " + w;
                            List<CostRow> expected = new CostQuery(fromCalls, zone).run(w, by, breakdown);
                            List<CostRow> actual = new CostQuery(fromCells, zone).run(w, by, breakdown);
                            assertSameRows(expected, actual, what);
                            compared += expected.size();
                        }
                    }
                }
            }
        }
        assertTrue(compared > 1000, "reports with rows were compared: " + compared);
    }

    static void assertSameRows(List<CostRow> expected, List<CostRow> actual, String what) {
        assertEquals(keys(expected), keys(actual), what);
        for (int i = 0; i < expected.size(); i++) {
            CostRow e = expected.get(i);
            CostRow a = actual.get(i);
            String row = what + ", row " + e.key() + "/" + e.model();
            assertEquals(List.of(e.calls(), e.tokensInput(), e.tokensOutput(), e.tokensCacheRead(), e.tokensCacheWrite(),
                    e.unpricedCalls()), List.of(a.calls(), a.tokensInput(), a.tokensOutput(), a.tokensCacheRead(),
                    a.tokensCacheWrite(), a.unpricedCalls()), row);
            assertEquals(e.estimatedUsd(), a.estimatedUsd(), 1e-9, row);
            assertEquals(e.reportedUsd(), a.reportedUsd(), 1e-9, row);
            assertEquals(e.costUsd(), a.costUsd(), 1e-9, row);
            assertEquals(e.basis(), a.basis(), row);
        }
    }

    private static List<String> keys(List<CostRow> rows) {
        List<String> out = new ArrayList<>();
        rows.forEach(r -> out.add(r.key() + "/" + r.model()));
        return out;
    }

    /**
     * In a zone a half or three quarters of an hour off UTC a local day starts inside an hour: each call counts on the
     * local day of its own time, as ccusage's daily report puts it, not on the day its UTC hour starts in. The oracle
     * is the calls themselves, dated one by one here.
     */
    @Test
    void everyCallCountsOnItsOwnLocalDayInZonesOffTheHour() throws Exception {
        // and a zone whose midnight falls at half past the UTC hour holding most calls on both sides of the half
        Map<String, Object> busiest = Sql.rows(kept, "SELECT substr(timestamp, 12, 2) AS h, COUNT(*) AS n FROM api_calls "
                + "GROUP BY substr(timestamp, 1, 13) HAVING MIN(substr(timestamp, 15, 2)) < '30' "
                + "AND MAX(substr(timestamp, 15, 2)) >= '30' ORDER BY n DESC LIMIT 1").get(0);
        int halfPast = Integer.parseInt((String) busiest.get("h")) * 3600 + 1800;
        ZoneId midnightInsideAnHour = java.time.ZoneOffset.ofTotalSeconds(halfPast <= 12 * 3600 ? -halfPast
                : 24 * 3600 - halfPast);
        List<ZoneId> zones = List.of(midnightInsideAnHour, ZoneId.of("Asia/Kolkata"), ZoneId.of("Asia/Kathmandu"),
                ZoneId.of("America/St_Johns"), ZoneId.of("UTC"), ZoneId.of("Europe/Paris"));
        int checked = 0;
        try (Connection c = Sql.connect(kept)) {
            List<Map<String, Object>> calls = Sql.rows(kept, "SELECT timestamp, estimated_cost_usd FROM api_calls");
            for (ZoneId zone : zones) {
                for (TimeWindow w : List.of(TimeWindow.ALL, TimeWindow.of("2026-01-05", "2026-01-20", zone))) {
                    for (CostGrouping by : List.of(CostGrouping.DAY, CostGrouping.WEEK, CostGrouping.MONTH)) {
                        Map<String, long[]> expectedCalls = new java.util.TreeMap<>();
                        Map<String, Double> expectedUsd = new java.util.TreeMap<>();
                        for (Map<String, Object> call : calls) {
                            java.time.Instant at = java.time.Instant.parse((String) call.get("timestamp"));
                            if (w.from() != null && at.isBefore(w.from()) || w.until() != null && !at.isBefore(w.until())) {
                                continue;
                            }
                            java.time.LocalDate d = at.atZone(zone).toLocalDate();
                            String key = switch (by) {
                                case WEEK -> d.get(java.time.temporal.IsoFields.WEEK_BASED_YEAR) + "-W" + String.format(java.util.Locale.ROOT, 
                                        "%02d", d.get(java.time.temporal.IsoFields.WEEK_OF_WEEK_BASED_YEAR));
                                case MONTH -> d.toString().substring(0, 7);
                                default -> d.toString();
                            };
                            expectedCalls.computeIfAbsent(key, k -> new long[1])[0]++;
                            Object usd = call.get("estimated_cost_usd");
                            expectedUsd.merge(key, usd == null ? 0.0 : ((Number) usd).doubleValue(), Double::sum);
                        }
                        List<CostRow> rows = new CostQuery(c, zone).run(w, by, false);
                        String what = by + " in " + zone + " over " + w;
                        assertEquals(expectedCalls.keySet(), rows.stream().map(CostRow::key)
                                .collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new)), what);
                        for (CostRow r : rows) {
                            assertEquals(expectedCalls.get(r.key())[0], r.calls(), what + ": calls of " + r.key());
                            assertEquals(expectedUsd.get(r.key()), r.estimatedUsd(), 1e-9, what + ": estimate of "
                                    + r.key());
                            checked++;
                        }
                    }
                }
            }
        }
        assertTrue(checked > 100, "rows checked: " + checked);
        // and those reports read the hour cells for every hour but the ones a local day starts in (cells made wrong
        // on purpose show through), not a year of calls
        Path corrupt = ArchiveCorpus.copyTo(Files.createDirectory(tmp.resolve("corrupt-split")));
        Sql.exec(corrupt, "UPDATE api_call_hours SET calls = calls + 1000");
        long calls = Sql.scalar(kept, "SELECT COUNT(*) FROM api_calls");
        try (Connection c = Sql.connect(corrupt)) {
            for (ZoneId zone : List.of(midnightInsideAnHour, ZoneId.of("Asia/Kolkata"))) {
                long reported = new CostQuery(c, zone).run(TimeWindow.ALL, CostGrouping.DAY, false).stream()
                        .mapToLong(CostRow::calls).sum();
                assertTrue(reported > calls, zone + ": read from the cells (" + reported + " calls reported of "
                        + calls + ")");
            }
        }
    }

    @Test
    void theCellsAreReadOnlyWhereTheyStandForTheCalls() throws Exception {
        Path corrupt = ArchiveCorpus.copyTo(Files.createDirectory(tmp.resolve("corrupt")));
        Sql.exec(corrupt, "UPDATE api_call_hours SET calls = calls + 1000");
        ZoneId utc = ZoneId.of("UTC");
        TimeWindow wholeHours = TimeWindow.of("2025-12-01", "2026-02-28", utc);
        TimeWindow insideAnHour = TimeWindow.of("2026-01-05T20:02:00Z", "2026-01-05T20:40:00Z", utc);
        try (Connection c = Sql.connect(corrupt); Connection calls = Sql.connect(callsOnly)) {
            long truth = calls(new CostQuery(calls, utc).run(wholeHours, CostGrouping.NONE, false));
            assertTrue(truth > 100, "the window holds calls: " + truth);
            assertNotEquals(truth, calls(new CostQuery(c, utc).run(wholeHours, CostGrouping.NONE, false)),
                    "a report over whole hours reads the cells");
            long inside = calls(new CostQuery(calls, utc).run(insideAnHour, CostGrouping.NONE, false));
            assertTrue(inside > 0, "the hour holds calls in the window");
            assertEquals(inside, calls(new CostQuery(c, utc).run(insideAnHour, CostGrouping.NONE, false)),
                    "a window inside one hour reads the calls");
            try (var s = c.createStatement()) {
                // what --include-archives does: a TEMP view in front of the calls, which the database's cells miss
                s.execute("CREATE TEMP VIEW api_calls AS SELECT * FROM main.api_calls");
            }
            assertEquals(truth, calls(new CostQuery(c, utc).run(wholeHours, CostGrouping.NONE, false)),
                    "with archives attached the report reads the calls");
        }
    }

    private static long calls(List<CostRow> rows) {
        return CostRow.total(rows).calls();
    }
}
