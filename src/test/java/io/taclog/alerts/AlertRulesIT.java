package io.taclog.alerts;

import static io.taclog.alerts.AlertData.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taclog.app.IngestRuntime;
import io.taclog.config.TaclogConfig;
import io.taclog.ingest.LineClassifier;
import io.taclog.model.Times;
import io.taclog.testing.Await;
import io.taclog.testing.Sql;
import io.taclog.testing.coordinator.MutableClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Each alert rule against a real database, checked by calling the route's step directly with a hand-moved clock. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class AlertRulesIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Instant T0 = Instant.parse("2026-03-10T12:00:00Z");

    @TempDir
    Path tmp;

    private final MutableClock clock = new MutableClock(T0);

    private IngestRuntime open(Map<String, String> keys) throws Exception {
        Map<String, String> all = new HashMap<>(keys);
        all.put("taclog.db", tmp.resolve("taclog.db").toString());
        all.putIfAbsent("taclog.watch", Files.createDirectories(tmp.resolve("logs")).toString());
        return IngestRuntime.open(TaclogConfig.load(Optional.empty(), all), false, clock);
    }

    private Path db() {
        return tmp.resolve("taclog.db");
    }

    @Test
    void anErrorBurstFiresOnceAndFiresAgainAfterTheWindowClears() throws Exception {
        try (IngestRuntime rt = open(Map.of("taclog.alerts.error-burst-count", "3",
                "taclog.alerts.error-burst-minutes", "10"))) {
            AlertData.event(db(), "error", "error", T0.minusSeconds(60), null, null, null);
            AlertData.event(db(), "error", "critical", T0.minusSeconds(30), null, null, null);
            AlertData.event(db(), "warning", "warning", T0.minusSeconds(20), null, null, null);
            assertEquals(0, rt.alerts().run(), "two errors are not a burst of three");
            AlertData.event(db(), "error", "error", T0.minusSeconds(10), null, null, null);
            assertEquals(1, rt.alerts().run());
            AlertData.event(db(), "error", "error", T0.minusSeconds(5), null, null, null);
            assertEquals(0, rt.alerts().run(), "the same episode goes on");
            JsonNode d = LineClassifier.JSON.readTree((String) AlertData.alerts(db(), "alert.error_burst").get(0)
                    .get("details"));
            assertEquals(3, d.at("/evidence/errors").asInt());
            assertEquals(3, d.at("/evidence/event_ids").size());
            assertEquals("none", d.path("delivery").asText(), "no channel configured: stored only");

            clock.advance(Duration.ofMinutes(11));
            assertEquals(0, rt.alerts().run());
            assertEquals(1, count(db(), "alert.resolved"), "the window fell below the count: the episode ended");
            for (int i = 0; i < 3; i++) {
                AlertData.event(db(), "error", "error", clock.instant().minusSeconds(i), null, null, null);
            }
            assertEquals(1, rt.alerts().run(), "a new burst is a new episode");
            assertEquals(2, count(db(), "alert.error_burst"));
            assertEquals(0, rt.alerts().run());
        }
    }

    @Test
    void risingRejectsFireOnceAndReArmAfterTheHour() throws Exception {
        try (IngestRuntime rt = open(Map.of("taclog.alerts.rejects-per-hour", "2"))) {
            AlertData.reject(db(), 0, T0.minus(Duration.ofHours(2)));
            AlertData.reject(db(), 10, T0.minusSeconds(100));
            AlertData.reject(db(), 20, T0.minusSeconds(50));
            assertEquals(0, rt.alerts().run(), "two in the hour are not more than two");
            AlertData.reject(db(), 30, T0.minusSeconds(10));
            assertEquals(1, rt.alerts().run());
            assertEquals(0, rt.alerts().run());
            clock.advance(Duration.ofMinutes(61));
            assertEquals(0, rt.alerts().run());
            assertEquals(1, count(db(), "alert.resolved"));
            for (int i = 0; i < 3; i++) {
                AlertData.reject(db(), 100 + i, clock.instant());
            }
            assertEquals(1, rt.alerts().run());
            assertEquals(2, count(db(), "alert.rejects_rising"));
        }
    }

    @Test
    void spawnLoopAndStalledWorkerEventsGiveOneAlertEachAndHistoryNone() throws Exception {
        try (IngestRuntime rt = open(Map.of("taclog.alerts.spawn-loop", "true", "taclog.alerts.stalled-worker",
                "true"))) {
            AlertData.event(db(), "spawn_loop", "warning", T0.minus(Duration.ofDays(30)), "D:spawn_loop:old:w0", "old",
                    "w0");
            AlertData.event(db(), "spawn_loop", "warning", T0.minusSeconds(30), "D:spawn_loop:gh-1:w2", "gh-1", "w2");
            AlertData.event(db(), "worker_stalled", "warning", T0.minusSeconds(20), "D:stall:w3:x", "gh-2", "w3");
            assertEquals(2, rt.alerts().run());
            assertEquals(0, rt.alerts().run());
            assertEquals(1, count(db(), "alert.spawn_loop"), "the month-old loop is history, not news");
            assertEquals(1, count(db(), "alert.worker_stalled"));
            assertEquals("gh-1", Sql.rows(db(), "SELECT task_id FROM system_events WHERE event_type = "
                    + "'alert.spawn_loop'").get(0).get("task_id"));
            AlertData.event(db(), "worker_stalled", "warning", T0.minusSeconds(5), "D:stall:w3:y", "gh-2", "w3");
            assertEquals(1, rt.alerts().run(), "a new silence of the worker is a new episode");
        }
        try (IngestRuntime rt = open(Map.of("taclog.alerts.spawn-loop", "true", "taclog.alerts.stalled-worker",
                "true"))) {
            assertEquals(0, rt.alerts().run(), "after a restart nothing fires again");
        }
    }

    @Test
    void aTaskOverItsBudgetFiresOnce() throws Exception {
        try (IngestRuntime rt = open(Map.of("taclog.alerts.task-budget-usd", "5"))) {
            AlertData.worker(db(), "w1", "gh-1");
            AlertData.worker(db(), "w2", "gh-1");
            AlertData.worker(db(), "w3", "gh-2");
            AlertData.call(db(), "w1", T0.minusSeconds(60), 3);
            AlertData.call(db(), "w3", T0.minusSeconds(60), 4);
            assertEquals(0, rt.alerts().run());
            AlertData.call(db(), "w2", T0.minusSeconds(30), 2.5);
            assertEquals(1, rt.alerts().run());
            AlertData.call(db(), "w2", T0.minusSeconds(20), 10);
            assertEquals(0, rt.alerts().run());
            JsonNode d = LineClassifier.JSON.readTree((String) AlertData.alerts(db(), "alert.task_budget").get(0)
                    .get("details"));
            assertEquals("gh-1", d.at("/evidence/task_id").asText());
            assertEquals(5.5, d.at("/evidence/cost_usd").asDouble(), 1e-9);
            assertEquals(2, d.at("/evidence/workers").size());
        }
    }

    @Test
    void aStuckIngestNeedsCompleteLinesWaitingAndNoCommitForTheWholeTime() throws Exception {
        Path logs = Files.createDirectories(tmp.resolve("logs"));
        Path behind = Files.writeString(logs.resolve("behind.jsonl"), "{\"a\":1}\n{\"a\":2}\n");
        Path idle = Files.writeString(logs.resolve("idle.jsonl"), "{\"a\":1}\n");
        Path partial = Files.writeString(logs.resolve("partial.jsonl"), "{\"a\":1}\n{\"a\":");
        try (IngestRuntime rt = open(Map.of("taclog.alerts.ingest-stuck-minutes", "5"))) {
            fileRow(1, behind, 8);
            fileRow(2, idle, Files.size(idle));
            fileRow(3, partial, 8);
            assertEquals(0, rt.alerts().run(), "behind since now: not stuck yet");
            clock.advance(Duration.ofMinutes(6));
            assertEquals(1, rt.alerts().run());
            JsonNode d = LineClassifier.JSON.readTree((String) AlertData.alerts(db(), "alert.ingest_stuck").get(0)
                    .get("details"));
            assertEquals(1, d.at("/evidence/files_stuck").asInt(), "only the file with a complete line waiting");
            assertEquals(behind.toString(), d.at("/evidence/files/0/path").asText());
            assertEquals(8, d.at("/evidence/bytes_behind").asLong());
            assertEquals(0, rt.alerts().run());
            AlertData.update(db(), "UPDATE ingest_files SET committed_offset = ?, last_commit_at = ? WHERE file_id = 1",
                    Files.size(behind), Times.format(clock.instant()));
            assertEquals(0, rt.alerts().run());
            assertEquals(1, count(db(), "alert.resolved"));
        }
    }

    private void fileRow(long id, Path file, long committed) {
        AlertData.update(db(), "INSERT INTO ingest_files(file_id, source_kind, path, device, inode, first_line_hash, "
                + "committed_offset, first_seen_at, last_commit_at) VALUES (?, 'transcripts', ?, 1, ?, 'x', ?, ?, ?)",
                id, file.toString(), id, committed, Times.format(T0.minus(Duration.ofHours(1))),
                Times.format(T0.minus(Duration.ofHours(1))));
    }

    @Test
    void theCommandGetsTheJsonOnItsStandardInput() throws Exception {
        Path out = tmp.resolve("alert out.json");
        Path script = tmp.resolve("receive.sh");
        Files.writeString(script, "#!/bin/sh\ncat > \"$1\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        try (IngestRuntime rt = open(Map.of("taclog.alerts.error-burst-count", "1",
                "taclog.alerts.command", script + " '" + out + "'"))) {
            AlertData.event(db(), "error", "error", T0.minusSeconds(1), null, null, null);
            assertEquals(1, rt.alerts().run());
            Await.until(WAIT, () -> "delivered".equals(AlertData.alerts(db(), "alert.error_burst").get(0)
                    .get("delivery")), "the alert is marked delivered");
            JsonNode body = LineClassifier.JSON.readTree(Files.readString(out, StandardCharsets.UTF_8));
            assertEquals("error_burst", body.path("alert").asText());
            assertEquals("alert.error_burst", body.path("event_type").asText());
            assertEquals("error", body.path("severity").asText());
            assertTrue(body.path("episode_key").asText().startsWith("error_burst:errors@"));
            assertEquals(1, body.at("/evidence/errors").asInt());
            assertEquals(Times.format(T0), body.path("time").asText());
            assertTrue(body.hasNonNull("host"));
        }
    }

    @Test
    void aWebhookNobodyListensOnEndsAsADeliveryFailedEventAfterTheRetries() throws Exception {
        int port;
        try (AlertData.Hook closed = AlertData.Hook.answering(200)) {
            port = closed.server.getAddress().getPort();
        }
        try (IngestRuntime rt = open(Map.of("taclog.alerts.error-burst-count", "1",
                "taclog.alerts.webhook-url", "http://127.0.0.1:" + port + "/hook", "taclog.alerts.retries", "2",
                "taclog.alerts.retry-backoff-ms", "10", "taclog.alerts.timeout-ms", "1000"))) {
            AlertData.event(db(), "error", "error", T0.minusSeconds(1), null, null, null);
            assertEquals(1, rt.alerts().run());
            Await.until(WAIT, () -> count(db(), "alert.delivery_failed") == 1, "the failure is an event");
            Map<String, Object> failed = Sql.rows(db(), "SELECT severity, details FROM system_events WHERE "
                    + "event_type = 'alert.delivery_failed'").get(0);
            JsonNode d = LineClassifier.JSON.readTree((String) failed.get("details"));
            assertEquals(3, d.path("attempts").asInt(), "one attempt and two retries");
            assertEquals("webhook", d.path("channel").asText());
            Await.until(WAIT, () -> "failed".equals(AlertData.alerts(db(), "alert.error_burst").get(0)
                    .get("delivery")), "the alert is marked failed");
            assertEquals(0, rt.alerts().run(), "a failed delivery does not make the episode fire again");
            assertEquals(1, count(db(), "alert.error_burst"));
        }
    }

    @Test
    void aBackfillChecksNothing() throws Exception {
        Map<String, String> keys = Map.of("taclog.db", db().toString(), "taclog.alerts.daily-budget-usd", "1",
                "taclog.alerts.error-burst-count", "1");
        try (IngestRuntime rt = IngestRuntime.open(TaclogConfig.load(Optional.empty(), keys), true, clock)) {
            AlertData.worker(db(), "w1", "gh-1");
            AlertData.call(db(), "w1", T0, 50);
            AlertData.event(db(), "error", "error", T0, null, null, null);
            assertEquals(0, rt.alerts().run());
        }
        assertEquals(0, Sql.scalar(db(), "SELECT COUNT(*) FROM system_events WHERE component = 'alerts'"));
    }
}
