package io.taclog.sink.transcript;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taclog.testing.transcripts.StreamJson;
import io.taclog.testing.transcripts.TranscriptDb;
import io.taclog.testing.transcripts.TranscriptHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tool result is paired with its call by tool_use id whatever separates them (batches, a restart, the
 * result written first), and the latency is computed when both times were recorded by the producer.
 */
class ToolPairingIT {

    private static final String MODEL = "claude-sonnet-4-5-20250929";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static void append(Path file, String... lines) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, String.join("\n", lines) + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static Map<String, Object> pair(TranscriptDb db, String toolUseId) {
        List<Map<String, Object>> rows = db.rows("SELECT tool_name, unanswered, tool_success, tool_latency_ms FROM "
                + "tool_calls WHERE tool_use_id = ?", toolUseId);
        assertEquals(1, rows.size(), "one tool_calls row for " + toolUseId + ": " + rows);
        return rows.get(0);
    }

    @Test
    void aResultInALaterBatchOrAfterARestartIsPairedWithItsCall() throws IOException {
        Path logs = tmp.resolve("logs");
        Path log = logs.resolve("gh-7.jsonl");
        StreamJson s = new StreamJson("7a7a7a7a-0000-4000-8000-000000000001");
        try (TranscriptHarness h = TranscriptHarness.db(tmp.resolve("taclog.db")).watch(logs).start()) {
            TranscriptDb db = new TranscriptDb(h.db());
            append(log, s.init(MODEL, "/w/trees/gh-7"),
                    s.toolUse("msg_01P1", MODEL, "toolu_01Later", "Bash", 3, 9, 0, 0),
                    s.toolUse("msg_01P1", MODEL, "toolu_01Restart", "Grep", 3, 40, 0, 0));
            h.pump();
            assertEquals(1, ((Number) pair(db, "toolu_01Later").get("unanswered")).intValue(), "not answered yet");

            append(log, s.toolResult("toolu_01Later", "ok", null));
            h.pump();
            Map<String, Object> later = pair(db, "toolu_01Later");
            assertEquals(0, ((Number) later.get("unanswered")).intValue());
            assertEquals(1, ((Number) later.get("tool_success")).intValue(), "no is_error = success");
            assertEquals("Bash", db.value("SELECT tool_name FROM conversations WHERE tool_use_id = 'toolu_01Later' "
                    + "AND content_type = 'tool_result'"), "the result row names its tool");
            assertNull(later.get("tool_latency_ms"), "observed times say nothing about the tool's latency");

            h.restart();
            append(log, s.toolResult("toolu_01Restart", "grep: bad pattern", true));
            h.pump();
            Map<String, Object> restarted = pair(db, "toolu_01Restart");
            assertEquals(0, ((Number) restarted.get("unanswered")).intValue());
            assertEquals(0, ((Number) restarted.get("tool_success")).intValue());
            assertEquals("Grep", db.value("SELECT tool_name FROM conversations WHERE tool_use_id = 'toolu_01Restart' "
                    + "AND content_type = 'tool_result'"));
        }
    }

    @Test
    void aResumedSessionRepeatsItsParentsToolIdsAndEachStreamPairsOnlyItsOwn() throws IOException {
        // a resumed (or forked) session copies its parent's lines, tool ids included, into a file of its own
        Path logs = tmp.resolve("resumed");
        StreamJson parent = new StreamJson("9c9c9c9c-0000-4000-8000-000000000001");
        StreamJson resumed = new StreamJson("9c9c9c9c-0000-4000-8000-000000000002");
        StreamJson forked = new StreamJson("9c9c9c9c-0000-4000-8000-000000000003");
        try (TranscriptHarness h = TranscriptHarness.db(tmp.resolve("resumed.db")).watch(logs).start()) {
            TranscriptDb db = new TranscriptDb(h.db());
            append(logs.resolve("gh-9.jsonl"), parent.init(MODEL, "/w/trees/gh-9"),
                    parent.toolUse("msg_01R1", MODEL, "toolu_01Shared", "Bash", 3, 9, 0, 0),
                    parent.toolResult("toolu_01Shared", "from the parent", null));
            h.pump();
            // the copy comes first in the resumed file, its own work after it; the fork copies the call only
            append(logs.resolve("gh-9-resumed.jsonl"), resumed.init(MODEL, "/w/trees/gh-9"),
                    resumed.toolUse("msg_01R1", MODEL, "toolu_01Shared", "Bash", 3, 9, 0, 0),
                    resumed.toolResult("toolu_01Shared", "from the parent", null),
                    resumed.toolUse("msg_01R2", MODEL, "toolu_01Own", "Read", 3, 9, 0, 0),
                    resumed.toolResult("toolu_01Own", "boom", true));
            append(logs.resolve("gh-9-fork.jsonl"), forked.init(MODEL, "/w/trees/gh-9"),
                    forked.toolUse("msg_01R1", MODEL, "toolu_01Shared", "Bash", 3, 9, 0, 0));
            h.pump();

            List<Map<String, Object>> shared = db.rows("SELECT worker_id, unanswered FROM tool_calls "
                    + "WHERE tool_use_id = 'toolu_01Shared' ORDER BY worker_id");
            assertEquals(List.of(Map.of("worker_id", "gh-9", "unanswered", 0),
                    Map.of("worker_id", "gh-9-fork", "unanswered", 1),
                    Map.of("worker_id", "gh-9-resumed", "unanswered", 0)), shared,
                    "one call per stream; the fork's call has no result in its own stream and takes none from another");
            assertEquals(0, ((Number) pair(db, "toolu_01Own").get("tool_success")).intValue());
            assertEquals(1L, db.count("FROM conversations WHERE tool_use_id = 'toolu_01Shared' AND worker_id = "
                    + "'gh-9' AND content_type = 'tool_result'"), "the parent's result is stored once in its stream");
            assertEquals(1, ((Number) db.value("SELECT COUNT(*) FROM api_calls WHERE message_id = 'msg_01R1'"))
                    .intValue(), "the copied response is one API call, counted once across the copies");
        }
    }

