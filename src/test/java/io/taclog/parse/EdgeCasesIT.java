package io.taclog.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taclog.testing.Ledger;
import io.taclog.testing.transcripts.Fixtures;
import io.taclog.testing.SharedSamples;
import io.taclog.testing.transcripts.TranscriptDb;
import io.taclog.testing.transcripts.TranscriptHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Odd but real shapes never stop the ingest: string and array content, tool calls without results, failed
 * tool results, images, a "success" result that is an error, API errors on both formats, unknown record
 * types (skipped and counted by type), a torn line (quarantined), and the CURATED schema-coverage files.
 */
class EdgeCasesIT {

    private static final String STREAM = "edge/logs/gh-460.jsonl";
    private static final String SESSION_ID = "a7be9d0d-c73d-4037-93bd-1790c2a3d6f3";
    private static final String SESSION = "edge/projects/-tmp-edge-workspace/" + SESSION_ID + ".jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private TranscriptDb ingestEdgeFixtures(TranscriptHarness h, Path watch) {
        Fixtures.copy(STREAM, watch.resolve("logs/gh-460.jsonl"));
        Fixtures.copy(SESSION, watch.resolve(SESSION.substring("edge/".length())));
        h.pump();
        return new TranscriptDb(h.db());
    }

    @Test
    void oddStreamJsonShapesAreStoredAndNothingStopsTheFile() throws Exception {
        Path watch = tmp.resolve("watch");
        try (TranscriptHarness h = TranscriptHarness.db(tmp.resolve("taclog.db")).watch(watch).start()) {
            TranscriptDb db = ingestEdgeFixtures(h, watch);
            Path file = watch.resolve("logs/gh-460.jsonl");
            String w = "gh-460";

            assertEquals("Fix the failing BOM exporter test.", db.value("SELECT content FROM conversations WHERE "
                    + "worker_id = ? AND role = 'user' AND content_type = 'text'", w),
                    "string content is one text block");
            Map<String, Object> failed = db.rows("SELECT tool_name, tool_success, unanswered FROM tool_calls WHERE "
                    + "tool_name = 'Bash' AND worker_id = ?", w).get(0);
            assertEquals(0, ((Number) failed.get("tool_success")).intValue(), "is_error true is a failed tool call");
            Map<String, Object> orphan = db.rows("SELECT unanswered, answered_at FROM tool_calls WHERE tool_name = "
                    + "'Read' AND worker_id = ?", w).get(0);
            assertEquals(1, ((Number) orphan.get("unanswered")).intValue(), "a call without result is findable");
            assertNull(orphan.get("answered_at"));
            String shot = (String) db.value("SELECT tool_output FROM conversations WHERE tool_use_id = (SELECT "
                    + "tool_use_id FROM tool_calls WHERE tool_name LIKE '%screenshot')"
                    + " AND content_type = 'tool_result'");
            assertEquals("Took the screenshot.\n" + placeholder(STREAM), shot, "text and image parts of one result");
            assertEquals(1, db.count("FROM conversations WHERE content_type = 'tool_result' AND tool_success = 1 "
                    + "AND worker_id = ?", w), "no is_error field = success");

            Map<String, Object> run = db.rows("SELECT status, result_subtype, result_is_error, api_error_status, "
                    + "failure_reason FROM worker_sessions WHERE worker_id = ?", w).get(0);
            assertEquals(List.of("failed", "success", 1, 529), List.of(run.get("status"), run.get("result_subtype"),
                    ((Number) run.get("result_is_error")).intValue(),
                    ((Number) run.get("api_error_status")).intValue()),
                    "a success subtype with is_error true is a failed run: " + run);
            assertTrue(((String) run.get("failure_reason")).contains("529"), run.toString());

            Map<String, Object> apiError = db.rows("SELECT model, error_message, error_code, estimated_cost_usd, "
                    + "tokens_total FROM api_calls WHERE worker_id = ? AND success = 0", w).get(0);
            assertTrue(((String) apiError.get("error_message")).startsWith("API Error: 529"),
                    "the message, not only the kind: " + apiError);
            assertEquals("server_error", apiError.get("error_code"));
            assertNull(apiError.get("estimated_cost_usd"));
            assertEquals(2, db.count("FROM api_calls WHERE worker_id = ? AND success = 1", w));

            assertEquals(Map.of("claude-stream-json type rate_limit_event", 1L,
                    "claude-stream-json unknown type brand_new_event", 1L), db.skips(file));
            Ledger l = Ledger.read(h.db()).assertConsistent();
            assertEquals(1, l.rejects().size(), "the torn line is quarantined: " + l.rejects());
            Ledger.Reject torn = l.rejects().get(0);
            assertEquals(file.toString(), torn.path());
            assertEquals(offsetOfLine(file, 10), torn.offset(), "with its byte offset");
            assertTrue(torn.error().startsWith("invalid JSON"), torn.error());
            assertTrue(torn.head().startsWith("{\"type\":\"assistant\""), torn.head());
            assertEquals(Files.readAllLines(file).size(), l.current(file).linesRead(),
                    "lines after the torn one are read on");
            assertTrue(h.validate().ok(), h.validate().contentProblems().toString());
        }
    }

    @Test
    void oddSessionFileShapesAreStoredAndUnknownTypesCounted() throws Exception {
        Path watch = tmp.resolve("watch");
        try (TranscriptHarness h = TranscriptHarness.db(tmp.resolve("taclog.db")).watch(watch).start()) {
            TranscriptDb db = ingestEdgeFixtures(h, watch);
            Path file = watch.resolve(SESSION.substring("edge/".length()));
            String w = db.workerOfSession(SESSION_ID);
            assertEquals(SESSION_ID, w, "a session file alone names its worker by the session id");

            assertEquals(List.of("text", "image", "tool_use", "tool_result", "text", "compaction"),
                    db.rows("SELECT content_type FROM conversations WHERE worker_id = ? ORDER BY message_index", w)
                            .stream().map(r -> r.get("content_type")).toList());
            assertEquals(placeholder(SESSION), db.value("SELECT content FROM conversations WHERE worker_id = ? AND "
                    + "content_type = 'image'", w), "an image in a user message");
            assertEquals(600.0, ((Number) db.value("SELECT tool_latency_ms FROM tool_calls WHERE worker_id = ?", w))
                    .doubleValue(), 0.0, "latency from the recorded times of call and result");
            assertEquals(1500, db.scalar("SELECT tokens_cache_write_1h FROM api_calls WHERE worker_id = ? AND success "
                    + "= 1", w), "the 1-hour cache write of the call");

            Map<String, String> errors = new TreeMap<>();
            for (Map<String, Object> r : db.rows("SELECT error_message, model FROM api_calls WHERE worker_id = ? "
                    + "AND success = 0", w)) {
                errors.put((String) r.get("error_message"), (String) r.get("model"));
            }
            assertEquals(Map.of("Overloaded (retry 1/10)", "unknown", "Connection error. (retry 2/10)", "unknown",
                    "API Error: Connection error.", "<synthetic>"), errors,
                    "system api_error lines and the synthetic isApiErrorMessage line, each with its message");
            assertEquals(0, db.count("FROM system_events WHERE event_type = 'unknown_model'"),
                    "error rows have no tokens: nothing to price, nothing to warn about");

            assertEquals(Map.of("claude-session type attachment", 2L, "claude-session type file-history-snapshot", 1L,
                    "claude-session type summary", 1L, "claude-session unknown type hyperdrive-state", 1L),
                    db.skips(file), "an attachment that also carries a snake_case session_id is still session format");
            assertEquals(0, Ledger.read(h.db()).assertConsistent().rejects().stream()
                    .filter(r -> r.path().equals(file.toString())).count());
        }
    }

    @Test
    void curatedSchemaCoverageFilesIngestWithSkipsCountedByType() throws Exception {
        List<Path> curated = List.of(
                SharedSamples.file("claude-transcript/agent-sessions-CURATED-claude-small.jsonl"),
                SharedSamples.file("codex-rollout/agent-sessions-CURATED-codex-small.jsonl"),
                SharedSamples.file("gemini-cli/agent-sessions-CURATED-gemini-jsonl_v040.jsonl"));
        TranscriptHarness.Builder b = TranscriptHarness.db(tmp.resolve("taclog.db")).backfill();
        curated.forEach(b::watch);
        try (TranscriptHarness h = b.start()) {
            h.pump();
            TranscriptDb db = new TranscriptDb(h.db());
            Ledger l = Ledger.read(h.db()).assertConsistent();
            for (Path f : curated) {
                long lines = Files.readAllLines(f, StandardCharsets.UTF_8).stream().filter(s -> !s.isBlank()).count();
                assertEquals(lines, l.current(f).linesRead(), f + " read to its end");
                assertEquals(0, l.current(f).rejected(), f + ": every line is JSON, none is rejected");
            }
            Map<String, Long> types = typeCounts(curated.get(0));
            assertEquals(38L, types.get("attachment"));
            assertEquals(types.get("attachment"), db.skips(curated.get(0)).get("claude-session type attachment"),
                    "every attachment line is skipped as the session format's attachment");
            assertEquals(typeCounts(curated.get(1)).get("world_state"),
                    db.skips(curated.get(1)).get("codex-rollout unknown type world_state"));
            assertTrue(db.skips(curated.get(2)).values().stream().mapToLong(Long::longValue).sum() > 0,
                    "gemini lines are skipped, not rejected");
            assertTrue(h.validate().ok(), h.validate().contentProblems().toString());
        }
    }

    /** The placeholder of the (only) base64 image in a fixture, from our own decoding and hashing. */
    private static String placeholder(String fixture) throws Exception {
        for (String line : Fixtures.lines(fixture)) {
            int at = line.indexOf("\"type\":\"base64\"");
            if (at < 0) {
                continue;
            }
            JsonNode src = find(JSON.readTree(line));
            byte[] bytes = Base64.getDecoder().decode(src.path("data").asText());
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            return "[image " + src.path("media_type").asText() + ", " + bytes.length + " bytes, sha256 " + sha + "]";
        }
        throw new AssertionError("no image in " + fixture);
    }

    private static JsonNode find(JsonNode n) {
        if (n.isObject() && "base64".equals(n.path("type").asText())) {
            return n;
        }
        for (JsonNode c : n) {
            JsonNode f = find(c);
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    private static long offsetOfLine(Path file, int index) throws Exception {
        byte[] b = Files.readAllBytes(file);
        int line = 0;
        for (int i = 0; i < b.length; i++) {
            if (line == index) {
                return i;
            }
            if (b[i] == '\n') {
                line++;
            }
        }
        throw new AssertionError("no line " + index);
    }

    private static Map<String, Long> typeCounts(Path f) throws Exception {
        Map<String, Long> out = new TreeMap<>();
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                JsonNode r = JSON.readTree(line);
                String t = r.has("payload") ? r.path("payload").path("type").asText(r.path("type").asText())
                        : r.path("type").asText();
                out.merge(t, 1L, Long::sum);
            }
        }
        return out;
    }
}
