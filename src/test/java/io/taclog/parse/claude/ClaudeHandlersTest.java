package io.taclog.parse.claude;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.taclog.config.ConfigKeys;
import io.taclog.config.TaclogConfig;
import io.taclog.ingest.BatchParser;
import io.taclog.ingest.LineOutcome;
import io.taclog.ingest.ParseContext;
import io.taclog.model.ModelUsage;
import io.taclog.model.WorkerResultReported;
import io.taclog.parse.TranscriptPaths;
import io.taclog.source.SourceFile;
import io.taclog.testing.SharedSamples;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which Claude handler takes a record (format from content), and what a real result message reports. */
class ClaudeHandlersTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final TranscriptPaths paths = new TranscriptPaths(TaclogConfig.defaults().get(ConfigKeys.WORKER_ID_PATTERN),
            TaclogConfig.defaults().get(ConfigKeys.TASK_PATTERN));
    private final ClaudeStreamJsonHandler stream = new ClaudeStreamJsonHandler(paths, false);
    private final ClaudeSessionHandler session = new ClaudeSessionHandler(paths, false);

    private static ParseContext ctx() {
        return new ParseContext(new SourceFile(1, "/logs/gh-1.jsonl", "transcripts"), Instant.EPOCH, false,
                BatchParser.parseState(null));
    }

    @Test
    void streamJsonAndSessionLinesAreToldApartByTheirEnvelope() throws Exception {
        JsonNode streamLine = JSON.readTree("{\"type\":\"assistant\",\"message\":{},\"parent_tool_use_id\":null,"
                + "\"session_id\":\"s1\",\"uuid\":\"u1\"}");
        JsonNode wrapped = JSON.readTree("{\"timestamp\":1752500000.5,\"raw\":" + streamLine + "}");
        JsonNode sessionLine = JSON.readTree("{\"parentUuid\":null,\"isSidechain\":false,\"sessionId\":\"s1\","
                + "\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"hi\"},\"uuid\":\"u2\","
                + "\"timestamp\":\"2026-01-01T00:00:00.000Z\"}");
        // recent session files add a snake_case session_id to some lines (attachment, system/api_refusal)
        JsonNode both = JSON.readTree("{\"parentUuid\":\"u2\",\"isSidechain\":false,\"attachment\":{\"type\":"
                + "\"task_reminder\"},\"type\":\"attachment\",\"uuid\":\"u3\","
                + "\"timestamp\":\"2026-01-01T00:00:01.000Z\","
                + "\"session_id\":\"s1\",\"sessionId\":\"s1\"}");
        JsonNode summary = JSON.readTree("{\"type\":\"summary\",\"summary\":\"x\",\"leafUuid\":\"u9\"}");
        for (JsonNode s : List.of(streamLine, wrapped)) {
            assertTrue(stream.accepts(s, ctx()), s.toString());
            assertFalse(session.accepts(s, ctx()), s.toString());
        }
        for (JsonNode s : List.of(sessionLine, both, summary)) {
            assertFalse(stream.accepts(s, ctx()), s.toString());
            assertTrue(session.accepts(s, ctx()), s.toString());
        }
        assertEquals(new LineOutcome.Skipped("claude-session type attachment"), session.handle(both, ctx()));
    }

    @Test
    void aRealResultMessageReportsItsCostDurationsAndEveryModel() throws Exception {
        // gleam-sdk result_success.json: one pretty-printed result object of CLI 2.1.4 (not a line stream)
        JsonNode result = JSON.readTree(Files.readString(SharedSamples.file(
                "claude-stream-json/gleam-sdk-v2.1.4-result_success.json")));
        LineOutcome o = stream.handle(result, ctx());
        WorkerResultReported r = (WorkerResultReported) assertInstanceOf(LineOutcome.Rows.class, o).facts().get(0);
        assertEquals(0.24722425, r.totalCostUsd(), 0.0);
        assertEquals(8722.0, r.durationMs(), 0.0);
        assertEquals(21034.0, r.durationApiMs(), 0.0);
        assertEquals(2, r.numTurns());
        assertEquals("success", r.subtype());
        assertFalse(r.isError());
        assertEquals(List.of(new ModelUsage("claude-opus-4-5-20251101", 38, 765, 28775, 31159, 0, 0.22844625, 200000L)),
                r.modelUsage(), "modelUsage, larger than usage (18 in / 424 out) in this capture");
        assertEquals("40e7b02d-c0f9-4876-9010-f514d4eb0603", r.stream().agentSessionId());
    }

    @Test
    void aSuccessResultWithIsErrorTrueIsAnErrorWithItsApiStatus() throws Exception {
        JsonNode result = JSON.readTree("{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":true,"
                + "\"api_error_status\":529,\"duration_ms\":40211,\"num_turns\":3,\"result\":\"API Error: 529\","
                + "\"session_id\":\"s1\",\"total_cost_usd\":0.02}");
        LineOutcome.Rows rows = (LineOutcome.Rows) stream.handle(result, ctx());
        WorkerResultReported r = (WorkerResultReported) rows.facts().get(0);
        assertTrue(r.isError());
        assertEquals(529, r.apiErrorStatus());
    }

    @Test
    void theMessageOfASystemApiErrorIsFoundInEachShapeClaudeCodeWrites() throws Exception {
        assertEquals("Connection error.", ClaudeSessionHandler.apiErrorMessage(JSON.readTree(
                "{\"message\":\"Connection error.\",\"connection\":{\"code\":\"ECONNRESET\"}}")));
        assertEquals("Overloaded", ClaudeSessionHandler.apiErrorMessage(JSON.readTree(
                "{\"status\":529,\"error\":{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                        + "\"message\":\"Overloaded\"}}}")));
        assertEquals("invalid x-api-key", ClaudeSessionHandler.apiErrorMessage(JSON.readTree(
                "{\"status\":401,\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}")));
        assertEquals("{\"status\":0,\"headers\":{}}", ClaudeSessionHandler.apiErrorMessage(JSON.readTree(
                "{\"status\":0,\"headers\":{}}")), "no message anywhere: the object itself");
        assertEquals("rate limited", ClaudeSessionHandler.apiErrorMessage(JSON.readTree("\"rate limited\"")));
    }
}
