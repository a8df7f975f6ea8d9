package io.taclog.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taclog.cli.Main;
import io.taclog.ingest.SourceKinds;
import io.taclog.testing.CliRun;
import io.taclog.testing.Sql;
import io.taclog.testing.coordinator.CoordinatorHarness;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo backfilled in batches of 1, 2, 3 and 7 lines and of the default size gives every worker the same end,
 * and {@code task gh-603 --full} the same answer. The looping task gh-603's three streams share one log file that
 * holds the newest worker's stream first, so small batches link them to the wrong spawns before the backfill
 * re-pairs them; each worker's end must follow its own stream (schema v20), not the stream it was linked to first.
 * The same whichever source a backfill reads first. The expected ends are read from the inputs: the reaper lines of coordinator.log, the result lines of
 * logs/gh-603.jsonl, and Claude's {@code gitBranch} (auto/&lt;worker&gt;) in the session files, which taclog does not
 * read.
 */
class DemoBatchSizesIT {

    private static final Path DEMO = Path.of("samples/tac8-demo").toAbsolutePath();
    private static final Path CONFIG = Path.of("samples/taclog.properties").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** What the inputs say of one spawned worker of gh-603. */
    private record Truth(String session, int exitCode, String result, String lastRecorded) {
    }

    @Test
    void everyBatchSizeGivesEveryWorkerTheEndOfItsOwnStream() throws IOException {
        Map<String, Truth> truth = truth();
        assertEquals(Map.of("w-5d8f02", 0, "w-a41c6e", 1, "w-c7e019", 0), Map.of(
                "w-5d8f02", truth.get("w-5d8f02").exitCode(), "w-a41c6e", truth.get("w-a41c6e").exitCode(),
                "w-c7e019", truth.get("w-c7e019").exitCode()), "the reaper lines of coordinator.log");
        assertEquals("success", truth.get("w-5d8f02").result(), "its push was refused, but its run ended well");
        assertNull(truth.get("w-a41c6e").result(), "the crashed worker's stream has no result line");

        Map<String, List<Map<String, Object>>> workers = new LinkedHashMap<>();
        Map<String, String> answers = new LinkedHashMap<>();
        for (String size : List.of("default", "1", "2", "3", "7")) {
            Path db = tmp.resolve("batch-" + size + ".db");
            List<String> args = new ArrayList<>(List.of("backfill", "--config", CONFIG.toString(), "--db",
                    db.toString(), "--no-progress"));
            if (!size.equals("default")) {
                args.addAll(List.of("--set", "taclog.batch.max-lines=" + size));
            }
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertEquals(Main.OK, r.code(), "batch size " + size + ": " + r.err());
            workers.put(size, Sql.rows(db, "SELECT worker_id, status, completed_at, failed_at, exit_code, "
                    + "failure_reason, agent_session_id, process_status, result_status, result_at, result_reason "
                    + "FROM worker_sessions ORDER BY worker_id"));
            CliRun q = CliRun.of("query", "task", "gh-603", "--full", "--db", db.toString(), "--format", "csv",
                    "--tz", "UTC");
            assertEquals(Main.OK, q.code(), q.err());
            answers.put(size, q.out());
        }
        for (String size : workers.keySet()) {
            assertEquals(workers.get("default"), workers.get(size), "every worker's end with batches of " + size);
            assertEquals(answers.get("default"), answers.get(size), "task gh-603 --full with batches of " + size);
        }

        Map<String, Map<String, Object>> byId = new TreeMap<>();
        workers.get("default").forEach(w -> byId.put((String) w.get("worker_id"), w));
        for (Map.Entry<String, Truth> e : truth.entrySet()) {
            Map<String, Object> w = byId.get(e.getKey());
            Truth t = e.getValue();
            assertEquals(t.session(), w.get("agent_session_id"), e.getKey() + " has its own stream");
            assertEquals(t.exitCode(), w.get("exit_code"), e.getKey());
            assertEquals(t.exitCode() == 0 ? "exited" : "failed", w.get("process_status"), e.getKey());
            if (t.result() == null) {
                assertNull(w.get("result_status"), e.getKey());
                assertNull(w.get("result_at"), e.getKey());
            } else {
                assertEquals("completed", w.get("result_status"), e.getKey());
                // stream-json lines carry no time: the end is the last recorded line of the run's session file
                assertEquals(t.lastRecorded(), w.get("result_at"), e.getKey());
            }
        }
        Map<String, Object> first = byId.get("w-5d8f02");
        assertEquals("completed", first.get("status"), "exit 0 and a successful result: " + first);
        assertNotNull(first.get("completed_at"));
        assertTrue(((String) first.get("completed_at")).compareTo((String) first.get("result_at")) <= 0,
                "the earlier of the two ends: " + first);
        assertNull(first.get("failed_at"));
        assertNull(first.get("failure_reason"));
        Map<String, Object> crashed = byId.get("w-a41c6e");
        assertEquals("failed", crashed.get("status"), crashed.toString());
        assertNull(crashed.get("completed_at"), "no transcript completed it: " + crashed);
        assertNotNull(crashed.get("failed_at"));
        assertEquals("exited with status 1", crashed.get("failure_reason"));
        assertEquals("completed", byId.get("w-c7e019").get("status"));

        String answer = answers.get("default");
        assertTrue(answer.contains("w-5d8f02,completed,"), answer);
        assertTrue(answer.contains("w-a41c6e,failed,"), answer);
        assertTrue(answer.contains("w-c7e019,completed,"), answer);
    }

