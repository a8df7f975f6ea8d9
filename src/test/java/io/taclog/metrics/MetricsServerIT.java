package io.taclog.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.taclog.app.IngestRuntime;
import io.taclog.camel.CamelSidecar;
import io.taclog.cli.Main;
import io.taclog.config.TaclogConfig;
import io.taclog.query.CostGrouping;
import io.taclog.query.CostQuery;
import io.taclog.query.CostRow;
import io.taclog.query.TimeWindow;
import io.taclog.testing.Await;
import io.taclog.testing.Sql;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real sidecar with metrics on: /metrics says what the database says, /health/ready tells fine from broken. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class MetricsServerIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path SAMPLE = Path.of("src/test/resources/samples/claude-transcript/"
            + "agent-sessions-CURATED-claude-small.jsonl");
    /** Every line of the sample is rewritten to this instant, and the metrics' clock stands there: "today". */
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    /** A started sidecar with its metrics endpoint, stopped in the order `taclog run` stops them. */
    private final class Sidecar implements AutoCloseable {
        final IngestRuntime runtime;
        final CamelSidecar camel;
        final MetricsServer metrics;

        Sidecar(TaclogConfig config) throws Exception {
            runtime = IngestRuntime.open(config, false);
            camel = new CamelSidecar(runtime);
            metrics = MetricsServer.start(config, runtime, camel::routesStarted, camel::timeCommits,
                    Clock.fixed(NOW, ZoneId.systemDefault()));
            camel.start();
        }

        HttpResponse<String> get(String path) {
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metrics.port() + path))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** The samples of /metrics, by name with labels as printed. */
        Map<String, Double> scrape() {
            HttpResponse<String> r = get("/metrics");
            assertEquals(200, r.statusCode(), r.body());
            Map<String, Double> out = new HashMap<>();
            Matcher m = Pattern.compile("(?m)^(taclog_\\S+) (\\S+)$").matcher(r.body());
            while (m.find()) {
                out.put(m.group(1), Double.parseDouble(m.group(2)));
            }
            return out;
        }

        @Override
        public void close() {
            try {
                camel.stop();
            } finally {
                metrics.close();
                runtime.close();
            }
        }
    }

    private TaclogConfig config(Path watch, String... more) {
        Map<String, String> keys = new HashMap<>(Map.of(
                "taclog.db", tmp.resolve("taclog.db").toString(),
                "taclog.watch", watch.toString(),
                "taclog.batch.max-wait-ms", "50",
                "taclog.scan-interval-ms", "50",
                "taclog.metrics.enabled", "true",
                "taclog.metrics.port", "0",
                "taclog.metrics.db-refresh-seconds", "0"));
        for (int i = 0; i < more.length; i += 2) {
            keys.put(more[i], more[i + 1]);
        }
        return TaclogConfig.load(Optional.empty(), keys);
    }

    /** The real sample with every timestamp moved to {@link #NOW}. */
    private static String sampleAtNow() throws IOException {
        return Files.readString(SAMPLE, StandardCharsets.UTF_8)
                .replaceAll("\"timestamp\":\"[^\"]+\"", "\"timestamp\":\"" + NOW + "\"");
    }

    @Test
    void metricsEqualWhatTheDatabaseHolds() throws Exception {
        Path watch = Files.createDirectories(tmp.resolve("logs"));
        Path file = watch.resolve("w-1.jsonl");
        String text = sampleAtNow();
        Files.writeString(file, text, StandardCharsets.UTF_8);
        long lines = text.lines().count();
        Path db = tmp.resolve("taclog.db");
        try (Sidecar s = new Sidecar(config(watch))) {
            assertTrue(s.metrics.address().getAddress().isLoopbackAddress(), "loopback unless configured");
            awaitLines(db, lines);
            Files.writeString(file, "{\"type\":\"assistant\", broken\n", StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
            awaitLines(db, lines + 1);

            Await.until(WAIT, () -> s.scrape().getOrDefault("taclog_lines_committed_total", -1.0) == lines + 1,
                    () -> "lines committed reach " + (lines + 1) + ": " + s.scrape());
            Map<String, Double> m = s.scrape();
            assertEquals(1.0, m.get("taclog_rejects_total{reason=\"invalid_json\"}"), m.toString());
            assertEquals((double) Sql.scalar(db, "SELECT COUNT(*) FROM ingest_rejects"),
                    m.get("taclog_lines_rejected_total"));
            assertEquals(1.0, m.get("taclog_files_followed{source=\"tail-transcripts\",state=\"open\"}"));
            assertEquals(0.0, m.get("taclog_source_bytes_behind{source=\"tail-transcripts\"}"));
            assertTrue(m.get("taclog_batch_commit_seconds_count") >= 1, "commits are timed");
            assertEquals((double) Sql.scalar(db, "SELECT COUNT(*) FROM worker_sessions WHERE status IN "
                    + "('spawned','running')"), m.get("taclog_workers_running"));

            long calls = Sql.scalar(db, "SELECT COUNT(*) FROM api_calls");
            assertTrue(calls > 0, "the sample holds API calls");
            TimeWindow today = TimeWindow.today(ZoneId.systemDefault(), NOW);
            try (Connection c = Sql.connect(db)) {
                for (CostRow r : new CostQuery(c, ZoneId.systemDefault()).run(today, CostGrouping.MODEL, false)) {
                    assertEquals((double) Sql.scalar(db, "SELECT COUNT(*) FROM api_calls WHERE model = ? AND "
                                    + "timestamp >= ? AND timestamp < ?", r.key(), today.fromText(), today.untilText()),
                            m.get("taclog_api_calls_today{model=\"" + r.key() + "\"}"), r.key());
                    assertEquals(r.costUsd(), m.get("taclog_cost_today_usd{model=\"" + r.key() + "\"}"), 1e-9);
                }
            }
            assertEquals((double) calls, m.entrySet().stream().filter(e -> e.getKey().startsWith(
                    "taclog_api_calls_today{")).mapToDouble(Map.Entry::getValue).sum(), "every call is today's");

            HttpResponse<String> ready = s.get("/health/ready");
            assertEquals(200, ready.statusCode(), ready.body());
            assertEquals(200, s.get("/health").statusCode());
            assertEquals(200, s.get("/health/live").statusCode());

            // the database file gone: not ready (the writer keeps its open handle); back: ready again
            Path away = tmp.resolve("elsewhere.db");
            Files.move(db, away);
            HttpResponse<String> gone = s.get("/health/ready");
            assertEquals(503, gone.statusCode(), gone.body());
            assertTrue(gone.body().contains("\"database\":{\"status\":\"DOWN\""), gone.body());
            assertEquals(200, s.get("/health/live").statusCode(), "alive all the same");
            Files.move(away, db);
            assertEquals(200, s.get("/health/ready").statusCode());
        }
    }

    @Test
    void aWriterThatCannotCommitIsStuckAndRecovers() throws Exception {
        Path watch = Files.createDirectories(tmp.resolve("logs"));
        Path file = watch.resolve("w-1.jsonl");
        Files.writeString(file, sampleAtNow(), StandardCharsets.UTF_8);
        Path db = tmp.resolve("taclog.db");
        try (Sidecar s = new Sidecar(config(watch, "taclog.metrics.stuck-after-seconds", "1"))) {
            awaitLines(db, Files.readAllLines(file).size());
            Await.until(WAIT, () -> s.get("/health/ready").statusCode() == 200, "ready while idle");
            try (Connection blocker = Sql.connect(db); Statement st = blocker.createStatement()) {
                st.execute("BEGIN IMMEDIATE"); // another writer holds the lock: every commit waits and retries
                Files.writeString(file, sampleAtNow(), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
                Await.until(WAIT, () -> s.get("/health/ready").statusCode() == 503,
                        () -> "not ready while the writer is stuck: " + s.get("/health/ready").body());
                String body = s.get("/health/ready").body();
                assertTrue(body.contains("\"writer\":{\"status\":\"DOWN\""), body);
                assertTrue(body.contains("\"database\":{\"status\":\"UP\""), "readers still read: " + body);
                assertTrue(s.scrape().get("taclog_source_bytes_behind{source=\"tail-transcripts\"}") > 0);
                st.execute("ROLLBACK");
            }
            Await.until(WAIT, () -> s.get("/health/ready").statusCode() == 200,
                    () -> "ready once the writer commits again: " + s.get("/health/ready").body());
        }
    }

    @Test
    void listensOnAnotherAddressOnlyWhenTold() throws Exception {
        Path watch = Files.createDirectories(tmp.resolve("logs"));
        try (Sidecar s = new Sidecar(config(watch, "taclog.metrics.address", "0.0.0.0"))) {
            assertFalse(s.metrics.address().getAddress().isLoopbackAddress());
            assertTrue(s.metrics.address().getAddress().isAnyLocalAddress());
        }
    }

    @Test
    void aBadPortFailsAtStartNamingTheKey() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"run", "--db", tmp.resolve("x.db").toString(),
                        "--set", "taclog.metrics.enabled=true", "--set", "taclog.metrics.port=70000"},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(Main.USAGE, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("taclog.metrics.port"), err.toString());
    }

    private static void awaitLines(Path db, long expected) {
        Await.until(WAIT, () -> linesRead(db) >= expected,
                () -> "the ledger holds " + expected + " lines (it holds " + linesRead(db) + ")");
    }

    private static long linesRead(Path db) {
        return Sql.scalar(db, "SELECT COALESCE(SUM(lines_read), 0) FROM ingest_ledger");
    }
}
