package io.taclog.parse.claude;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.taclog.ingest.LineOutcome;
import io.taclog.ingest.ParseContext;
import io.taclog.ingest.RecordHandler;
import io.taclog.ingest.SkipReasons;
import io.taclog.model.ApiCallObserved;
import io.taclog.model.ConversationBlock;
import io.taclog.model.Fact;
import io.taclog.model.StreamRef;
import io.taclog.model.StreamStarted;
import io.taclog.model.TimeSource;
import io.taclog.model.Times;
import io.taclog.model.TokenUsage;
import io.taclog.parse.Json;
import io.taclog.parse.TranscriptPaths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Claude Code session files ({@code projects/<dir>/<session>.jsonl}, inline sidechains, subagent files
 * under {@code <session>/subagents/}). They carry timestamps and request ids; subagent lines carry the
 * parent's session id and so land on the parent's worker, marked as sidechain.
 */
public final class ClaudeSessionHandler implements RecordHandler {

    public static final String FORMAT = "claude-session";
    private static final String SEEN = "sessionsSeen";

    /** Record types only session files have (metadata lines often lack sessionId). */
    private static final Set<String> SESSION_TYPES = Set.of("summary", "file-history-snapshot", "queue-operation",
            "attachment", "mode", "permission-mode", "custom-title", "ai-title", "agent-name", "last-prompt",
            "pr-link", "worktree-state", "turn_end", "progress", "frame-link", "relocated", "bridge-session",
            "atis-latch", "started");

    private final TranscriptPaths paths;
    private final ClaudeBlocks blocks;

