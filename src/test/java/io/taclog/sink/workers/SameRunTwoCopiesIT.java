package io.taclog.sink.workers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.taclog.testing.transcripts.Fixtures;
import io.taclog.testing.transcripts.RawTranscript;
import io.taclog.testing.transcripts.TranscriptDb;
import io.taclog.testing.transcripts.TranscriptHarness;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * One Claude Code run seen twice: the stream-json the coordinator captured ({@code logs/gh-451.jsonl}, no
 * timestamps) and Claude's own session file ({@code projects/-...-trees-gh-451/<session>.jsonl}, with
 * timestamps and request ids). Whatever arrives first, it is one worker named after the log file, each API
 * call is counted once with the largest usage either copy shows, each block is stored once, and the session
 * file's recorded times replace the observed ones.
 */
class SameRunTwoCopiesIT {

    private static final String SESSION = "8e9b5cd6-a73a-4bc2-9594-6515ee2b28d3";
    private static final String STREAM = "pair/logs/gh-451.jsonl";
    private static final String SESSION_FILE =
            "pair/projects/-home-shane-Desktop-circuit-synth-trees-gh-451/" + SESSION + ".jsonl";

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} first")
    @ValueSource(strings = {"stream-json", "session file"})
    void isOneWorkerWhoseCallsCountOnceAndWhoseRowsCarryTheRecordedTimes(String first) {
        Path watch = tmp.resolve("watch");
        List<String> order = first.equals("stream-json") ? List.of(STREAM, SESSION_FILE)
                : List.of(SESSION_FILE, STREAM);
        try (TranscriptHarness h = TranscriptHarness.db(tmp.resolve("taclog.db")).watch(watch).start()) {
            for (String f : order) {
                Fixtures.copy(f, watch.resolve(f.substring("pair/".length())));
                h.pump();
            }
            TranscriptDb db = new TranscriptDb(h.db());
            RawTranscript stream = RawTranscript.of("stream", Fixtures.lines(STREAM));
            RawTranscript session = RawTranscript.of("session", Fixtures.lines(SESSION_FILE));

            assertEquals(1, db.count("FROM worker_sessions"), "one worker for both copies");
            String worker = db.workerOfSession(SESSION);
            assertEquals("gh-451", worker, "named after the stream-json file's stem, whichever came first");
            assertEquals("gh-451", db.value("SELECT task_id FROM worker_sessions"));

            assertEquals(RawTranscript.claudeCallsAcross(stream, session), db.callsByModelOfWorker(worker),
                    "each response once, with the largest usage either copy shows");
            Set<String> blocks = new TreeSet<>(stream.blockKeys());
            blocks.removeIf(k -> k.startsWith("b|") || k.startsWith("s|")); // positional keys differ per file
            blocks.addAll(session.blockKeys());
            assertEquals(blocks.size(), db.count("FROM conversations WHERE worker_id = ?", worker),
                    "each block once: the union of both copies (the session file adds the prompt)");

            Map<String, String> recorded = firstRecordedTimes(session);
            List<Map<String, Object>> calls = db.rows("SELECT message_id, request_id, timestamp, time_source "
                    + "FROM api_calls");
            assertEquals(3, calls.size());
            for (Map<String, Object> c : calls) {
                assertEquals("recorded", c.get("time_source"));
                assertEquals(recorded.get((String) c.get("message_id")), c.get("timestamp"));
                assertNotNull(c.get("request_id"), "the session file's request id is kept");
            }
            for (Map<String, Object> r : db.rows("SELECT content_type, timestamp, time_source FROM conversations")) {
                assertEquals("recorded", r.get("time_source"), "every block is also in the session file: " + r);
            }
            Map<String, Object> w = db.rows("SELECT spawned_at, first_activity_at, time_source FROM worker_sessions")
                    .get(0);
            Object earliest = db.value("SELECT MIN(timestamp) FROM conversations");
            assertEquals("recorded", w.get("time_source"), "the worker's start comes from the session file too");
            assertEquals(earliest, w.get("spawned_at"));
            assertEquals(earliest, w.get("first_activity_at"));
            for (Map<String, Object> t : db.rows("SELECT tool_use_id, unanswered, tool_latency_ms, called_at, "
                    + "answered_at FROM tool_calls")) {
                assertEquals(0, ((Number) t.get("unanswered")).intValue());
                assertNotNull(t.get("tool_latency_ms"), "latency from recorded times: " + t);
                assertTrue(((Number) t.get("tool_latency_ms")).doubleValue() > 0, t.toString());
            }
            assertEquals(stream.result().path("total_cost_usd").asDouble(),
                    ((Number) db.value("SELECT reported_cost_usd FROM worker_sessions")).doubleValue(), 0.0);
            assertEquals(1, db.count("FROM agent_sessions"));
            assertTrue(h.validate().ok(), "taclog validate: " + h.validate().contentProblems());
        }
    }

    /** The timestamp of the first session-file line of each API response. */
    private static Map<String, String> firstRecordedTimes(RawTranscript session) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode r : session.records()) {
            if ("assistant".equals(r.path("type").asText())) {
                out.putIfAbsent(r.path("message").path("id").asText(), r.path("timestamp").asText());
            }
        }
        return out;
    }
}
