package io.taclog.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.cli.Main;
import io.taclog.sink.dialect.PostgresConnections;
import io.taclog.testing.ArchiveCorpus;
import io.taclog.testing.Backend;
import io.taclog.testing.CliRun;
import io.taclog.testing.Sql;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema v23: PostgreSQL keeps the cost cells' shares of reported cost as SQLite does (v19). The corpus of real
 * transcripts with reported and itemised costs over several months, backfilled into PostgreSQL: nothing is left
 * marked, every report read from the shares equals the same report prorated in Java, and the shares sum to what the
 * SQLite ingest of the same files holds.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CostSharesOnPostgresIT {

    @TempDir
    Path tmp;

    @Test
    void reportsFromTheSharesEqualTheProrationOnPostgresql() throws Exception {
        Backend pg = Backend.Kind.POSTGRESQL.create(tmp, "shares");
        List<String> args = new ArrayList<>(List.of("backfill", "--no-progress"));
        args.addAll(ArchiveCorpus.sources());
        CliRun r = CliRun.of(pg.args(args.toArray(String[]::new)));
        assertEquals(Main.OK, r.code(), r.err());

        Path sqlite = ArchiveCorpus.db();
        try (Connection settled = PostgresConnections.wrap(pg.connect());
             Connection prorated = PostgresConnections.wrap(pg.connect())) {
            assertEquals(0L, Sql.scalar(settled, "SELECT COUNT(*) FROM api_call_cost_dirty"), "nothing left marked");
            for (String sum : List.of("SELECT ROUND(TOTAL(reported_usd), 9) FROM api_call_hours",
                    "SELECT ROUND(TOTAL(reported_usd), 9) FROM api_call_hour_extras",
                    "SELECT COUNT(*) FROM api_call_hours WHERE reported_usd IS NOT NULL")) {
                assertEquals(scalar(sqlite, sum), scalar(settled, sum), "as the SQLite ingest: " + sum);
            }
            assertTrue(Sql.scalar(settled, "SELECT COUNT(*) FROM api_call_hours WHERE reported_usd IS NOT NULL") > 0,
                    "the corpus has workers that report their cost");
            // a mark this connection's transaction holds: to it the shares are stale, so it prorates in Java
            prorated.setAutoCommit(false);
            try (Statement s = prorated.createStatement()) {
                s.execute("INSERT INTO api_call_cost_dirty(worker_id) VALUES ('a worker changed elsewhere')");
            }
            int compared = 0;
            for (ZoneId zone : List.of(ZoneId.of("UTC"), ZoneId.of("America/Los_Angeles"))) {
                for (TimeWindow w : List.of(TimeWindow.ALL, TimeWindow.of("2025-12-01", "2026-02-28", zone),
                        TimeWindow.of("2026-01-05", null, zone))) {
                    assertTrue(SettledCells.cover(settled, HourSpan.of(w)), "the shares cover " + w);
                    assertFalse(SettledCells.cover(prorated, HourSpan.of(w)), "the marked connection prorates");
                    for (CostGrouping by : CostQueryCellsIT.SQLITE_GROUPINGS) {
                        for (boolean breakdown : new boolean[] {false, true}) {
                            String what = by + (breakdown ? " by model" : "") + " in " + zone + " over " + w;
                            List<CostRow> expected = new CostQuery(prorated, zone).run(w, by, breakdown);
                            CostQueryCellsIT.assertSameRows(expected, new CostQuery(settled, zone).run(w, by,
                                    breakdown), what);
                            compared += expected.size();
                        }
                    }
                }
            }
            prorated.rollback();
            assertTrue(compared > 500, "rows compared: " + compared);
        }
    }

    private static String scalar(Path sqlite, String sql) throws Exception {
        try (Connection c = Sql.connect(sqlite)) {
            return scalar(c, sql);
        }
    }

    private static String scalar(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return new java.math.BigDecimal(rs.getString(1)).stripTrailingZeros().toPlainString();
        }
    }
}