    public ClaudeSessionHandler(TranscriptPaths paths, boolean keepImages) {
        this.paths = paths;
        this.blocks = new ClaudeBlocks(keepImages);
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public boolean accepts(JsonNode r, ParseContext ctx) {
        if (r.has("payload")) {
            return false;
        }
        // the camelCase envelope wins over a snake_case session_id that recent versions add to some lines
        return r.path("sessionId").isTextual() || r.has("parentUuid") || r.has("leafUuid")
                || !r.has("session_id") && SESSION_TYPES.contains(r.path("type").asText(""));
    }

    @Override
    public LineOutcome handle(JsonNode r, ParseContext ctx) {
        String type = r.path("type").asText("");
        String sid = Json.text(r, "sessionId");
        boolean conversational = "user".equals(type) || "assistant".equals(type) || "system".equals(type);
        if (sid == null || !conversational) {
            return LineOutcome.skip(SESSION_TYPES.contains(type) || conversational
                    ? SkipReasons.ignoredType(FORMAT, type) : SkipReasons.unknownType(FORMAT, type));
        }
        Instant recorded = Times.parseOrNull(Json.text(r, "timestamp"));
        Instant at = recorded != null ? recorded : ctx.observedAt();
        String timeSource = recorded != null ? TimeSource.RECORDED : TimeSource.OBSERVED;
        StreamRef ref = paths.streamRef(sid, "claude-code", ctx.path());
        boolean sidechain = Json.flag(r, "isSidechain");
        List<Fact> out = new ArrayList<>();
        firstSighting(sid, ref, at, timeSource, r, ctx, out);
        String uuid = Json.text(r, "uuid");
        switch (type) {
            case "user" -> blocks.addBlocks(new ClaudeBlocks.Message(ref, at, timeSource, "user", sidechain, null, null,
                    null, uuid), r.path("message").get("content"), ctx, out);
            case "assistant" -> {
                JsonNode msg = r.path("message");
                String messageId = Json.text(msg, "id");
                String model = Json.text(msg, "model");
                blocks.addBlocks(new ClaudeBlocks.Message(ref, at, timeSource, "assistant", sidechain, null, messageId,
                        model, uuid), msg.get("content"), ctx, out);
                boolean apiError = Json.flag(r, "isApiErrorMessage");
                boolean synthetic = "<synthetic>".equals(model);
                if (messageId != null && (!synthetic || apiError)) {
                    String error = apiError ? firstText(msg.get("content")) : null;
                    out.add(new ApiCallObserved(ref, "anthropic:" + messageId, messageId, Json.text(r, "requestId"),
                            at, timeSource, model, "anthropic", ClaudeUsage.of(msg.get("usage")), !apiError, error,
                            apiError ? "api_error_message" : null, sidechain, FORMAT));
                }
            }
            default -> system(r, ref, at, timeSource, sidechain, uuid, out);
        }
        return out.isEmpty() ? LineOutcome.skip(SkipReasons.ignoredType(FORMAT, type + "/" + Json.text(r, "subtype")))
                : LineOutcome.rows(out);
    }

    private void system(JsonNode r, StreamRef ref, Instant at, String timeSource, boolean sidechain, String uuid,
                        List<Fact> out) {
        String subtype = Json.text(r, "subtype");
        if ("api_error".equals(subtype)) {
            JsonNode err = r.path("error");
            String message = apiErrorMessage(err);
            String code = err.isObject() ? err.path("status").asText(null) : null;
            // without a uuid the key is the line's recorded time, never the time it was read (that changes at
            // every read: a line read again after a crash would become a second row)
            String key = uuid != null ? uuid : TimeSource.RECORDED.equals(timeSource) ? Times.format(at) : null;
            if (key == null) {
                return; // an error line with neither an id nor a time: nothing stable to store it under
            }
            out.add(new ApiCallObserved(ref, "anthropic-error:" + key, null,
                    Json.text(r, "requestId"), at, timeSource, "unknown", "anthropic", TokenUsage.ZERO, false,
                    message + retry(r), code, sidechain, FORMAT));
        } else if ("compact_boundary".equals(subtype)) {
            JsonNode meta = r.path("compactMetadata");
            String text = "[conversation compacted: trigger " + meta.path("trigger").asText("?") + ", "
                    + meta.path("preTokens").asText("?") + " tokens before]";
            out.add(new ConversationBlock(ref, "s:" + uuid, at, timeSource, "system", "compaction", text, null, null,
                    null, null, null, sidechain, null, null, null));
        }
    }

    /**
     * The human message of a system/api_error: {@code error.message} (connection errors),
     * {@code error.error.message} or {@code error.error.error.message} (the API's error body, as the SDK
     * nests it); the whole object only when none is there. Only the second form was read before, so the
     * others were stored as raw JSON.
     */
    static String apiErrorMessage(JsonNode err) {
        if (!err.isObject()) {
            return err.isMissingNode() || err.isNull() ? "API error" : err.asText();
        }
        for (JsonNode m : List.of(err.path("message"), err.path("error").path("message"),
                err.path("error").path("error").path("message"))) {
            if (m.isTextual() && !m.asText().isBlank()) {
                return m.asText();
            }
        }
        return err.toString();
    }

    private static String retry(JsonNode r) {
        return r.has("retryAttempt") ? " (retry " + r.path("retryAttempt").asText() + "/"
                + r.path("maxRetries").asText() + ")" : "";
    }

    /** The first line of a session in this file announces the stream (cwd, version). */
    private static void firstSighting(String sid, StreamRef ref, Instant at, String timeSource, JsonNode r,
                                      ParseContext ctx, List<Fact> out) {
        ArrayNode seen = ctx.state().has(SEEN) ? (ArrayNode) ctx.state().get(SEEN) : ctx.state().putArray(SEEN);
        for (JsonNode s : seen) {
            if (sid.equals(s.asText())) {
                return;
            }
        }
        seen.add(sid);
        out.add(new StreamStarted(ref, at, timeSource, null, Json.text(r, "cwd"), Json.text(r, "version")));
    }

    static String firstText(JsonNode content) {
        if (content == null) {
            return null;
        }
        if (content.isTextual()) {
            return content.asText();
        }
        for (JsonNode b : content) {
            if ("text".equals(b.path("type").asText())) {
                return b.path("text").asText();
            }
        }
        return null;
    }
}
