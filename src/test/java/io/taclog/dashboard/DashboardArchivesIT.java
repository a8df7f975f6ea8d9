package io.taclog.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taclog.testing.ArchiveCorpus;
import io.taclog.testing.CliRun;
import io.taclog.testing.Sql;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard sees archived months (issue 11): a server left running while months are archived answers every page
 * of those months as before (it attaches the new archives before its next request reads anything), and one started
 * with {@code taclog.dashboard.include-archives=false} reads the database alone.
 */
class DashboardArchivesIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static JsonNode get(DashboardServer s, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(s.url().resolve(URI.create(path))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return JSON.readTree(r.body());
    }

    /**
     * The same JSON, money to the printed micro-dollar: reports over archives sum the calls, reports over the database
     * alone its cells, and a sum that lies on half a micro-dollar may print one digit apart.
     */
    private static void assertSame(JsonNode want, JsonNode got, String where) {
        if (want.isFloatingPointNumber() && got.isNumber()) {
            assertEquals(want.asDouble(), got.asDouble(), 1.000001e-6, where);
            return;
        }
        assertEquals(want.getNodeType(), got.getNodeType(), where);
        if (want.isObject()) {
            List<String> wantFields = new java.util.ArrayList<>();
            List<String> gotFields = new java.util.ArrayList<>();
            want.fieldNames().forEachRemaining(wantFields::add);
            got.fieldNames().forEachRemaining(gotFields::add);
            assertEquals(wantFields, gotFields, where);
            want.fieldNames().forEachRemaining(f -> assertSame(want.get(f), got.get(f), where + "." + f));
        } else if (want.isArray()) {
            assertEquals(want.size(), got.size(), where + " length");
            for (int i = 0; i < want.size(); i++) {
                assertSame(want.get(i), got.get(i), where + "[" + i + "]");
            }
        } else {
            assertEquals(want, got, where);
        }
    }

    @Test
    void aRunningDashboardAnswersArchivedMonthsAsBefore() throws Exception {
        Path db = ArchiveCorpus.copyTo(tmp);
        Map<String, Object> busiest = Sql.rows(db, "SELECT a.worker_id, w.task_id FROM api_calls a "
                + "JOIN worker_sessions w ON w.worker_id = a.worker_id WHERE a.timestamp >= '2026-01-01' "
                + "AND a.timestamp < '2026-02-01' AND w.task_id IS NOT NULL GROUP BY a.worker_id "
                + "ORDER BY COUNT(*) DESC, a.worker_id LIMIT 1").get(0);
        String worker = (String) busiest.get("worker_id");
        String task = (String) busiest.get("task_id");
        String all = "from=2025-01-01&until=2026-12-31";
        List<String> pages = List.of("/api/cost?by=task&" + all, "/api/cost?by=day&breakdown=true&" + all,
                "/api/cost?by=model&" + all, "/api/cost?by=worker&size=500&" + all, "/api/tasks?size=100",
                "/api/task?id=" + task, "/api/worker?id=" + worker, "/api/worker/messages?id=" + worker + "&limit=500",
                "/api/worker/calls?id=" + worker + "&size=1000", "/api/performance?" + all);
        DashboardSettings withArchives = DashboardFixtures.settings(db);
        DashboardSettings alone = new DashboardSettings(db, "127.0.0.1", 0, Optional.empty(), ZoneId.of("UTC"),
                Optional.of(1.0), 100_000, false);
        try (DashboardServer server = DashboardServer.start(withArchives);
             DashboardServer dbOnly = DashboardServer.start(alone)) {
            Map<String, JsonNode> before = new LinkedHashMap<>();
            for (String p : pages) {
                before.put(p, get(server, p));
            }
            long callsBefore = get(dbOnly, pages.get(0)).path("total").path("calls").asLong();
            assertTrue(callsBefore > 100, "the window holds calls: " + callsBefore);

            for (String month : List.of("2025-12", "2026-01")) {
                CliRun r = CliRun.of("archive", "--db", db.toString(), "--month", month);
                assertEquals(0, r.code(), r.out() + r.err());
            }
            assertEquals(0L, Sql.scalar(db, "SELECT COUNT(*) FROM api_calls WHERE timestamp >= '2026-01-01' "
                    + "AND timestamp < '2026-02-01'"), "the month left the database");

            for (String p : pages) {
                assertSame(before.get(p), get(server, p), p);
            }
            long callsAlone = get(dbOnly, pages.get(0)).path("total").path("calls").asLong();
            assertNotEquals(callsBefore, callsAlone, "without archives the archived calls are gone");
            assertEquals(before.get(pages.get(0)).path("total").path("calls").asLong(), callsBefore);
        }
    }
}
