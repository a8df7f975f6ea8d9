package io.taclog.parse.tac8;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.taclog.testing.coordinator.CoordinatorHarness;
import io.taclog.testing.coordinator.Db;
import io.taclog.testing.coordinator.LogStory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TAC-8's own API-call log (logs/api/api-calls-<date>.jsonl) in the transcript directories: a row per
 * worker while its transcript has none, priced by taclog, never counted twice, replaced by the
 * transcript's per-call rows whichever arrives first.
 */
class ApiCallsLogIT {

    @TempDir
    Path tmp;

    private static String apiLine(String worker, String task, Integer in, Integer out) {
        return "{\"timestamp\": \"2025-11-05T09:00:03.412518\", \"task_id\": \"" + task + "\", \"worker_id\": \""
                + worker
                + "\", \"model\": \"claude-sonnet-4-5\", \"prompt_file\": \"/home/demo/orbit/logs/" + task
                + "-prompt.txt\", \"prompt_length\": 39, \"response_length\": null, \"tokens_input\": " + in
                + ", \"tokens_output\": " + out + ", \"tokens_total\": null, \"start_time\": 1762362003.412518, "
                + "\"end_time\": 1762362028.6, \"duration_seconds\": 25.187482, \"time_to_first_token\": null, "
                + "\"tokens_per_second\": null, \"success\": true, \"error_message\": null, \"exit_code\": 0, "
                + "\"settings\": {\"source\": \"gh\", \"priority\": 1}, \"estimated_cost_usd\": 99.0}";
    }

    private static String stream(String sid) {
        return "{\"type\":\"system\",\"subtype\":\"init\",\"session_id\":\"" + sid + "\",\"cwd\":\"/t/gh-1\"}\n"
                + "{\"type\":\"assistant\",\"message\":{\"model\":\"claude-sonnet-4-5-20250929\",\"id\":\"msg_a1\","
                + "\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],"
                + "\"usage\":{\"input_tokens\":10,\"output_tokens\":20,\"cache_read_input_tokens\":0,"
                + "\"cache_creation_input_tokens\":0}},\"parent_tool_use_id\":null,\"session_id\":\"" + sid + "\"}\n";
    }

    private Db pump(Path dir) {
        try (CoordinatorHarness h = CoordinatorHarness.db(tmp.resolve("t.db")).transcripts(dir)
                .set("taclog.coordinator.timezone", "America/Los_Angeles").start()) {
            h.pump();
        }
        return new Db(tmp.resolve("t.db"));
    }

    @Test
    void aWorkerWithoutTranscriptGetsOneRowPricedByTaclogAndACopyCountsOnce() throws Exception {
        Path logs = tmp.resolve("logs");
        new LogStory(logs.resolve("api/api-calls-2025-11-05.jsonl")).lines(apiLine("w-1", "gh-1", 1000, 200));
        Db db = pump(logs);
        Files.copy(logs.resolve("api/api-calls-2025-11-05.jsonl"), logs.resolve("api/copy-of-api-calls.jsonl"));
        pump(logs);
        Map<String, Object> c = db.row("SELECT * FROM api_calls");
        assertEquals("coordinator-api-log", c.get("source"));
        assertEquals("w-1", c.get("worker_id"));
        assertEquals(1000, c.get("tokens_input"));
        assertEquals(0.006, (Double) c.get("estimated_cost_usd"), 1e-9,
                "1000 x $3 + 200 x $15 per million, not its 99.0");
        assertEquals("2025-11-05T17:00:03.412Z", c.get("timestamp"));
        assertEquals(25187.482, (Double) c.get("duration_ms"), 1e-6);
        Map<String, Object> w = db.row("SELECT * FROM worker_sessions");
        assertEquals("coordinator", w.get("origin"));
        assertEquals("gh-1", w.get("task_id"));
        assertEquals("recorded", w.get("time_source"));
    }

    @Test
    void unknownTokensMeanAnUnknownCostNotZero() {
        Path logs = tmp.resolve("logs");
        new LogStory(logs.resolve("api/api-calls-2025-11-05.jsonl")).lines(apiLine("w-1", "gh-1", null, null));
        assertNull(pump(logs).row("SELECT estimated_cost_usd FROM api_calls").get("estimated_cost_usd"));
    }

    @Test
    void theTranscriptSupersedesTheLogWhicheverComesFirst() {
        Path first = tmp.resolve("logs"); // TAC-8's layout: the worker log names its task (logs/gh-1.jsonl)
        new LogStory(first.resolve("api/api-calls-2025-11-05.jsonl")).lines(apiLine("gh-1", "gh-1", 1000, 200));
        Db db = pump(first);
        assertEquals(1, db.count("SELECT COUNT(*) FROM api_calls WHERE source = 'coordinator-api-log'"));
        new LogStory(first.resolve("gh-1.jsonl"))
                .bytes(stream("s-1").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        pump(first);
        assertEquals(0, db.count("SELECT COUNT(*) FROM api_calls WHERE source = 'coordinator-api-log'"),
                "the transcript's calls replace the coordinator's estimate");
        assertEquals(1, db.count("SELECT COUNT(*) FROM api_calls"));

        new LogStory(first.resolve("api/api-calls-2025-11-06.jsonl")).lines(apiLine("gh-1", "gh-1", 5, 5)
                .replace("1762362003.412518", "1762448403.0"));
        pump(first);
        assertEquals(0, db.count("SELECT COUNT(*) FROM api_calls WHERE source = 'coordinator-api-log'"),
                "a log line after the transcript is not stored at all");
    }
}
