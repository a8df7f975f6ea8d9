package io.taclog.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DashboardUnitsTest {

    @Test
    void parametersAreCheckedBeforeUse() {
        assertEquals("gh-1", Params.id("id", "gh-1"));
        assertEquals(400, assertThrows(HttpProblem.class, () -> Params.id("id", null)).status());
        assertEquals(400, assertThrows(HttpProblem.class, () -> Params.id("id", "a\nb")).status());
        assertEquals(400, assertThrows(HttpProblem.class, () -> Params.id("id", "x".repeat(301))).status());
        assertNull(Params.optionalId("task", ""));
        assertEquals(7, Params.integer("n", "7", 1, 1, 10));
        assertEquals(1, Params.integer("n", null, 1, 1, 10));
        assertThrows(HttpProblem.class, () -> Params.integer("n", "11", 1, 1, 10));
        assertThrows(HttpProblem.class, () -> Params.integer("n", "1e3", 1, 1, 10));
        assertEquals("day", Params.choice("by", null, "day", Set.of("day")));
        assertThrows(HttpProblem.class, () -> Params.choice("by", "day; DROP", "day", Set.of("day")));
        assertEquals(LocalDate.of(2025, 11, 5), Params.date("from", "2025-11-05"));
        assertThrows(HttpProblem.class, () -> Params.date("from", "2025-11-5"));
        assertThrows(HttpProblem.class, () -> Params.date("from", "+12025-11-05"));
        assertThrows(HttpProblem.class, () -> Params.window(LocalDate.of(2025, 2, 1), LocalDate.of(2025, 1, 1),
                ZoneId.of("UTC")));
        assertThrows(HttpProblem.class, () -> Params.searchText(" "));
    }

    @Test
    void hostHeadersAndEscaping() {
        assertEquals("127.0.0.1", DashboardServer.hostName("127.0.0.1:7433"));
        assertEquals("localhost", DashboardServer.hostName("LOCALHOST"));
        assertEquals("[::1]", DashboardServer.hostName("[::1]:80"));
        assertNull(DashboardServer.hostName("[::1"));
        assertNull(DashboardServer.hostName(null));
        assertEquals("&lt;script&gt;&amp;&quot;&#39;", DashboardServer.escape("<script>&\"'"));
    }

    @Test
    void theRateLimitRefillsOverTime() {
        RateLimiter r = new RateLimiter(60); // one a second, bursts of 60
        long t = 0;
        for (int i = 0; i < 60; i++) {
            assertTrue(r.allow("a", t));
        }
        assertFalse(r.allow("a", t));
        assertTrue(r.allow("b", t), "each client has its own bucket");
        assertTrue(r.allow("a", t + 1_000_000_000L));
        assertFalse(r.allow("a", t + 1_000_000_000L));
    }

    @Test
    void onlyLoopbackGoesWithoutAToken() {
        Path db = Path.of("x.db");
        for (String a : new String[] {"127.0.0.1", "localhost", "::1", "127.1.2.3"}) {
            new DashboardSettings(db, a, 0, Optional.empty(), ZoneId.of("UTC"), Optional.empty(), 10);
        }
        new DashboardSettings(db, "0.0.0.0", 0, Optional.of("0123456789abcdef"), ZoneId.of("UTC"), Optional.empty(),
                10);
        assertThrows(IllegalArgumentException.class, () -> new DashboardSettings(db, "0.0.0.0", 0,
                Optional.of("0123456789 abcdef"), ZoneId.of("UTC"), Optional.empty(), 10));
        assertThrows(IllegalArgumentException.class, () -> new DashboardSettings(db, "127.0.0.1", 70_000,
                Optional.empty(), ZoneId.of("UTC"), Optional.empty(), 10));
    }

    @Test
    void aPostgresqlUrlHasNoArchivesAndKeepsItsSlashes() {
        DashboardSettings s = new DashboardSettings(Path.of("jdbc:postgresql://db.internal:5432/taclog"), "127.0.0.1",
                0, Optional.empty(), ZoneId.of("UTC"), Optional.empty(), 10, true);
        assertTrue(s.isPostgres());
        assertFalse(s.includeArchives(), "a PostgreSQL database has no archives");
        assertEquals("jdbc:postgresql://db.internal:5432/taclog", s.databaseName());
        assertEquals("jdbc:postgresql://db.internal:5432/taclog", s.postgres().url());
        DashboardSettings file = new DashboardSettings(Path.of("x.db"), "127.0.0.1", 0, Optional.empty(),
                ZoneId.of("UTC"), Optional.empty(), 10, true);
        assertFalse(file.isPostgres());
        assertTrue(file.includeArchives());
        assertThrows(IllegalArgumentException.class, () -> new DashboardSettings(
                Path.of("jdbc:postgresql://u:secret@db/taclog"), "127.0.0.1", 0, Optional.empty(), ZoneId.of("UTC"),
                Optional.empty(), 10, false), "a password in the URL");
    }

    @Test
    void theDialectsProbeForCommitsAndTellAMissingFeature() {
        assertEquals("PRAGMA data_version", io.taclog.sink.dialect.SqliteDialect.INSTANCE.changeCounter());
        assertTrue(io.taclog.sink.dialect.PostgresDialect.INSTANCE.changeCounter().contains("pg_current_snapshot"));
        java.sql.SQLException undefinedTable = new java.sql.SQLException("relation does not exist", "42P01");
        assertTrue(io.taclog.sink.dialect.PostgresDialect.INSTANCE.isMissingFeature(undefinedTable));
        assertFalse(io.taclog.sink.dialect.PostgresDialect.INSTANCE.isMissingFeature(
                new java.sql.SQLException("syntax error", "42601")));
        assertFalse(io.taclog.sink.dialect.SqliteDialect.INSTANCE.isMissingFeature(undefinedTable));
    }

    @Test
    void theEchartsBundleIsTheOneThePomNames() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        assertTrue(pom.contains("<echarts.version>" + EchartsVersion.VERSION + "</echarts.version>"),
                "EchartsVersion.VERSION must equal the pom's echarts.version");
        assertTrue(getClass().getClassLoader().getResource("META-INF/resources/webjars/echarts/"
                + EchartsVersion.VERSION + "/dist/echarts.min.js") != null);
    }
}
