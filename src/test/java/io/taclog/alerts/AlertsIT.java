package io.taclog.alerts;

import static io.taclog.alerts.AlertData.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taclog.app.IngestRuntime;
import io.taclog.camel.CamelSidecar;
import io.taclog.config.TaclogConfig;
import io.taclog.ingest.LineClassifier;
import io.taclog.testing.Await;
import io.taclog.testing.CliRun;
import io.taclog.testing.LogWriter;
import io.taclog.testing.Sql;
import io.taclog.testing.coordinator.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Alerts in the running sidecar (the real routes under Camel Main) delivered to a webhook on a local port. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class AlertsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Instant DAY1 = Instant.parse("2026-03-10T12:00:00Z");

    @TempDir
    Path tmp;

    private final MutableClock clock = new MutableClock(DAY1);

    private TaclogConfig config(Map<String, String> keys) throws Exception {
        Map<String, String> all = new HashMap<>(keys);
        all.put("taclog.db", db().toString());
        all.put("taclog.watch", Files.createDirectories(tmp.resolve("logs")).toString());
        all.put("taclog.batch.max-wait-ms", "50");
        all.put("taclog.scan-interval-ms", "50");
        all.put("taclog.alerts.check-interval-ms", "100");
        all.put("taclog.alerts.timezone", "UTC");
        return TaclogConfig.load(Optional.empty(), all);
    }

    private Path db() {
        return tmp.resolve("taclog.db");
    }

    /** A started sidecar; closing it stops Camel and then the runtime, as {@code taclog run} does. */
    private record Sidecar(IngestRuntime runtime, CamelSidecar camel) implements AutoCloseable {
        static Sidecar start(TaclogConfig config, MutableClock clock) throws Exception {
            IngestRuntime rt = IngestRuntime.open(config, false, clock);
            CamelSidecar c = new CamelSidecar(rt);
            c.start();
            return new Sidecar(rt, c);
        }

        @Override
        public void close() {
            try {
                camel.stop();
            } finally {
                runtime.close();
            }
        }
    }

    @Test
    void aDailyBudgetCrossingIsDeliveredOncePerDayAcrossARestart() throws Exception {
        try (AlertData.Hook hook = AlertData.Hook.answering(204)) {
            TaclogConfig config = config(Map.of("taclog.alerts.daily-budget-usd", "10",
                    "taclog.alerts.webhook-url", hook.url()));
            try (Sidecar s = Sidecar.start(config, clock)) {
                AlertData.worker(db(), "w1", "gh-1");
                AlertData.call(db(), "w1", DAY1.minusSeconds(3600), 6);
                AlertData.call(db(), "w1", DAY1.minus(Duration.ofDays(1)), 100); // yesterday's
                assertEquals(0, s.runtime().alerts().run(), "6 of 10 dollars today");
                AlertData.call(db(), "w1", DAY1.minusSeconds(60), 5);
                Await.until(WAIT, () -> hook.bodies.size() == 1, "the timer route delivers the crossing");
                AlertData.call(db(), "w1", DAY1.minusSeconds(30), 5);
                assertEquals(0, s.runtime().alerts().run(), "more cost the same day: the same episode");
                Await.until(WAIT, () -> "delivered".equals(AlertData.alerts(db(), "alert.daily_budget").get(0)
                        .get("delivery")), "the delivery is recorded");
            }
            JsonNode body = LineClassifier.JSON.readTree(hook.bodies.get(0));
            assertEquals("daily_budget", body.path("alert").asText());
            assertEquals("daily_budget:2026-03-10", body.path("episode_key").asText());
            assertEquals("warning", body.path("severity").asText());
            assertEquals(11.0, body.at("/evidence/cost_usd").asDouble(), 1e-9);
            assertEquals(10.0, body.at("/evidence/budget_usd").asDouble(), 1e-9);
            assertEquals("2026-03-10T00:00:00.000Z", body.at("/evidence/window_start").asText());

            try (Sidecar s = Sidecar.start(config, clock)) {
                assertEquals(0, s.runtime().alerts().run(), "after a restart the day's episode is still delivered");
                clock.set(DAY1.plus(Duration.ofDays(1)));
                assertEquals(0, s.runtime().alerts().run(), "nothing spent yet on the next day");
                AlertData.call(db(), "w1", clock.instant().minusSeconds(10), 12);
                Await.until(WAIT, () -> hook.bodies.size() == 2, "the next day's crossing is a new episode");
                assertEquals(0, s.runtime().alerts().run());
            }
            assertEquals(2, hook.bodies.size(), "one delivery per day");
            assertEquals("daily_budget:2026-03-11",
                    LineClassifier.JSON.readTree(hook.bodies.get(1)).path("episode_key").asText());
            assertEquals(2, count(db(), "alert.daily_budget"));
        }
    }

    @Test
    void aHangingThenFailingWebhookNeitherStopsNorSlowsIngestion() throws Exception {
        CountDownLatch inRequest = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        AtomicBoolean held = new AtomicBoolean();
        try (AlertData.Hook hook = new AlertData.Hook(() -> 500, () -> {
            if (first.getAndSet(false)) {
                held.set(true);
                inRequest.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                held.set(false);
            }
        })) {
            TaclogConfig config = config(Map.of("taclog.alerts.error-burst-count", "1",
                    "taclog.alerts.webhook-url", hook.url(), "taclog.alerts.timeout-ms", "60000",
                    "taclog.alerts.retries", "2", "taclog.alerts.retry-backoff-ms", "20"));
            Path log = tmp.resolve("logs").resolve("a.jsonl");
            try (Sidecar s = Sidecar.start(config, clock); LogWriter w = LogWriter.append(log, "a")) {
                w.lines(50);
                awaitLines(50);
                AlertData.event(db(), "error", "error", DAY1.minusSeconds(1), null, null, null);
                assertTrue(inRequest.await(30, TimeUnit.SECONDS), "the alert reached the webhook");
                // the webhook holds the request: lines keep committing meanwhile, and so do the alert checks
                long start = System.nanoTime();
                for (int i = 0; i < 5; i++) {
                    w.lines(100);
                    awaitLines(150 + 100L * i);
                }
                long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(held.get(), "every commit happened while the delivery was still waiting");
                assertTrue(tookMs < 20_000, "500 lines committed in " + tookMs + " ms with the webhook hanging");
                AlertData.event(db(), "error", "error", DAY1, null, null, null);
                assertEquals(0, s.runtime().alerts().run(), "the check does not wait on the delivery either");
                release.countDown();
                Await.until(WAIT, () -> count(db(), "alert.delivery_failed") == 1,
                        "the 500s end as a delivery_failed event");
                assertEquals(3, hook.requests.get(), "one attempt and two retries");
                w.lines(10);
                awaitLines(560);
            }
            JsonNode d = LineClassifier.JSON.readTree((String) Sql.rows(db(), "SELECT details FROM system_events "
                    + "WHERE event_type = 'alert.delivery_failed'").get(0).get("details"));
            assertTrue(d.path("last_error").asText().contains("HTTP 500"), d.toString());
            assertEquals("failed", AlertData.alerts(db(), "alert.error_burst").get(0).get("delivery"));
        }
    }

    private void awaitLines(long n) {
        Await.until(WAIT, () -> lines() >= n, () -> n + " lines committed (" + lines() + " so far)");
    }

    private long lines() {
        return Sql.scalar(db(), "SELECT COALESCE(SUM(lines_read), 0) FROM ingest_ledger");
    }

    @Test
    void badAlertConfigurationStopsTheStartNamingTheKey() {
        String dbArg = db().toString();
        CliRun url = CliRun.of("run", "--db", dbArg, "--set", "taclog.alerts.webhook-url=ftp://example.org/x");
        assertEquals(2, url.code(), url.err());
        assertTrue(url.err().contains("taclog.alerts.webhook-url"), url.err());
        CliRun budget = CliRun.of("run", "--db", dbArg, "--set", "taclog.alerts.daily-budget-usd=-5");
        assertEquals(2, budget.code(), budget.err());
        assertTrue(budget.err().contains("taclog.alerts.daily-budget-usd"), budget.err());
        CliRun command = CliRun.of("backfill", "--db", dbArg, "--set",
                "taclog.alerts.command=no-such-program-taclog --flag");
        assertEquals(2, command.code(), command.err());
        assertTrue(command.err().contains("taclog.alerts.command"), command.err());
        assertTrue(command.err().contains("no-such-program-taclog"), command.err());
        assertTrue(Files.notExists(db()), "nothing was opened");
    }

    @Test
    void aBackfillDeliversNothing() throws Exception {
        try (AlertData.Hook hook = AlertData.Hook.answering(200)) {
            try (IngestRuntime rt = IngestRuntime.open(config(Map.of()), false, clock)) {
                AlertData.worker(db(), "w1", "gh-1");
                AlertData.call(db(), "w1", Instant.now(), 50);
                AlertData.event(db(), "error", "error", Instant.now(), null, null, null);
            }
            try (LogWriter w = LogWriter.append(tmp.resolve("logs").resolve("a.jsonl"), "a")) {
                w.lines(20);
            }
            CliRun run = CliRun.of("backfill", "--db", db().toString(), "--watch", tmp.resolve("logs").toString(),
                    "--set", "taclog.alerts.daily-budget-usd=1", "--set", "taclog.alerts.error-burst-count=1",
                    "--set", "taclog.alerts.check-interval-ms=100", "--set", "taclog.alerts.webhook-url=" + hook.url());
            assertEquals(0, run.code(), run.err());
            assertEquals(20, lines());
            assertEquals(0, Sql.scalar(db(), "SELECT COUNT(*) FROM system_events WHERE component = 'alerts'"));
            assertEquals(0, hook.requests.get());
        }
    }
}
