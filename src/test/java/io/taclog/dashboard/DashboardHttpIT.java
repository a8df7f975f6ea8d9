package io.taclog.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taclog.testing.Await;
import io.taclog.testing.CliRun;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint of the dashboard over HTTP: status codes, content types, the security headers, unknown ids, bad
 * parameters, the token and the Host check, the rate limit; and the figures against {@code taclog query}.
 */
class DashboardHttpIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static Path db;
    private static Path hostileDb;
    private static DashboardServer server;
    private static DashboardServer hostile;

    @BeforeAll
    static void start() throws Exception {
        db = DashboardFixtures.demo();
        hostileDb = DashboardFixtures.hostile();
        server = DashboardServer.start(DashboardFixtures.settings(db));
        hostile = DashboardServer.start(DashboardFixtures.settings(hostileDb));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (hostile != null) {
            hostile.close();
        }
    }

    private static HttpResponse<String> get(DashboardServer s, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(s.url().resolve(path)).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return get(server, path);
    }

    private static JsonNode json(String path) throws Exception {
        HttpResponse<String> r = get(path);
        assertEquals(200, r.statusCode(), () -> path + ": " + r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), path);
        return JSON.readTree(r.body());
    }

    private static void assertSecurityHeaders(HttpResponse<?> r) {
        String what = r.request().uri().toString();
        assertEquals(DashboardServer.CSP, r.headers().firstValue("Content-Security-Policy").orElse(null), what);
        assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null), what);
        assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(null), what);
        assertEquals("no-referrer", r.headers().firstValue("Referrer-Policy").orElse(null), what);
        assertFalse(r.headers().firstValue("Server").isPresent(), what + " tells its server version");
    }

    private static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void everyPageIsHtmlWithTheSecurityHeadersAndNoInlineScript() throws Exception {
        for (String p : List.of("/", "/cost", "/tasks", "/task?id=gh-601", "/worker?id=w-3c9a10", "/search",
                "/search?q=pytest", "/performance")) {
            HttpResponse<String> r = get(p);
            assertEquals(200, r.statusCode(), p);
            assertEquals("text/html;charset=utf-8", r.headers().firstValue("Content-Type").orElse("")
                    .replace(" ", ""), p);
            assertSecurityHeaders(r);
            assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(null), p);
            String body = r.body();
            assertFalse(body.contains("<script>"), p + " has an inline script");
            assertFalse(body.contains(" style="), p + " has an inline style");
            assertFalse(body.contains("on" + "load=") || body.contains("onclick="), p + " has an event attribute");
            assertTrue(body.contains("<script src=\"/assets/app.js?v="), p);
        }
    }

    @Test
    void assetsComeFromTheJarWithTheirTypes() throws Exception {
        Map<String, String> types = Map.of("/assets/app.js", "text/javascript", "/assets/app.css", "text/css",
                "/assets/echarts.min.js", "text/javascript", "/assets/favicon.svg", "image/svg+xml");
        for (var e : types.entrySet()) {
            HttpResponse<String> r = get(e.getKey());
            assertEquals(200, r.statusCode(), e.getKey());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith(e.getValue()), e.getKey());
            assertSecurityHeaders(r);
            assertTrue(r.body().length() > 100, e.getKey());
        }
        assertTrue(get("/assets/echarts.min.js").body().contains("echarts"));
        for (String p : List.of("/assets/nothing.js", "/assets/..%2Fapp.js", "/assets/%2e%2e%2fpom.xml",
                "/META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js", "/dashboard/app.js")) {
            HttpResponse<String> r = get(p);
            assertEquals(404, r.statusCode(), p);
            assertSecurityHeaders(r);
        }
    }

    @Test
    void everyJsonEndpointAnswersJsonWithTheSecurityHeaders() throws Exception {
        for (String p : List.of("/api/overview", "/api/cost", "/api/cost?by=task&breakdown=true", "/api/tasks",
                "/api/tasks?status=completed&page=1&size=2", "/api/tasks?q=gh-60", "/api/task?id=gh-603",
                "/api/worker?id=w-3c9a10", "/api/worker/messages?id=w-3c9a10", "/api/worker/calls?id=w-3c9a10",
                "/api/message/text?id=1", "/api/search?q=pytest", "/api/search?q=pytest&task=gh-601",
                "/api/performance", "/api/performance?from=2025-11-01&until=2025-11-30", "/api/version")) {
            HttpResponse<String> r = get(p);
            assertEquals(200, r.statusCode(), () -> p + ": " + r.body());
            assertSecurityHeaders(r);
            String type = r.headers().firstValue("Content-Type").orElse("");
            if (p.startsWith("/api/message/text")) {
                assertTrue(type.startsWith("text/plain"), p + " " + type);
            } else {
                assertTrue(type.startsWith("application/json"), p + " " + type);
                JSON.readTree(r.body());
            }
            assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(null), p);
        }
    }

    @Test
    void unknownIdsAre404WithAClearMessage() throws Exception {
        for (String p : List.of("/api/task?id=gh-999", "/api/worker?id=w-nobody", "/api/worker/messages?id=w-nobody",
                "/api/worker/calls?id=w-nobody", "/api/message/text?id=987654321", "/api/nothing")) {
            HttpResponse<String> r = get(p);
            assertEquals(404, r.statusCode(), p);
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), p);
            assertSecurityHeaders(r);
            assertTrue(JSON.readTree(r.body()).path("error").asText().length() > 5, p);
        }
        assertTrue(get("/api/task?id=gh-999").body().contains("no task 'gh-999'"));
        for (String p : List.of("/task?id=gh-999", "/worker?id=w-nobody", "/nothing/here", "/tasks/gh-601")) {
            HttpResponse<String> r = get(p);
            assertEquals(404, r.statusCode(), p);
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/html"), p);
            assertSecurityHeaders(r);
            assertTrue(r.body().contains("Not found"), p);
        }
        // the id is shown, escaped
        HttpResponse<String> r = get("/task?id=" + q("<script>alert(1)</script>"));
        assertEquals(404, r.statusCode());
        assertFalse(r.body().contains("<script>alert"), r.body());
        assertTrue(r.body().contains("&lt;script&gt;alert(1)&lt;/script&gt;"), r.body());
    }

    @Test
    void badParametersAre400() throws Exception {
        for (String p : List.of("/api/cost?by=bogus", "/api/cost?from=2025-13-01", "/api/cost?from=yesterday",
                "/api/cost?from=2025-11-05&until=2025-11-01", "/api/cost?breakdown=maybe",
                "/api/cost?from=" + q("2025-11-01' OR 1=1 --"), "/api/tasks?page=0", "/api/tasks?page=abc",
                "/api/tasks?size=100000", "/api/tasks?status=" + q("completed' --"), "/api/task", "/api/task?id=",
                "/api/task?id=" + q("a\u0001b"), "/api/task?id=" + "x".repeat(400), "/api/worker/messages?id=w-3c9a10&from=-1",
                "/api/worker/messages?id=w-3c9a10&limit=100000", "/api/message/text?id=abc", "/api/message/text",
                "/api/search", "/api/search?q=", "/api/search?q=" + "x".repeat(600), "/api/search?q=a&page=0",
                "/api/performance?until=31-12-2025", "/task", "/worker?id=")) {
            HttpResponse<String> r = get(p);
            assertEquals(400, r.statusCode(), () -> p + ": " + r.body());
            assertSecurityHeaders(r);
            String type = r.headers().firstValue("Content-Type").orElse("");
            assertTrue(p.startsWith("/api/") ? type.startsWith("application/json") : type.startsWith("text/html"), p);
        }
    }

    @Test
    void onlyGetAndHeadAreServedAndBodiesAreRefused() throws Exception {
        for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(server.url().resolve("/api/overview"))
                    .method(method, HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(405, r.statusCode(), method);
            assertSecurityHeaders(r);
        }
        HttpResponse<Void> head = HTTP.send(HttpRequest.newBuilder(server.url().resolve("/api/overview"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(200, head.statusCode());
        // a GET with a body is refused, and a huge header is cut off by the server, not read
        String withBody = raw(server, "GET /api/overview HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n"
                + "Connection: close\r\n\r\nhello");
        assertTrue(withBody.startsWith("HTTP/1.1 413"), withBody);
        String huge = raw(server, "GET /api/overview HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(40_000)
                + "\r\nConnection: close\r\n\r\n");
        assertTrue(huge.startsWith("HTTP/1.1 431"), huge.substring(0, Math.min(200, huge.length())));
    }

    @Test
    void aForeignHostHeaderIsRefusedWithoutAToken() throws Exception {
        String evil = raw(server, "GET /api/overview HTTP/1.1\r\nHost: evil.example:" + server.port()
                + "\r\nConnection: close\r\n\r\n");
        assertTrue(evil.startsWith("HTTP/1.1 400"), evil);
        assertTrue(evil.contains("Content-Security-Policy"), evil);
        for (String host : List.of("127.0.0.1:" + server.port(), "localhost:" + server.port(), "localhost")) {
            String ok = raw(server, "GET /api/version HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
            assertTrue(ok.startsWith("HTTP/1.1 200"), host + ": " + ok);
        }
    }

    @Test
    void aTokenIsCheckedOnEveryRequest() throws Exception {
        String token = "s3cret-token-0123456789";
        DashboardSettings s = new DashboardSettings(db, "127.0.0.1", 0, Optional.of(token), ZoneId.of("UTC"),
                Optional.empty(), 1000);
        try (DashboardServer guarded = DashboardServer.start(s)) {
            for (String p : List.of("/", "/api/overview", "/assets/app.js", "/api/task?id=gh-601")) {
                HttpResponse<String> r = get(guarded, p);
                assertEquals(401, r.statusCode(), p);
                assertSecurityHeaders(r);
            }
            HttpResponse<String> bearer = HTTP.send(HttpRequest.newBuilder(guarded.url().resolve("/api/overview"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, bearer.statusCode());
            HttpResponse<String> wrongBearer = HTTP.send(HttpRequest.newBuilder(guarded.url().resolve("/api/overview"))
                    .header("Authorization", "Bearer " + token + "x").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(401, wrongBearer.statusCode());
            assertEquals(401, get(guarded, "/login?token=wrong-token-0123456789").statusCode());
            HttpResponse<String> login = get(guarded, "/login?token=" + token);
            assertEquals(302, login.statusCode());
            String cookie = login.headers().firstValue("Set-Cookie").orElse("");
            assertTrue(cookie.startsWith(DashboardServer.COOKIE + "="), cookie);
            assertTrue(cookie.contains("HttpOnly"), cookie);
            assertTrue(cookie.contains("SameSite=Strict"), cookie);
            HttpResponse<String> withCookie = HTTP.send(HttpRequest.newBuilder(guarded.url().resolve("/api/overview"))
                    .header("Cookie", cookie.split(";")[0]).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, withCookie.statusCode());
        }
    }

    @Test
    void aNonLoopbackAddressWithoutATokenIsRefused() {
        for (String address : List.of("0.0.0.0", "::", "192.0.2.10", "example.invalid")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DashboardSettings(db,
                    address, 0, Optional.empty(), ZoneId.of("UTC"), Optional.empty(), 100));
            assertTrue(e.getMessage().contains("token"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new DashboardSettings(db, "0.0.0.0", 0,
                Optional.of("short"), ZoneId.of("UTC"), Optional.empty(), 100));
        CliRun r = CliRun.of("dashboard", "--db", db.toString(), "--bind", "0.0.0.0", "--port", "0");
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("not a loopback address"), r.err());
        CliRun run = CliRun.of("run", "--db", db.toString(), "--dashboard", "--set", "taclog.dashboard.address=0.0.0.0");
        assertEquals(2, run.code(), run.out() + run.err());
        assertTrue(run.err().contains("token"), run.err());
    }

    @Test
    void tooManyRequestsAre429() throws Exception {
        DashboardSettings s = new DashboardSettings(db, "127.0.0.1", 0, Optional.empty(), ZoneId.of("UTC"),
                Optional.empty(), 5);
        try (DashboardServer limited = DashboardServer.start(s)) {
            for (int i = 0; i < 5; i++) {
                assertEquals(200, get(limited, "/api/version").statusCode());
            }
            HttpResponse<String> r = get(limited, "/api/version");
            assertEquals(429, r.statusCode());
            assertTrue(r.headers().firstValue("Retry-After").isPresent());
            assertSecurityHeaders(r);
        }
    }

    @Test
    void costEqualsQueryCost() throws Exception {
        for (String by : List.of("task", "model", "day", "worker", "session")) {
            JsonNode page = json("/api/cost?by=" + by + "&from=2025-11-01&until=2025-11-30");
            CliRun r = CliRun.of("query", "cost", "--by", by, "--since", "2025-11-01", "--until", "2025-11-30",
                    "--tz", "UTC", "--db", db.toString(), "--format", "json");
            assertEquals(0, r.code(), r.err());
            JsonNode cli = JSON.readTree(r.out());
            assertEquals(cli.get("rows").size(), page.get("rows").size(), by);
            for (int i = 0; i < cli.get("rows").size(); i++) {
                JsonNode a = cli.get("rows").get(i);
                JsonNode b = page.get("rows").get(i);
                assertEquals(a.get("key").asText(), b.get("key").asText(), by);
                assertEquals(a.get("calls").asLong(), b.get("calls").asLong(), by);
                assertEquals(a.get("tokens_output").asLong(), b.get("tokens_output").asLong(), by);
                assertEquals(a.get("cost_usd").asDouble(), b.get("cost_usd").asDouble(), 1e-6, by);
                assertEquals(a.get("estimated_usd").asDouble(), b.get("estimated_usd").asDouble(), 1e-6, by);
                assertEquals(a.get("basis").asText(), b.get("basis").asText(), by);
                assertEquals(a.get("unpriced_calls").asLong(), b.get("unpriced_calls").asLong(), by);
            }
            assertEquals(cli.get("total").get("cost_usd").asDouble(), page.get("total").get("cost_usd").asDouble(),
                    1e-6, by);
        }
    }

    @Test
    void taskAndToolsEqualTheirQueries() throws Exception {
        for (String task : List.of("gh-601", "gh-602", "gh-603")) {
            JsonNode page = json("/api/task?id=" + task);
            CliRun r = CliRun.of("query", "task", task, "--full", "--db", db.toString(), "--format", "json");
            assertEquals(0, r.code(), r.err());
            JsonNode cli = JSON.readTree(r.out());
            for (String k : List.of("workers", "calls", "tokens_input", "tokens_output", "tool_calls", "tool_failures",
                    "errors")) {
                assertEquals(cli.get("totals").get(k).asLong(), page.get("totals").get(k).asLong(), task + " " + k);
            }
            assertEquals(cli.get("totals").get("cost_usd").asDouble(), page.get("totals").get("cost_usd").asDouble(),
                    1e-9, task);
            assertEquals(cli.get("timeline").size(), page.get("timeline").size(), task);
            for (int i = 0; i < cli.get("workers").size(); i++) {
                assertEquals(cli.get("workers").get(i).get("worker_id"), page.get("workers").get(i).get("worker_id"));
                assertEquals(cli.get("workers").get(i).get("cost_usd").asDouble(),
                        page.get("workers").get(i).get("cost_usd").asDouble(), 1e-9);
            }
        }
        JsonNode tasks = json("/api/tasks");
        assertEquals(3, tasks.get("total").asInt());
        for (JsonNode t : tasks.get("rows")) {
            JsonNode story = json("/api/task?id=" + t.get("task_id").asText());
            assertEquals(story.get("totals").get("cost_usd").asDouble(), t.get("cost_usd").asDouble(), 1e-6);
            assertEquals(story.get("totals").get("calls").asLong(), t.get("calls").asLong());
            assertEquals(story.get("totals").get("basis").asText(), t.get("basis").asText());
        }
        JsonNode perf = json("/api/performance?from=2025-11-01&until=2025-11-30");
        CliRun r = CliRun.of("query", "tools", "--since", "2025-11-01", "--until", "2025-11-30", "--tz", "UTC",
                "--db", db.toString(), "--format", "json");
        assertEquals(JSON.readTree(r.out()), perf.get("tools"));
    }

    @Test
    void theViewerFoldsResultsLinksCallsAndServesWholeTexts() throws Exception {
        JsonNode page = JSON.readTree(get(hostile, "/api/worker/messages?id=" + workerOf(hostile)).body());
        JsonNode big = null;
        for (JsonNode r : page.get("rows")) {
            assertFalse("tool_result".equals(r.path("content_type").asText()) && r.path("tool_use_id").asText()
                    .equals("toolu_hostile_big"), "a result shown with its call is not listed again");
            if ("toolu_hostile_big".equals(r.path("tool_use_id").asText())) {
                big = r;
            }
        }
        assertNotNull(big);
        JsonNode result = big.get("result");
        assertEquals(DashboardData.PREVIEW_CHARS, result.get("text").asText().length());
        assertTrue(result.get("length").asLong() > DashboardFixtures.BIG_OUTPUT_CHARS);
        HttpResponse<String> whole = get(hostile, "/api/message/text?id=" + result.get("conversation_id").asLong());
        assertEquals(200, whole.statusCode());
        assertTrue(whole.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        assertEquals(result.get("length").asLong(), whole.body().length());
        assertTrue(whole.body().contains(DashboardFixtures.MARKER));
        assertFalse(big.get("call_id").isNull(), "an assistant block names its API call");
        JsonNode calls = JSON.readTree(get(hostile, "/api/worker/calls?id=" + workerOf(hostile)).body());
        boolean linked = false;
        for (JsonNode c : calls.get("rows")) {
            if (c.get("call_id").asLong() == big.get("call_id").asLong()) {
                linked = c.get("message_index").asLong() == big.get("message_index").asLong();
            }
        }
        assertTrue(linked, "the call links back to its message");
    }

    @Test
    void searchFindsTextInAToolResultAndTheQueryTwinAgrees() throws Exception {
        JsonNode hits = JSON.readTree(get(hostile, "/api/search?q=" + DashboardFixtures.MARKER).body());
        JsonNode rows = hits.get("rows");
        assertFalse(rows.isEmpty(), hits.toString());
        boolean inResult = false;
        for (JsonNode hit : rows) {
            inResult |= "tool_result".equals(hit.get("content_type").asText())
                    && hit.get("snippet").asText().contains(DashboardFixtures.MARKER);
        }
        assertTrue(inResult, "the marker is found in the tool result that holds it: " + hits);
        CliRun r = CliRun.of("query", "search", DashboardFixtures.MARKER, "--db", hostileDb.toString(), "--format",
                "json", "--limit", "50", "--order", "newest"); // the page lists newest first
        assertEquals(0, r.code(), r.err());
        JsonNode cli = JSON.readTree(r.out()).get("hits");
        assertEquals(cli.size(), rows.size(), "the page and taclog query search find the same blocks");
        for (int i = 0; i < cli.size(); i++) {
            assertEquals(cli.get(i).get("conversation_id"), rows.get(i).get("conversation_id"));
        }
        // FTS5 syntax in the text is only text; punctuation alone is nothing to search for: a clear 400, as the
        // command line's exit 2
        for (String text : List.of("NEAR(a b)", "a OR b*", "col:value", "'; DROP TABLE tasks; --")) {
            HttpResponse<String> res = get(hostile, "/api/search?q=" + q(text));
            assertEquals(200, res.statusCode(), text + ": " + res.body());
        }
        for (String text : List.of("\"", "***")) {
            HttpResponse<String> res = get(hostile, "/api/search?q=" + q(text));
            assertEquals(400, res.statusCode(), text + ": " + res.body());
            assertTrue(res.body().contains("no letters or digits"), res.body());
        }
        assertEquals(0, CliRun.of("query", "search", "NEAR(a b)", "--db", hostileDb.toString()).code());
        // only in the task asked for
        assertEquals(rows.size(), JSON.readTree(get(hostile, "/api/search?q=" + DashboardFixtures.MARKER + "&task="
                + DashboardFixtures.HOSTILE_TASK).body()).get("rows").size());
        assertEquals(0, JSON.readTree(get(hostile, "/api/search?q=" + DashboardFixtures.MARKER + "&task=gh-1")
                .body()).get("rows").size());
        JsonNode demoHits = json("/api/search?q=" + q("render_report") + "&task=gh-601");
        assertTrue(demoHits.get("rows").size() >= 1);
    }

    @Test
    void theWriterIsNeverBlockedWhileTheDashboardReads() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        CompletableFuture<Integer> readers = CompletableFuture.supplyAsync(() -> {
            int n = 0;
            while (!stop.get()) {
                try {
                    for (String p : List.of("/api/overview", "/api/cost?by=task", "/api/task?id=gh-603",
                            "/api/search?q=pytest", "/api/performance")) {
                        assertEquals(200, get(p).statusCode());
                        n++;
                        reads.incrementAndGet();
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return n;
        });
        try (Connection w = DriverManager.getConnection("jdbc:sqlite:" + db); Statement s = w.createStatement()) {
            s.execute("PRAGMA busy_timeout = 0"); // a reader holding a lock would fail this at once
            for (int i = 0; i < 50; i++) {
                s.execute("BEGIN IMMEDIATE");
                s.execute("INSERT INTO backups(taken_at, target, bytes, millis, schema_version) "
                        + "VALUES ('2026-01-01T00:00:00.000Z', '/dev/null', 0, 0, 11)");
                s.execute("COMMIT");
                int before = reads.get(); // the next commit only after the dashboard has read again
                Await.until(Duration.ofSeconds(10), () -> reads.get() > before || readers.isDone(),
                        "the dashboard answers a request between two commits");
            }
            s.execute("DELETE FROM backups WHERE target = '/dev/null'");
        } finally {
            stop.set(true);
        }
        assertTrue(readers.get() > 0);
    }

    private static String workerOf(DashboardServer s) throws Exception {
        return JSON.readTree(get(s, "/api/tasks").body()).get("rows").get(0).get("task_id").asText().equals(
                DashboardFixtures.HOSTILE_TASK) ? JSON.readTree(get(s, "/api/task?id=" + DashboardFixtures.HOSTILE_TASK)
                .body()).get("workers").get(0).get("worker_id").asText() : null;
    }

    /** One raw HTTP exchange (for what java.net.http will not send: a foreign Host, a GET with a body). */
    private static String raw(DashboardServer s, String request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", s.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            try {
                while ((n = in.read(buf)) > 0) {
                    b.write(buf, 0, n);
                }
            } catch (java.net.SocketException e) {
                // the server may close after answering a request it refused
            }
            return b.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @SuppressWarnings("unused")
    private static URI url(String path) {
        return server.url().resolve(path);
    }
}
