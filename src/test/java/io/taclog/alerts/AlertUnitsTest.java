package io.taclog.alerts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taclog.config.ConfigException;
import io.taclog.config.ConfigKeys;
import io.taclog.config.TaclogConfig;
import io.taclog.ingest.LineClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Back-off, the JSON body, the alert keys' parsing and the stuck-ingest file peek. */
class AlertUnitsTest {

    @TempDir
    Path tmp;

    @Test
    void backOffDoublesFromTheFirstWaitAndIsCapped() {
        Duration first = Duration.ofMillis(250);
        assertEquals(Duration.ZERO, Backoff.before(0, first));
        assertEquals(Duration.ofMillis(250), Backoff.before(1, first));
        assertEquals(Duration.ofMillis(500), Backoff.before(2, first));
        assertEquals(Duration.ofMillis(1000), Backoff.before(3, first));
        assertEquals(Backoff.CAP, Backoff.before(40, Duration.ofMinutes(1)));
    }

    @Test
    void theBodyCarriesTypeSeverityEpisodeEvidenceTimeAndHost() throws Exception {
        var evidence = LineClassifier.JSON.createObjectNode().put("cost_usd", 12.5).put("budget_usd", 10.0);
        Alert a = new Alert(42, "alert:task_budget:gh-7", "task_budget", "warning", "task_budget:gh-7",
                "task budget exceeded: \"quoted\" $12.50", evidence, Instant.parse("2026-03-10T12:00:00Z"), "gh-7",
                null);
        JsonNode j = LineClassifier.JSON.readTree(a.json("box"));
        assertEquals("task_budget", j.path("alert").asText());
        assertEquals("alert.task_budget", j.path("event_type").asText());
        assertEquals("warning", j.path("severity").asText());
        assertEquals("task_budget:gh-7", j.path("episode_key").asText());
        assertEquals("task budget exceeded: \"quoted\" $12.50", j.path("message").asText());
        assertEquals(12.5, j.at("/evidence/cost_usd").asDouble());
        assertEquals("2026-03-10T12:00:00.000Z", j.path("time").asText());
        assertEquals("box", j.path("host").asText());
        assertEquals(42, j.path("event_id").asLong());
        assertEquals("gh-7", j.path("task_id").asText());
        assertFalse(j.has("worker_id"));
    }

    @Test
    void everyRuleIsOffByDefault() {
        AlertSettings s = AlertSettings.of(TaclogConfig.defaults());
        assertFalse(s.anyRule());
        assertFalse(s.anyChannel());
    }

    @Test
    void theCommandIsSplitIntoWordsWithoutAShell() throws Exception {
        Path prog = Files.createFile(tmp.resolve("notify"));
        assertTrue(prog.toFile().setExecutable(true));
        TaclogConfig c = TaclogConfig.load(Optional.empty(), Map.of("taclog.alerts.command",
                prog + " --to 'ops team' \"$HOME\" ;rm"));
        assertEquals(List.of(prog.toString(), "--to", "ops team", "$HOME", ";rm"), c.get(ConfigKeys.ALERTS_COMMAND));
        assertEquals(List.of("sh", "-c", "cat"), TaclogConfig.load(Optional.empty(),
                Map.of("taclog.alerts.command", "sh -c cat")).get(ConfigKeys.ALERTS_COMMAND));
    }

    @Test
    void badValuesNameTheirKey() throws Exception {
        Path notExecutable = Files.createFile(tmp.resolve("plain.txt"));
        Map<String, String> bad = Map.of(
                "taclog.alerts.webhook-url", "not a url",
                "taclog.alerts.task-budget-usd", "0",
                "taclog.alerts.error-burst-count", "-1",
                "taclog.alerts.rejects-per-hour", "many",
                "taclog.alerts.timeout-ms", "5",
                "taclog.alerts.retries", "99",
                "taclog.alerts.timezone", "Mars/Olympus",
                "taclog.alerts.command", notExecutable.toString());
        for (var e : bad.entrySet()) {
            ConfigException ex = assertThrows(ConfigException.class,
                    () -> TaclogConfig.load(Optional.empty(), Map.of(e.getKey(), e.getValue())), e.getKey());
            assertTrue(ex.getMessage().startsWith(e.getKey() + " = "), ex.getMessage());
        }
        assertThrows(ConfigException.class, () -> TaclogConfig.load(Optional.empty(),
                Map.of("taclog.alerts.webhook-url", "http:///nohost")));
        assertThrows(ConfigException.class, () -> TaclogConfig.load(Optional.empty(),
                Map.of("taclog.alerts.command", "'unbalanced")));
    }

    @Test
    void onlyACompleteLinePastTheOffsetCountsAsBehind() throws Exception {
        Path f = Files.writeString(tmp.resolve("a.jsonl"), "{}\n{\"x\":");
        assertEquals(3, AlertRules.completeLinesEnd(f, 3), "only a partial line waits");
        assertEquals(f.toFile().length(), AlertRules.completeLinesEnd(f, 0));
        assertEquals(3, AlertRules.completeLinesEnd(tmp.resolve("gone.jsonl"), 3));
    }
}
