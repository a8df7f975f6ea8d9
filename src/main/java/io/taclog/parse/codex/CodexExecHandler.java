package io.taclog.parse.codex;

import com.fasterxml.jackson.databind.JsonNode;
import io.taclog.ingest.LineClassifier;
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
import io.taclog.model.TokenUsage;
import io.taclog.model.WorkerOutputLine;
import io.taclog.parse.Json;
import io.taclog.parse.Texts;
import io.taclog.parse.TranscriptPaths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code codex exec --json} stdout: no timestamps, no model, no cost. {@code turn.completed} usage is a
 * snapshot: cumulative within one process in current versions, so within a file successive values that
 * only grow are turned into differences; a value that shrinks is a new process and counts whole.
 */
public final class CodexExecHandler implements RecordHandler {

    public static final String FORMAT = "codex-exec";
    private static final String THREAD = "cxe.thread";
    private static final String TOTAL = "cxe.total";

    private final TranscriptPaths paths;

    public CodexExecHandler(TranscriptPaths paths) {
        this.paths = paths;
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public boolean accepts(JsonNode r, ParseContext ctx) {
        String type = r.path("type").asText("");
        return type.startsWith("thread.") || type.startsWith("turn.") || type.startsWith("item.")
                || "error".equals(type) && r.has("message") && ctx.state().has(THREAD);
    }

    @Override
    public LineOutcome handle(JsonNode r, ParseContext ctx) {
        String type = r.get("type").asText();
        Instant at = ctx.observedAt();
        String thread = ctx.state().path(THREAD).asText(null);
        List<Fact> out = new ArrayList<>();
        switch (type) {
            case "thread.started", "thread.resumed" -> {
                thread = Json.text(r, "thread_id");
                if (thread == null) {
                    return LineOutcome.reject("codex thread.started without a thread_id");
                }
                ctx.state().put(THREAD, thread);
                ctx.state().remove(TOTAL);
                out.add(new StreamStarted(ref(thread, ctx), at, TimeSource.OBSERVED, null, null, null));
            }
            case "turn.completed" -> {
                return turnCompleted(r, thread, at, ctx);
            }
            case "turn.failed" -> out.add(new ApiCallObserved(ref(thread, ctx),
                    "codex-exec-failed:" + thread + "@" + ctx.file().fileId() + ":" + ctx.lineOffset(), null, null, at,
                    TimeSource.OBSERVED, "unknown", "openai", TokenUsage.ZERO, false,
                    r.path("error").path("message").asText(null), "turn.failed", false, FORMAT));
            case "error" -> out.add(new WorkerOutputLine(ref(thread, ctx), at, Json.text(r, "message"), true));
            case "item.completed" -> item(r.path("item"), ref(thread, ctx), thread, at, out);
            default -> {
                return LineOutcome.skip(SkipReasons.ignoredType(FORMAT, type));
            }
        }
        return out.isEmpty() ? LineOutcome.skip(SkipReasons.ignoredType(FORMAT, type)) : LineOutcome.rows(out);
    }

    private StreamRef ref(String thread, ParseContext ctx) {
        return paths.streamRef(thread, "codex", ctx.path());
    }

    private LineOutcome turnCompleted(JsonNode r, String thread, Instant at, ParseContext ctx) {
        CumulativeUsage.Step step = CumulativeUsage.advance(ctx.state(), TOTAL, CodexUsage.of(r.get("usage")), null);
        if (step.unchanged()) {
            return LineOutcome.skip(SkipReasons.ignoredType(FORMAT, "turn.completed unchanged usage"));
        }
        TokenUsage call = step.call();
        if (call.isZero()) {
            return LineOutcome.skip(SkipReasons.ignoredType(FORMAT, "turn.completed without tokens"));
        }
        String key = "codex-exec:" + (thread != null ? thread : ctx.path()) + ":" + step.snapshotKey();
        return LineOutcome.rows(new ApiCallObserved(ref(thread, ctx), key, null, null, at, TimeSource.OBSERVED,
                "unknown", "openai", call, true, null, null, false, FORMAT));
    }

    private static void item(JsonNode item, StreamRef ref, String thread, Instant at, List<Fact> out) {
        String type = item.path("type").asText("");
        String id = item.path("id").asText("");
        String key = "cxe:" + thread + ":" + id + ":";
        switch (type) {
            case "agent_message", "reasoning", "plan" -> {
                String text = item.path("text").asText("");
                out.add(block(ref, key + Texts.hash(text), at, "assistant",
                        "reasoning".equals(type) ? "thinking" : "text", text, null, null, null, null, null));
            }
            case "command_execution", "mcp_tool_call", "file_change", "web_search", "todo_list", "collab_tool_call" -> {
                String name = "mcp_tool_call".equals(type) ? item.path("server").asText("") + "/"
                        + item.path("tool").asText("") : type;
                String input = "command_execution".equals(type) ? "{\"command\":" + LineClassifier.JSON
                        .getNodeFactory().textNode(item.path("command").asText("")) + "}"
                        : "mcp_tool_call".equals(type) ? item.path("arguments").toString() : item.toString();
                String callId = thread + ":" + id + ":" + Texts.hash(input);
                out.add(block(ref, "tu:" + callId, at, "assistant", "tool_use", Texts.preview(input), name, input,
                        null, null, callId));
                String output = "command_execution".equals(type) ? item.path("aggregated_output").asText("")
                        : item.has("result") ? item.get("result").toString() : item.path("status").asText("");
                Boolean success = item.has("exit_code") && item.get("exit_code").isNumber()
                        ? item.get("exit_code").asInt() == 0
                        : item.has("status") ? !"failed".equals(item.path("status").asText()) : null;
                out.add(block(ref, "tr:" + callId, at, "user", "tool_result", Texts.preview(output), null, null, output,
                        success, callId));
            }
            case "error" -> out.add(new WorkerOutputLine(ref, at, item.path("message").asText(""), true));
            default -> {
                // unknown item kinds carry nothing for the conversation tables
            }
        }
    }

    private static ConversationBlock block(StreamRef ref, String key, Instant at, String role, String contentType,
                                           String content, String toolName, String toolInput, String toolOutput,
                                           Boolean success, String toolUseId) {
        return new ConversationBlock(ref, key, at, TimeSource.OBSERVED, role, contentType, content, toolName,
                toolInput, toolOutput, success, toolUseId, false, null, null, null);
    }
}
