package io.taclog.parse.tac8;

import com.fasterxml.jackson.databind.JsonNode;
import io.taclog.ingest.LineOutcome;
import io.taclog.ingest.ParseContext;
import io.taclog.ingest.RecordHandler;
import io.taclog.model.TimeSource;
import io.taclog.model.Times;
import io.taclog.model.coordinator.ApiCallLogged;
import io.taclog.parse.Json;
import java.time.Instant;

/**
 * TAC-8's own API-call log ({@code logs/api/api-calls-<date>.jsonl}, research section 5), found in the
 * transcript directories and told apart by content: a record with {@code task_id}, {@code worker_id}
 * and the logger's fields. Field names of the repository's own docs ({@code prompt_tokens},
 * {@code completion_tokens}) are accepted too. Its token counts are usually null: the worker's
 * transcript is the truth and replaces these rows when it arrives.
 */
public final class ApiCallsLogHandler implements RecordHandler {

    public static final String FORMAT = "tac8-api-calls";

    private final LocalTimes times;

    public ApiCallsLogHandler(LocalTimes times) {
        this.times = times;
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public boolean accepts(JsonNode r, ParseContext ctx) {
        return r.path("task_id").isTextual() && r.path("worker_id").isTextual() && !r.has("session_id")
                && !r.has("type") && (r.has("prompt_file") || r.has("tokens_input") || r.has("prompt_tokens"));
    }

    @Override
    public LineOutcome handle(JsonNode r, ParseContext ctx) {
        String worker = r.get("worker_id").asText();
        String task = r.get("task_id").asText();
        Instant start = r.path("start_time").isNumber() ? Times.fromEpochSeconds(r.get("start_time").asDouble()) : null;
        Instant stamp = start != null ? start : times.instant(Json.text(r, "timestamp"));
        if (stamp == null) {
            return LineOutcome.reject("api-calls record of " + worker + " without start_time or a readable timestamp");
        }
        Long in = firstLong(r, "tokens_input", "prompt_tokens");
        Long out = firstLong(r, "tokens_output", "completion_tokens");
        Double duration = Json.optionalDouble(r, "duration_seconds");
        Integer exit = r.path("exit_code").isIntegralNumber() ? r.get("exit_code").asInt() : null;
        Boolean success = r.path("success").isBoolean() ? r.get("success").asBoolean() : null;
        String key = "coordinator-api-log:" + worker + ":" + Times.format(stamp);
        return LineOutcome.rows(new ApiCallLogged(task, worker, stamp, TimeSource.RECORDED, Json.text(r, "model"),
                Json.text(r, "prompt_file"), in, out, duration, Json.optionalDouble(r, "tokens_per_second"), success,
                Json.text(r, "error_message"), exit, Json.optionalDouble(r, "estimated_cost_usd"), key));
    }

    private static Long firstLong(JsonNode r, String... fields) {
        for (String f : fields) {
            Long v = Json.optionalLong(r, f);
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