    @Test
    void eitherSourceReadFirstGivesTheSameEnds() throws IOException {
        Map<String, List<Map<String, Object>>> ends = new LinkedHashMap<>();
        for (int lines : new int[] {5000, 1}) {
            for (boolean logFirst : new boolean[] {true, false}) {
                Path db = tmp.resolve("order-" + lines + "-" + logFirst + ".db");
                try (CoordinatorHarness h = CoordinatorHarness.db(db).log(DEMO.resolve("coordinator.log"))
                        .transcripts(DEMO.resolve("logs"), DEMO.resolve("projects")).backfill().batchLines(lines)
                        .start()) {
                    h.pump(logFirst ? SourceKinds.COORDINATOR_LOG : SourceKinds.TRANSCRIPTS);
                    h.pump(logFirst ? SourceKinds.TRANSCRIPTS : SourceKinds.COORDINATOR_LOG);
                    h.finishBackfill();
                }
                ends.put((logFirst ? "coordinator.log first" : "transcripts first") + ", batches of " + lines,
                        // the reaper lines' estimated times rest on anchors, and the anchor of gh-601's spawn line
                        // depends on the order of arrival (a transcript-start or a spawn-started one, milliseconds
                        // apart): only whether the end times are set is compared here
                        Sql.rows(db, "SELECT worker_id, status, completed_at IS NOT NULL AS completed, failed_at IS "
                                + "NOT NULL AS failed, exit_code, failure_reason, agent_session_id, result_status, "
                                + "result_at, result_reason FROM worker_sessions WHERE task_id = 'gh-603' "
                                + "ORDER BY worker_id"));
            }
        }
        List<Map<String, Object>> first = ends.values().iterator().next();
        for (Map.Entry<String, List<Map<String, Object>>> e : ends.entrySet()) {
            assertEquals(first, e.getValue(), e.getKey());
        }
        Map<String, Truth> truth = truth();
        for (Map<String, Object> w : first) {
            Truth t = truth.get((String) w.get("worker_id"));
            assertEquals(t.session(), w.get("agent_session_id"), w.toString());
            assertEquals(t.result() == null ? (t.exitCode() == 0 ? "exited" : "failed") : t.exitCode() == 0
                    ? "completed" : "failed", w.get("status"), w.toString());
            assertEquals(t.result() != null || t.exitCode() == 0 ? 1 : 0, w.get("completed"),
                    "a successful result or an exit 0 completes: " + w);
        }
    }

    /** Each gh-603 worker's session, exit code, result subtype and last recorded time, from the demo's files. */
    private static Map<String, Truth> truth() throws IOException {
        Map<String, Integer> exits = new TreeMap<>();
        Matcher reaped = Pattern.compile("Reaped worker (w-[0-9a-f]+) \\(PID \\d+, exit (\\d+)\\)")
                .matcher(Files.readString(DEMO.resolve("coordinator.log"), StandardCharsets.UTF_8));
        while (reaped.find()) {
            exits.put(reaped.group(1), Integer.parseInt(reaped.group(2)));
        }
        Map<String, String> results = new TreeMap<>(); // session -> subtype
        for (String line : Files.readString(DEMO.resolve("logs/gh-603.jsonl"), StandardCharsets.UTF_8)
                .replace("\0", "").split("\n")) {
            if (line.startsWith("{\"type\": \"result\"") || line.startsWith("{\"type\":\"result\"")) {
                JsonNode n = JSON.readTree(line);
                results.put(n.get("session_id").asText(), n.get("subtype").asText()
                        + (n.get("is_error").asBoolean() ? " (error)" : ""));
            }
        }
        Map<String, Truth> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(DEMO.resolve("projects/-home-demo-orbit-trees-gh-603"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).toList()) {
                String worker = null;
                String last = null;
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    JsonNode n = JSON.readTree(line);
                    if (worker == null && n.hasNonNull("gitBranch")) {
                        worker = n.get("gitBranch").asText().replace("auto/", "");
                    }
                    if (n.hasNonNull("timestamp") && (last == null || n.get("timestamp").asText().compareTo(last) > 0)) {
                        last = n.get("timestamp").asText();
                    }
                }
                String session = f.getFileName().toString().replace(".jsonl", "");
                out.put(worker, new Truth(session, exits.get(worker), results.get(session), last));
            }
        }
        assertEquals(List.of("w-5d8f02", "w-a41c6e", "w-c7e019"), List.copyOf(out.keySet()));
        return out;
    }
}