    @Test
    void aResultWrittenBeforeItsCallIsPairedWhenTheCallArrivesWithTheLatencyOfTheRecordedTimes() throws IOException {
        Path project = tmp.resolve("projects/-w-trees-gh-8");
        String sid = "8b8b8b8b-0000-4000-8000-000000000002";
        Path file = project.resolve(sid + ".jsonl");
        try (TranscriptHarness h = TranscriptHarness.db(tmp.resolve("taclog.db")).watch(tmp.resolve("projects"))
                .start()) {
            TranscriptDb db = new TranscriptDb(h.db());
            // session lines are not written in time order (compaction, resumes): the result comes first
            append(file, sessionResult(sid, "toolu_01Early", "2026-03-01T10:00:02.750Z"));
            h.pump();
            assertEquals(0, db.count("FROM tool_calls"), "no call yet");
            assertEquals(1, db.count("FROM conversations WHERE content_type = 'tool_result' AND tool_name IS NULL"));

            append(file, sessionCall(sid, "msg_01Q1", "toolu_01Early", "Read", "2026-03-01T10:00:01.000Z"));
            h.pump();
            Map<String, Object> p = pair(db, "toolu_01Early");
            assertEquals(0, ((Number) p.get("unanswered")).intValue());
            assertEquals("Read", p.get("tool_name"));
            assertEquals(1750.0, ((Number) p.get("tool_latency_ms")).doubleValue(), 0.0);
            assertEquals("Read", db.value("SELECT tool_name FROM conversations WHERE content_type = 'tool_result'"));
        }
    }

    @Test
    void recorderTimestampsOfWrappedStreamJsonGiveTheLatency() throws IOException {
        Path logs = tmp.resolve("logs");
        StreamJson s = new StreamJson("9c9c9c9c-0000-4000-8000-000000000003");
        try (TranscriptHarness h = TranscriptHarness.db(tmp.resolve("taclog.db")).watch(logs).start()) {
            append(logs.resolve("run.wrapped.jsonl"), wrap(1752500000.125, s.init(MODEL, "/w")),
                    wrap(1752500001.5, s.toolUse("msg_01W1", MODEL, "toolu_01Wrapped", "Bash", 3, 9, 0, 0)),
                    wrap(1752500004.0, s.toolResult("toolu_01Wrapped", "done", false)));
            h.pump();
            Map<String, Object> p = pair(new TranscriptDb(h.db()), "toolu_01Wrapped");
            assertEquals(2500.0, ((Number) p.get("tool_latency_ms")).doubleValue(), 0.0);
            assertEquals(1, ((Number) p.get("tool_success")).intValue(), "is_error false = success");
        }
    }

    private static String wrap(double unixSeconds, String line) throws IOException {
        ObjectNode w = JSON.createObjectNode().put("timestamp", unixSeconds);
        w.set("raw", JSON.readTree(line));
        return w.toString();
    }

    private static ObjectNode envelope(String sid, String type, String uuid, String timestamp) {
        return JSON.createObjectNode().putNull("parentUuid").put("isSidechain", false).put("userType", "external")
                .put("cwd", "/w/trees/gh-8").put("sessionId", sid).put("version", "2.1.29").put("gitBranch", "")
                .put("type", type).put("uuid", uuid).put("timestamp", timestamp);
    }

    private static String sessionCall(String sid, String messageId, String toolUseId, String name, String at) {
        ObjectNode r = envelope(sid, "assistant", "uuid-call-" + toolUseId, at);
        ObjectNode m = r.putObject("message").put("model", MODEL).put("id", messageId).put("type", "message")
                .put("role", "assistant");
        ObjectNode b = m.putArray("content").addObject().put("type", "tool_use").put("id", toolUseId).put("name", name);
        b.putObject("input").put("file_path", "/w/trees/gh-8/README.md");
        m.putObject("usage").put("input_tokens", 3).put("cache_creation_input_tokens", 0)
                .put("cache_read_input_tokens", 900).put("output_tokens", 30);
        r.put("requestId", "req_011CQ1");
        return r.toString();
    }

    private static String sessionResult(String sid, String toolUseId, String at) {
        ObjectNode r = envelope(sid, "user", "uuid-result-" + toolUseId, at);
        r.putObject("message").put("role", "user").putArray("content").addObject().put("tool_use_id", toolUseId)
                .put("type", "tool_result").put("content", "# gh-8");
        return r.toString();
    }
}
