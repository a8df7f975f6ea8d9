package io.taclog.parse.claude;

import com.fasterxml.jackson.databind.JsonNode;
import io.taclog.ingest.LineOutcome;
import io.taclog.ingest.ParseContext;
import io.taclog.ingest.RecordHandler;
import io.taclog.ingest.SkipReasons;
import io.taclog.model.ApiCallObserved;
import io.taclog.model.Fact;
import io.taclog.model.StreamRef;
import io.taclog.model.StreamStarted;
import io.taclog.model.TimeSource;
import io.taclog.model.Times;
import io.taclog.model.TokenUsage;
import io.taclog.model.WorkerResultReported;
import io.taclog.parse.Json;
import io.taclog.parse.TranscriptPaths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Claude Code headless {@code --output-format stream-json} output (what a coordinator captures per
 * worker). Every record is attributed by its own {@code session_id}, never by its position, because
 * one file can hold several workers' streams. Lines carry no timestamps: the observed time is used
 * (or a recorder wrapper's {@code {"timestamp":…,"raw":…}} time).
 */
public final class ClaudeStreamJsonHandler implements RecordHandler {

    public static final String FORMAT = "claude-stream-json";
    /** Per-file state key: the session whose line came last (stderr text is attributed to it). */
    public static final String LAST_SESSION = "lastSession";

    private final TranscriptPaths paths;
    private final ClaudeBlocks blocks;

    public ClaudeStreamJsonHandler(TranscriptPaths paths, boolean keepImages) {
        this.paths = paths;
        this.blocks = new ClaudeBlocks(keepImages);
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public boolean accepts(JsonNode r, ParseContext ctx) {
        JsonNode rec = unwrap(r);
        // Session files of recent versions put a snake_case session_id on some lines too (attachment,
        // system/api_refusal); their camelCase envelope (sessionId, parentUuid) never occurs in stream-json,
        // and without this check such lines were parsed as stream-json (no recorded time, wrong skip reason).
        return rec.path("session_id").isTextual() && rec.path("type").isTextual() && !rec.has("sessionId")
                && !rec.has("parentUuid");
    }

    /** The CLI record inside a recorder wrapper {@code {"timestamp":<unix>,"raw":{…}}}, else the record. */
    static JsonNode unwrap(JsonNode r) {
        JsonNode raw = r.get("raw");
        return raw != null && raw.isObject() && r.path("timestamp").isNumber() ? raw : r;
    }

    @Override
    public LineOutcome handle(JsonNode r, ParseContext ctx) {
        JsonNode rec = unwrap(r);
        boolean wrapped = rec != r;
        Instant recorded = wrapped ? Times.fromEpochSeconds(r.get("timestamp").asDouble()) : null;
        if (wrapped && recorded == null) {
            return LineOutcome.reject("recorder timestamp " + r.get("timestamp") + " is not a plausible time");
        }
        Instant at = wrapped ? recorded : ctx.observedAt();
        String timeSource = wrapped ? TimeSource.RECORDED : TimeSource.OBSERVED;
        String sid = rec.get("session_id").asText();
        ctx.state().put(LAST_SESSION, sid);
        StreamRef ref = paths.streamRef(sid, "claude-code", ctx.path());
        String type = rec.get("type").asText();
        List<Fact> out = new ArrayList<>();
        switch (type) {
            case "system" -> {
                String subtype = Json.text(rec, "subtype");
                if (!"init".equals(subtype)) {
                    return LineOutcome.skip(SkipReasons.ignoredType(FORMAT, "system/" + subtype));
                }
                out.add(new StreamStarted(ref, at, timeSource, Json.text(rec, "model"), Json.text(rec, "cwd"),
                        Json.text(rec, "claude_code_version")));
            }
            case "assistant" -> assistant(rec, ref, at, timeSource, ctx, out);
            case "user" -> {
                JsonNode msg = rec.path("message");
                String parent = Json.text(rec, "parent_tool_use_id");
                blocks.addBlocks(new ClaudeBlocks.Message(ref, at, timeSource, "user", parent != null, parent, null,
                        null, Json.text(rec, "uuid")), msg.get("content"), ctx, out);
            }
            case "result" -> out.add(result(rec, ref, at, timeSource));
            case "stream_event" -> {
                // partial-message deltas: the complete assistant lines follow and carry the same content
                return LineOutcome.skip(SkipReasons.ignoredType(FORMAT, type));
            }
            case "rate_limit_event", "conversation_reset", "keep_alive" -> {
                return LineOutcome.skip(SkipReasons.ignoredType(FORMAT, type));
            }
            default -> {
                return LineOutcome.skip(SkipReasons.unknownType(FORMAT, type));
            }
        }
        return LineOutcome.rows(out);
    }

    private void assistant(JsonNode rec, StreamRef ref, Instant at, String timeSource, ParseContext ctx,
                           List<Fact> out) {
        JsonNode msg = rec.path("message");
        String messageId = Json.text(msg, "id");
        String model = Json.text(msg, "model");
        String parent = Json.text(rec, "parent_tool_use_id");
        boolean sidechain = parent != null;
        blocks.addBlocks(new ClaudeBlocks.Message(ref, at, timeSource, "assistant", sidechain, parent, messageId,
                model, Json.text(rec, "uuid")), msg.get("content"), ctx, out);
        String error = Json.text(rec, "error");
        boolean synthetic = "<synthetic>".equals(model) || Json.flag(rec, "isApiErrorMessage");
        if (messageId == null || synthetic && error == null) {
            return; // not a billed API response
        }
        TokenUsage usage = ClaudeUsage.of(msg.get("usage"));
        // `error` is only a kind (rate_limit, server_error, ...); the message is the synthetic line's text
        String message = error == null ? null : Objects.requireNonNullElse(
                ClaudeSessionHandler.firstText(msg.get("content")), error);
        out.add(new ApiCallObserved(ref, "anthropic:" + messageId, messageId, null, at, timeSource, model,
                "anthropic", usage, error == null, message, error, sidechain, FORMAT));
    }

    private static WorkerResultReported result(JsonNode rec, StreamRef ref, Instant at, String timeSource) {
        Long apiStatus = Json.optionalLong(rec, "api_error_status");
        JsonNode usage = rec.get("usage");
        return new WorkerResultReported(ref, at, timeSource, Json.optionalDouble(rec, "total_cost_usd"),
                Json.optionalDouble(rec, "duration_ms"), Json.optionalDouble(rec, "duration_api_ms"),
                rec.path("num_turns").isNumber() ? rec.get("num_turns").asInt() : null, Json.text(rec, "subtype"),
                Json.flag(rec, "is_error"), Json.text(rec, "result"), usage == null ? null : usage.toString(),
                ClaudeUsage.modelUsage(rec.get("modelUsage")), apiStatus == null ? null : apiStatus.intValue());
    }
}
