package io.taclog.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taclog.config.TaclogConfig;
import io.taclog.testing.Await;
import io.taclog.testing.Sql;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The publishing route of routes/outbox.camel.yaml on the bundled TAC-8 demo: every committed API call, worker
 * status change and warning or error event reaches the endpoint, in commit order; an endpoint that fails loses
 * nothing (the messages wait and go out once it works again); and with the outbox off nothing is written.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class OutboxIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;
    Path demo;
    Path db;
    Path out;

    @BeforeEach
    void copyTheDemo() throws IOException {
        demo = tmp.resolve("demo");
        copyTree(Path.of("samples"), demo);
        db = tmp.resolve("taclog.db");
        out = tmp.resolve("published");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private TaclogConfig config(boolean enabled) {
        Map<String, String> o = new HashMap<>();
        o.put("taclog.db", db.toString());
        o.put("taclog.outbox.enabled", String.valueOf(enabled));
        // one file per message, named by its idempotency key: a message sent again overwrites its own file
        o.put("taclog.outbox.endpoint", "file:" + out + "?fileName=${header.TaclogOutboxId}.json");
        o.put("taclog.outbox.poll-ms", "50");
        o.put("taclog.outbox.batch", "7"); // several polls, so the cursor moves several times
        o.put("taclog.batch.max-wait-ms", "50");
        o.put("taclog.scan-interval-ms", "50");
        return TaclogConfig.load(Optional.of(demo.resolve("taclog.properties")), o);
    }

    /** The published messages by outbox id (the file name). */
    private Map<Long, JsonNode> published() {
        Map<Long, JsonNode> m = new TreeMap<>();
        if (!Files.isDirectory(out)) {
            return m;
        }
        try (Stream<Path> files = Files.list(out)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                String name = f.getFileName().toString();
                m.put(Long.parseLong(name.substring(0, name.length() - 5)), JSON.readTree(f.toFile()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    private long pending() {
        return Sql.scalar(db, "SELECT COUNT(*) FROM outbox");
    }

    private long calls() {
        return Files.exists(db) ? Sql.scalar(db, "SELECT COUNT(*) FROM api_calls") : 0;
    }

    @Test
    void everyCommittedFactIsPublishedInOrderAndAFailingEndpointLosesNothing() throws Exception {
        try (RunningSidecar sidecar = RunningSidecar.start(config(true))) {
            Await.until(WAIT, () -> calls() == 34 && sidecar.runtime.monitor().allDrained(),
                    () -> "the demo loaded (" + calls() + " of 34 API calls)");
            Await.until(WAIT, () -> pending() == 0 && !published().isEmpty(), () -> pending() + " facts unpublished");
        }
        Map<Long, JsonNode> sent = published();

        // a call's latest message wins: the coordinator's per-run estimate is published, then taken back
        Map<Long, JsonNode> latestCall = new HashMap<>();
        sent.values().stream().filter(j -> j.has("call_id")).forEach(j -> latestCall.put(j.get("call_id").asLong(), j));
        Set<Long> callIds = latestCall.entrySet().stream().filter(e -> !e.getValue().has("removed"))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        assertTrue(latestCall.values().stream().anyMatch(j -> j.has("removed")), "the demo's estimate was replaced");
        assertEquals(new HashSet<>(Sql.rows(db, "SELECT call_id FROM api_calls").stream()
                .map(r -> ((Number) r.get("call_id")).longValue()).toList()), callIds, "every stored API call, once or more");
        Map<Long, String> workerOfCall = new HashMap<>();
        Sql.rows(db, "SELECT call_id, worker_id FROM api_calls")
                .forEach(r -> workerOfCall.put(((Number) r.get("call_id")).longValue(), (String) r.get("worker_id")));
        callIds.forEach(id -> assertEquals(workerOfCall.get(id), latestCall.get(id).get("worker_id").asText(),
                "the call's latest message names its worker (a merge of workers revises it)"));
        JsonNode firstCall = sent.values().stream().filter(j -> j.has("tokens_output")).findFirst().orElseThrow();
        assertTrue(firstCall.has("estimated_cost_usd") && firstCall.has("tokens_output"), firstCall.toString());

        long alerts = sent.values().stream().filter(j -> j.has("severity")).count();
        assertEquals(Sql.scalar(db, "SELECT COUNT(*) FROM system_events WHERE severity IN ('warning', 'error', "
                + "'critical')"), alerts);
        assertTrue(alerts > 0, "the demo has warnings and errors");

        // in commit order: a worker's last published status is its status in the database
        Map<String, String> lastStatus = new HashMap<>();
        sent.values().stream().filter(j -> j.has("to")).forEach(j -> {
            if (j.has("removed")) { // a transcript's provisional worker, merged into the coordinator's
                lastStatus.remove(j.get("worker_id").asText());
            } else {
                lastStatus.put(j.get("worker_id").asText(), j.get("to").asText());
            }
        });
        Map<String, String> stored = new HashMap<>();
        Sql.rows(db, "SELECT worker_id, status FROM worker_sessions")
                .forEach(r -> stored.put((String) r.get("worker_id"), (String) r.get("status")));
        assertEquals(stored, lastStatus);
        assertEquals(sent.keySet().stream().mapToLong(Long::longValue).max().orElseThrow(),
                Sql.scalar(db, "SELECT last_outbox_id FROM outbox_cursor"), "the cursor stands after the last one");

        // the endpoint fails (its directory is a file now): new facts wait in the outbox, none is lost
        try (Stream<Path> files = Files.list(out)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(out);
        Files.writeString(out, "not a directory");
        Path more = Files.createDirectories(demo.resolve("tac8-demo/logs/later"));
        Files.copy(Path.of("src/test/resources/samples/claude-transcript/"
                + "sniffly-v1.0.17-fed8ce56-bc79-401f-a83e-af084253362f.jsonl"), more.resolve("later.jsonl"));
        try (RunningSidecar sidecar = RunningSidecar.start(config(true))) {
            Await.until(WAIT, () -> calls() > 34, "the new transcript's calls committed");
            assertTrue(pending() > 0, "the new facts wait for the endpoint");
            assertTrue(sidecar.sidecar.main().getCamelContext().getRouteController()
                    .getRouteStatus("publish-committed").isStarted(), "the publishing route runs, and fails");
            assertTrue(Files.isRegularFile(out), "nothing could be published meanwhile");
            Files.delete(out); // the endpoint works again
            Await.until(WAIT, () -> pending() == 0, () -> pending() + " facts unpublished");
        }
        Set<Long> callsAfter = published().values().stream().filter(j -> j.has("call_id"))
                .map(j -> j.get("call_id").asLong()).collect(Collectors.toSet());
        assertEquals(new HashSet<>(Sql.rows(db, "SELECT call_id FROM api_calls WHERE call_id > (SELECT MAX(call_id) "
                + "FROM api_calls) - " + (calls() - 34)).stream().map(r -> ((Number) r.get("call_id")).longValue())
                .toList()), callsAfter, "the calls committed while the endpoint failed, all published afterwards");
    }

    @Test
    void withTheOutboxOffNothingIsWrittenForIt() throws Exception {
        try (RunningSidecar sidecar = RunningSidecar.start(config(false))) {
            Await.until(WAIT, () -> calls() == 34 && sidecar.runtime.monitor().allDrained(), "the demo loaded");
        }
        assertEquals(0, Sql.scalar(db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE "
                + "'outbox_%'"), "no triggers");
        assertEquals(0, pending());
        assertFalse(Files.exists(out), "nothing published");
    }
}
