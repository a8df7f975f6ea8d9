package io.taclog.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taclog.cli.Main;
import io.taclog.sink.dialect.PostgresTarget;
import io.taclog.testing.Await;
import io.taclog.testing.Backend;
import io.taclog.testing.CliRun;
import io.taclog.testing.PostgresServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The dashboard over PostgreSQL answers as over SQLite: the demo (samples/taclog.properties, the README's first
 * command) backfilled into a SQLite file and into a fresh database of the test PostgreSQL
 * ({@link io.taclog.testing.PostgresServer}), one dashboard server in this JVM on each, and every JSON endpoint of
 * {@link DashboardServer} asked with its parameters of both: the parsed answers must be equal, but for the few
 * normalisations {@link #normalise} names with its reason. Known figures of the demo keep two empty answers from
 * passing; hostile input (quotes, {@code %}, {@code _}, an injection attempt) gets the same answer on both.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class DashboardOnBothBackendsIT {

    private static final Path DEMO_CONFIG = Path.of("samples/taclog.properties").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5)).build();
    /** Both servers' clock: the demo's day, after its last call, so "today" and the running workers have rows. */
    private static final Instant NOW = Instant.parse("2025-11-05T18:00:00Z");
    private static final List<String> TASKS = List.of("gh-601", "gh-602", "gh-603");
    private static final List<String> WORKERS = List.of("w-3c9a10", "w-7b21e4", "w-5d8f02", "w-a41c6e", "w-c7e019",
            "w-e2f6a3");

    @TempDir
    static Path tmp;

    private static final Map<Backend.Kind, Backend> BACKENDS = new EnumMap<>(Backend.Kind.class);
    private static final Map<Backend.Kind, DashboardServer> SERVERS = new EnumMap<>(Backend.Kind.class);

    @BeforeAll
    static void backfillBothAndServe() {
        for (Backend.Kind kind : Backend.Kind.values()) {
            Backend b = kind.create(tmp, "dash");
            // one line a batch: the demo's gh-603 re-pairs its streams with its spawns depending on how the two
            // sources interleave (EngineOnBothBackendsIT); line by line, both back ends store the same rows
            CliRun r = CliRun.of(b.args("backfill", "--config", DEMO_CONFIG.toString(), "--no-progress", "--set",
                    "taclog.batch.max-lines=1"));
            assertEquals(Main.OK, r.code(), () -> "demo backfill into " + b + ": " + r.out() + r.err());
            BACKENDS.put(kind, b);
            PostgresTarget pg = kind == Backend.Kind.POSTGRESQL
                    ? new PostgresTarget(b.db(), PostgresServer.USER, PostgresServer.PASSWORD, "dashboard-it") : null;
            DashboardSettings s = new DashboardSettings(Path.of(b.db()), "127.0.0.1", 0, Optional.empty(),
                    ZoneId.of("UTC"), Optional.of(1.0), 100_000, true, pg);
            assertEquals(kind == Backend.Kind.POSTGRESQL, s.isPostgres());
            assertFalse(kind == Backend.Kind.POSTGRESQL && s.includeArchives(), "no archives on PostgreSQL");
            SERVERS.put(kind, DashboardServer.start(s, Clock.fixed(NOW, ZoneOffset.UTC)));
        }
    }

    @AfterAll
    static void stop() {
        SERVERS.values().forEach(DashboardServer::close);
    }

    private static HttpResponse<String> get(Backend.Kind kind, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(SERVERS.get(kind).url().resolve(path)).timeout(Duration.ofSeconds(30))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(Backend.Kind kind, String path) throws Exception {
        HttpResponse<String> r = get(kind, path);
        assertEquals(200, r.statusCode(), () -> kind + " " + path + ": " + r.body());
        return JSON.readTree(r.body());
    }

    private static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Every JSON endpoint of {@link DashboardServer} with the parameters its pages send, and some they do not. */
    private static List<String> endpoints() {
        List<String> p = new ArrayList<>(List.of("/api/overview"));
        for (String by : List.of("none", "day", "week", "month", "model", "task", "worker", "session")) {
            for (String breakdown : List.of("false", "true")) {
                String base = "/api/cost?by=" + by + "&breakdown=" + breakdown;
                p.add(base); // the default window: 30 days up to the newest call
                p.add(base + "&from=2025-11-05&until=2025-11-05");
                p.add(base + "&from=2025-10-01&until=2025-12-31");
                p.add(base + "&from=2024-01-01&until=2024-01-31"); // nothing in it
            }
        }
        p.addAll(List.of("/api/cost", "/api/cost?by=task&breakdown=true&top=2", "/api/cost?by=worker&size=2&page=2",
                "/api/cost?by=model&top=1&from=2025-11-05&until=2025-11-06"));
        p.addAll(List.of("/api/tasks", "/api/tasks?status=completed", "/api/tasks?status=failed",
                "/api/tasks?size=1&page=2", "/api/tasks?page=99", "/api/tasks?q=gh-60", "/api/tasks?q=GH-602",
                "/api/tasks?q=orbit", "/api/tasks?q=ORBIT", "/api/tasks?q=Exponential", "/api/tasks?status=completed&q=gh"));
        for (String t : TASKS) {
            p.add("/api/task?id=" + t);
        }
        for (String w : WORKERS) {
            p.add("/api/worker?id=" + w);
            p.add("/api/worker/messages?id=" + w);
            p.add("/api/worker/messages?id=" + w + "&from=5&limit=3");
            p.add("/api/worker/messages?id=" + w + "&limit=1");
            p.add("/api/worker/calls?id=" + w);
            p.add("/api/worker/calls?id=" + w + "&size=2&page=2");
        }
        p.addAll(List.of("/api/performance", "/api/performance?from=2025-11-05&until=2025-11-05",
                "/api/performance?from=2025-10-01&until=2025-12-31", "/api/performance?from=2024-01-01&until=2024-01-02"));
        return p;
    }

    /** Requests no page sends: every one must get the same status and answer (an error's message included). */
    private static List<String> hostile() {
        List<String> p = new ArrayList<>();
        for (String text : List.of("%", "_", "\\", "gh-60_", "gh%", "'", "''", "\"", "gh-601' OR '1'='1",
                "'; DROP TABLE tasks; --", "x') OR 1=1 --", "%' UNION SELECT * FROM api_calls --", "Ø", "ø")) {
            p.add("/api/tasks?q=" + q(text));
            p.add("/api/task?id=" + q(text));
            p.add("/api/worker?id=" + q(text));
            p.add("/api/worker/messages?id=" + q(text));
            p.add("/api/worker/calls?id=" + q(text));
        }
        p.addAll(List.of("/api/task?id=" + q("gh-601'--"), "/api/task?id=" + q("gh-60%"), "/api/task?id=gh-60_",
                "/api/worker?id=" + q("w-%"), "/api/worker?id=w-3c9a1_", "/api/tasks?status=" + q("completed' OR 1=1"),
                "/api/cost?by=" + q("task; DROP TABLE api_calls"), "/api/cost?from=" + q("2025-11-01' OR 1=1 --"),
                "/api/message/text?id=" + q("1 OR 1=1"), "/api/message/text?id=987654321",
                "/api/performance?from=" + q("2025-11-05'"), "/api/worker/messages?id=w-3c9a10&from=-1",
                "/api/worker/calls?id=w-3c9a10&size=0", "/api/tasks?size=100000", "/api/task"));
        return p;
    }

    @Test
    void everyEndpointAnswersTheSameOnPostgresqlAsOnSqlite() throws Exception {
        List<String> paths = new ArrayList<>(endpoints());
        paths.addAll(hostile());
        List<String> differences = new ArrayList<>();
        for (String p : paths) {
            HttpResponse<String> s = get(Backend.Kind.SQLITE, p);
            HttpResponse<String> g = get(Backend.Kind.POSTGRESQL, p);
            if (s.statusCode() != g.statusCode()) {
                differences.add(p + ": status " + s.statusCode() + " on SQLite, " + g.statusCode() + " on PostgreSQL: "
                        + g.body());
                continue;
            }
            JsonNode a = normalise(p, JSON.readTree(s.body()));
            JsonNode b = normalise(p, JSON.readTree(g.body()));
            List<String> diff = new ArrayList<>();
            compare("", a, b, diff);
            if (!diff.isEmpty()) {
                differences.add(p + ": " + String.join("; ", diff.subList(0, Math.min(5, diff.size()))));
            }
        }
        assertTrue(differences.isEmpty(), differences.size() + " of " + paths.size() + " requests differ:\n"
                + String.join("\n", differences));
    }

    /**
     * Days of a zone 6 h 58 min east of UTC: local midnight falls inside the demo's hour of calls (17:00 to 17:04
     * UTC), so a one-day window ends or begins inside an hour and its report reads the calls of that part of the
     * hour (the Java proration, not the settled cells); every cost grouping, today's figures and the performance
     * page agree.
     */
    @Test
    void costsAgreeInAZoneWhoseMidnightSplitsAnHourOfCalls() throws Exception {
        Map<Backend.Kind, DashboardServer> zoned = new EnumMap<>(Backend.Kind.class);
        try {
            for (Backend.Kind kind : Backend.Kind.values()) {
                Backend b = BACKENDS.get(kind);
                PostgresTarget pg = kind == Backend.Kind.POSTGRESQL
                        ? new PostgresTarget(b.db(), PostgresServer.USER, PostgresServer.PASSWORD, "dashboard-it") : null;
                zoned.put(kind, DashboardServer.start(new DashboardSettings(Path.of(b.db()), "127.0.0.1", 0,
                        Optional.empty(), ZoneId.of("+06:58"), Optional.empty(), 100_000, false, pg),
                        Clock.fixed(NOW, ZoneOffset.UTC)));
            }
            List<String> paths = new ArrayList<>(List.of("/api/overview", "/api/performance",
                    "/api/performance?from=2025-11-06&until=2025-11-06"));
            for (String by : List.of("none", "day", "week", "month", "model", "task", "worker", "session")) {
                for (String window : List.of("", "&from=2025-11-05&until=2025-11-05", "&from=2025-11-06&until=2025-11-06",
                        "&from=2025-11-05&until=2025-11-06")) {
                    paths.add("/api/cost?by=" + by + window);
                    paths.add("/api/cost?by=" + by + "&breakdown=true" + window);
                }
            }
            List<String> differences = new ArrayList<>();
            for (String p : paths) {
                HttpResponse<String> s = HTTP.send(HttpRequest.newBuilder(zoned.get(Backend.Kind.SQLITE).url().resolve(p))
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
                HttpResponse<String> g = HTTP.send(HttpRequest.newBuilder(zoned.get(Backend.Kind.POSTGRESQL).url()
                        .resolve(p)).GET().build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, s.statusCode(), () -> p + ": " + s.body());
                assertEquals(200, g.statusCode(), () -> p + ": " + g.body());
                List<String> diff = new ArrayList<>();
                compare("", normalise(p, JSON.readTree(s.body())), normalise(p, JSON.readTree(g.body())), diff);
                if (!diff.isEmpty()) {
                    differences.add(p + ": " + String.join("; ", diff.subList(0, Math.min(5, diff.size()))));
                }
                if (p.equals("/api/cost?by=none&from=2025-11-06&until=2025-11-06")) {
                    // the calls after local midnight (17:02 UTC on): a part of an hour, read from the calls
                    assertEquals(18, JSON.readTree(s.body()).path("total").path("calls").asLong(), s.body());
                }
            }
            assertTrue(differences.isEmpty(), String.join("\n", differences));
        } finally {
            zoned.values().forEach(DashboardServer::close);
        }
    }

    @Test
    void aBlockTextIsTheSameOnBoth() throws Exception {
        List<Long> ids = conversationIds(Backend.Kind.SQLITE);
        assertEquals(ids, conversationIds(Backend.Kind.POSTGRESQL), "the same conversation rows, the same ids");
        assertEquals(74, ids.size(), "the demo's conversation blocks");
        for (long id : ids) {
            HttpResponse<String> s = get(Backend.Kind.SQLITE, "/api/message/text?id=" + id);
            HttpResponse<String> g = get(Backend.Kind.POSTGRESQL, "/api/message/text?id=" + id);
            assertEquals(200, s.statusCode(), "block " + id);
            assertEquals(200, g.statusCode(), "block " + id);
            assertEquals(s.body(), g.body(), "block " + id);
        }
    }

    private static List<Long> conversationIds(Backend.Kind kind) throws Exception {
        List<Long> out = new ArrayList<>();
        try (Connection c = BACKENDS.get(kind).connect(); Statement s = c.createStatement();
             java.sql.ResultSet rs = s.executeQuery("SELECT conversation_id FROM conversations ORDER BY 1")) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.Kind.class)
    void theDemoAnswersItsKnownFigures(Backend.Kind kind) throws Exception {
        JsonNode overview = json(kind, "/api/overview");
        assertEquals("2025-11-05", overview.path("today").path("date").asText());
        assertEquals(34, overview.path("today").path("total").path("calls").asLong(), "today's calls");
        assertTrue(overview.path("today").path("total").path("cost_usd").asDouble() > 0.1, overview.toString());
        assertEquals(0, overview.path("sessions").path(0).path("active").asLong(), "the demo's session ended");

        JsonNode cost = json(kind, "/api/cost?by=task&from=2025-11-05&until=2025-11-05");
        assertEquals(34, cost.path("total").path("calls").asLong());
        assertEquals(new TreeSet<>(TASKS), keys(cost.path("rows"), "key"));
        assertEquals(overview.path("today").path("total").path("cost_usd").asDouble(),
                cost.path("total").path("cost_usd").asDouble(), 1e-6, "a day's cost is today's");
        JsonNode byModel = json(kind, "/api/cost?by=model&from=2025-11-05&until=2025-11-05");
        assertEquals(2, byModel.path("rows").size(), "the demo's two models");

        JsonNode tasks = json(kind, "/api/tasks");
        assertEquals(3, tasks.path("total").asLong());
        assertEquals(List.of("gh-603", "gh-602", "gh-601"), list(tasks.path("rows"), "task_id"), "newest first");
        // LIKE ignores case on both back ends (SQLite's did; PostgreSQL's does not by itself)
        assertEquals(List.of("gh-603"), list(json(kind, "/api/tasks?q=ORBIT").path("rows"), "task_id"));
        assertEquals(List.of("gh-602"), list(json(kind, "/api/tasks?q=GH-602").path("rows"), "task_id"));
        // % and _ are text, not wildcards
        for (String text : List.of("%", "_", "gh-60_", "gh%", "'; DROP TABLE tasks; --")) {
            assertEquals(0, json(kind, "/api/tasks?q=" + q(text)).path("total").asLong(), text);
        }

        JsonNode task = json(kind, "/api/task?id=gh-603");
        assertEquals(3, task.path("workers").size(), "gh-603's workers");
        JsonNode worker = json(kind, "/api/worker?id=w-3c9a10");
        assertEquals("gh-601", worker.path("task").path("task_id").asText());
        assertTrue(worker.path("totals").path("calls").asLong() > 0);
        JsonNode messages = json(kind, "/api/worker/messages?id=w-3c9a10");
        assertTrue(messages.path("rows").size() > 3, messages.toString());
        JsonNode calls = json(kind, "/api/worker/calls?id=w-3c9a10");
        assertEquals(worker.path("totals").path("calls").asLong(), calls.path("rows").size());
        JsonNode perf = json(kind, "/api/performance?from=2025-11-05&until=2025-11-05");
        assertEquals(2, perf.path("models").size());
        assertEquals(34, perf.path("models").path(0).path("calls").asLong()
                + perf.path("models").path(1).path("calls").asLong());
        assertEquals(404, get(kind, "/api/task?id=" + q("gh-601' OR '1'='1")).statusCode());
    }

    /**
     * Search: SQLite's FTS5 index and PostgreSQL's GIN index (schema v21) find the same messages (compared as sets:
     * the two rank differently, docs/search.md); hostile text is only text.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.Kind.class)
    void searchFindsTheSameMessagesOnBothBackEnds(Backend.Kind kind) throws Exception {
        for (String p : List.of("/api/search?q=pytest", "/api/search?q=pytest&task=gh-601",
                "/api/search?q=" + q("'; DROP TABLE conversations; --"), "/api/search?q=" + q("\"exponential backoff\""))) {
            HttpResponse<String> r = get(kind, p);
            assertEquals(200, r.statusCode(), r.body());
            java.util.Set<String> hits = new java.util.TreeSet<>();
            for (JsonNode row : JSON.readTree(r.body()).path("rows")) {
                hits.add(row.path("worker_id").asText() + "#" + row.path("message_index").asLong());
            }
            java.util.Set<String> onSqlite = new java.util.TreeSet<>();
            for (JsonNode row : JSON.readTree(get(Backend.Kind.SQLITE, p).body()).path("rows")) {
                onSqlite.add(row.path("worker_id").asText() + "#" + row.path("message_index").asLong());
            }
            assertEquals(onSqlite, hits, p + " on " + kind);
            if (p.endsWith("q=pytest") || p.contains("backoff")) {
                assertTrue(hits.size() > 0, "the demo's workers ran pytest and wrote of exponential backoff: " + p);
            }
        }
        assertEquals(400, get(kind, "/api/search?q=").statusCode(), "a bad request stays one");
        assertEquals(200, get(kind, "/search?q=pytest").statusCode(), "the page itself is served");
        // the server still answers after a failed statement (the request's transaction was ended)
        assertEquals(3, json(kind, "/api/tasks").path("total").asLong());
    }

    /** A commit by another connection reaches the live feed (SQLite: data_version; PostgreSQL: the snapshot). */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Backend.Kind.class)
    void theLiveFeedSeesACommit(Backend.Kind kind) throws Exception {
        long before = json(kind, "/api/version").path("version").asLong();
        try (Connection c = BACKENDS.get(kind).connect(); Statement s = c.createStatement()) {
            // a row of a table no page reads (SQLite skips an UPDATE that changes nothing: no commit to see)
            s.executeUpdate("INSERT INTO backups(backup_id, taken_at, target, bytes, millis, schema_version) "
                    + "VALUES (990001, '2026-01-01T00:00:00.000Z', 'dashboard-it', 0, 0, 19)");
            try {
                Await.until(Duration.ofSeconds(10), () -> version(kind) > before,
                        () -> "the live feed of " + kind + " sees the commit");
            } finally {
                s.executeUpdate("DELETE FROM backups WHERE backup_id = 990001");
            }
        }
    }

    private static long version(Backend.Kind kind) {
        try {
            return json(kind, "/api/version").path("version").asLong();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code taclog dashboard --db jdbc:postgresql://...}: served on 127.0.0.1, credentials from the environment. */
    @Test
    void theCommandServesAPostgresqlDatabase() throws Exception {
        Backend pg = BACKENDS.get(Backend.Kind.POSTGRESQL);
        Path jar = Path.of(System.getProperty("taclog.jar", "target/taclog.jar"));
        assertTrue(Files.isRegularFile(jar), "the packaged jar " + jar + " (run after `package`)");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "dashboard",
                "--db", pg.db(), "--port", "0", "--tz", "UTC");
        pb.environment().putAll(pg.env());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            Pattern at = Pattern.compile("taclog dashboard of (\\S+) at (http://127\\.0\\.0\\.1:\\d+/)");
            StringBuilder seen = new StringBuilder();
            URI url = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (String line; url == null && System.nanoTime() < deadline && (line = out.readLine()) != null; ) {
                seen.append(line).append('\n');
                Matcher m = at.matcher(line);
                if (m.find()) {
                    assertEquals(pg.db(), m.group(1), "the URL as given, // and all");
                    url = URI.create(m.group(2));
                }
            }
            assertTrue(url != null, "the dashboard starts:\n" + seen);
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(url.resolve("/api/tasks")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(3, JSON.readTree(r.body()).path("total").asLong());
        } finally {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Archives asked for on PostgreSQL (which has none) are refused naming the key; by default they are just off. */
    @Test
    void archivesAskedForOnPostgresqlAreRefused() throws Exception {
        Backend pg = BACKENDS.get(Backend.Kind.POSTGRESQL);
        Path config = tmp.resolve("archives.properties");
        Files.writeString(config, "taclog.db.user = " + PostgresServer.USER + "\ntaclog.db.password-file = "
                + PostgresServer.get().passwordFile(tmp) + "\ntaclog.dashboard.include-archives = true\n");
        CliRun r = CliRun.of("dashboard", "--db", pg.db(), "--config", config.toString(), "--port", "0");
        assertEquals(Main.USAGE, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("taclog.dashboard.include-archives=true"), r.err());
        var settings = io.taclog.cli.DashboardCommand.settings(io.taclog.config.TaclogConfig.load(Optional.empty(),
                Map.of("taclog.db", pg.db())), ZoneId.of("UTC"));
        assertTrue(settings.isPostgres());
        assertFalse(settings.includeArchives(), "off by default on PostgreSQL, silently");
    }

    // --- comparing two answers ------------------------------------------------------------------------------------

    /**
     * What may differ between the two answers to one request, replaced by a placeholder on both sides. Each is a
     * fact of how the database was loaded, not of what the dashboard reads from it:
     * <ul>
     * <li>{@code /api/overview}: a source kind's {@code last_commit_at} and a reject's {@code rejected_at} are the
     *     wall-clock times of each back end's own backfill (minutes apart in this test);</li>
     * <li>a time whose {@code time_source} is {@code observed} (a decision the coordinator's log did not stamp):
     *     when each back end's backfill read the line;</li>
     * <li>a decision's {@code timestamp} after the demo's day: a decision line the log did not stamp is timed when
     *     the backfill read it ({@code logic_flow} keeps no source of its time), so its timeline event is
     *     {@code observed} too;</li>
     * <li>the JSON text of a system event's {@code details}, compared parsed: when the spawn-loop detector adds a
     *     spawn to its event, PostgreSQL's {@code json_set} (schema v1, on jsonb) writes the document with spaces
     *     and its own key order, SQLite's compactly in the original order; the same keys and values, stored
     *     differently by the writer, read alike by the dashboard;</li>
     * <li>{@code /api/version}: the number of changes each server's live feed has seen (not asked here).</li>
     * </ul>
     */
    private static JsonNode normalise(String path, JsonNode n) {
        observedTimes(n);
        detailsParsed(n);
        for (JsonNode d : n.path("decisions")) {
            if (d.path("timestamp").asText("").compareTo(NOW.toString()) > 0) {
                ((ObjectNode) d).put("timestamp", "(the backfill's time)");
            }
        }
        if (path.startsWith("/api/overview")) {
            for (JsonNode s : n.path("ingest").path("sources")) {
                ((ObjectNode) s).put("last_commit_at", "(the backfill's time)");
            }
            for (JsonNode s : n.path("ingest").path("recent_rejects")) {
                ((ObjectNode) s).put("rejected_at", "(the backfill's time)");
            }
        }
        return n;
    }

    private static void detailsParsed(JsonNode n) {
        if (n.isObject() && n.path("details").isTextual() && n.path("details").asText().startsWith("{")) {
            try {
                ((ObjectNode) n).set("details", JSON.readTree(n.path("details").asText()));
            } catch (java.io.IOException e) {
                // not JSON after all: compared as text
            }
        }
        n.forEach(DashboardOnBothBackendsIT::detailsParsed);
    }

    private static void observedTimes(JsonNode n) {
        if (n.isObject() && "observed".equals(n.path("time_source").asText(null))) {
            for (String field : List.of("timestamp", "at")) {
                if (n.has(field)) {
                    ((ObjectNode) n).put(field, "(the backfill's time)");
                }
            }
        }
        n.forEach(DashboardOnBothBackendsIT::observedTimes);
    }

    /**
     * Equal JSON, where two numbers are equal when they are the same number: a whole number as {@code 5} on one side
     * and {@code 5.0} on the other is one number to the page's script (JSON has one number type; SQLite returns a
     * double where PostgreSQL's aggregate returns numeric, or the reverse), and two fractions are equal to a
     * millionth: money is compared to the micro-dollar (every figure is rounded to six places, and a sum of doubles
     * may differ in its last bits with the order the server adds them in), rates and latencies likewise.
     */
    private static void compare(String at, JsonNode a, JsonNode b, List<String> diff) {
        if (a.isNumber() && b.isNumber()) {
            BigDecimal x = a.decimalValue();
            BigDecimal y = b.decimalValue();
            if (x.subtract(y).abs().compareTo(new BigDecimal("0.000001")) > 0) {
                diff.add(at + ": " + a + " vs " + b);
            }
            return;
        }
        if (a.getNodeType() != b.getNodeType()) {
            diff.add(at + ": " + a + " (" + a.getNodeType() + ") vs " + b + " (" + b.getNodeType() + ")");
            return;
        }
        if (a.isObject()) {
            TreeSet<String> names = new TreeSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                if (!a.has(name) || !b.has(name)) {
                    diff.add(at + "." + name + ": only on " + (a.has(name) ? "SQLite" : "PostgreSQL"));
                } else {
                    compare(at + "." + name, a.get(name), b.get(name), diff);
                }
            }
        } else if (a.isArray()) {
            if (a.size() != b.size()) {
                diff.add(at + ": " + a.size() + " vs " + b.size() + " elements");
                return;
            }
            for (int i = 0; i < a.size(); i++) {
                compare(at + "[" + i + "]", a.get(i), b.get(i), diff);
            }
        } else if (!a.equals(b)) {
            diff.add(at + ": " + a + " vs " + b);
        }
    }

    private static TreeSet<String> keys(JsonNode rows, String field) {
        TreeSet<String> out = new TreeSet<>();
        for (Iterator<JsonNode> it = rows.elements(); it.hasNext(); ) {
            out.add(it.next().path(field).asText());
        }
        return out;
    }

    private static List<String> list(JsonNode rows, String field) {
        List<String> out = new ArrayList<>();
        rows.forEach(r -> out.add(r.path(field).asText()));
        return out;
    }
}
