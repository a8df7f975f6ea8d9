package io.taclog.parse.codex;

import com.fasterxml.jackson.databind.JsonNode;
import io.taclog.ingest.LineClassifier;
import io.taclog.ingest.LineOutcome;
import io.taclog.ingest.ParseContext;
import io.taclog.ingest.RecordHandler;
import io.taclog.ingest.SkipReasons;
import io.taclog.model.ApiCallObserved;
import io.taclog.model.CodexReviewSeen;
import io.taclog.model.ConversationBlock;
import io.taclog.model.Fact;
import io.taclog.model.StreamRef;
import io.taclog.model.StreamStarted;
import io.taclog.model.TimeSource;
import io.taclog.model.Times;
import io.taclog.model.TokenUsage;
import io.taclog.parse.Json;
import io.taclog.parse.Texts;
import io.taclog.parse.TranscriptPaths;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Codex CLI session rollouts ({@code sessions/YYYY/MM/DD/rollout-*.jsonl}). A {@code token_count} is one
 * call with the usage of its {@code last_token_usage}, unless it repeats the running total of its thread
 * unchanged (a re-emission); see {@link ThreadUsage} and docs/transcripts.md. The model comes from the
 * latest {@code turn_context}. The UI echoes in {@code event_msg} (user_message, agent_message,
 * agent_reasoning) are skipped: the response items carry the same text.
 *
 * <p>Reviews ({@code /review}) run in a sub-agent thread. Between {@code entered_review_mode} and
 * {@code exited_review_mode} the parent file reports that thread's usage (CLI 0.72) or none (0.104), and the
 * sub-agent writes its own rollout ({@code session_meta.source = {"subagent":"review"}}). Calls of a review
 * thread are keyed by their time and running total, which both files write identically, so a call recorded
 * in both is stored once, whichever file is read first; they are sidechain rows.
 */
public final class CodexRolloutHandler implements RecordHandler {

    public static final String FORMAT = "codex-rollout";
    private static final String SESSION = "cx.session";
    private static final String MODEL = "cx.model";
    private static final String CWD = "cx.cwd";
    /** The file is a review sub-agent's own rollout: every call belongs to the review thread. */
    private static final String REVIEW_AGENT = "cx.review-agent";
    /** The parent file is between entered_review_mode and exited_review_mode. */
    private static final String IN_REVIEW = "cx.in-review";
    /** A forked or spawned thread's file: the thread its copied history belongs to. */
    private static final String REPLAY_OF = "cx.replay-of";
    /** The second (epoch) of its first token_count: the copied history is written within it. */
    private static final String REPLAY_SECOND = "cx.replay-second";

    private final TranscriptPaths paths;

    public CodexRolloutHandler(TranscriptPaths paths) {
        this.paths = paths;
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public boolean accepts(JsonNode r, ParseContext ctx) {
        return r.path("payload").isObject() && r.path("type").isTextual() && r.path("timestamp").isTextual();
    }

    @Override
    public LineOutcome handle(JsonNode r, ParseContext ctx) {
        Instant recorded = Times.parseOrNull(r.get("timestamp").asText());
        Instant at = recorded != null ? recorded : ctx.observedAt();
        String timeSource = recorded != null ? TimeSource.RECORDED : TimeSource.OBSERVED;
        // natural keys take the line's own time; without a readable one, its place in the file: the read time
        // differs at every read, and a line read again after a crash would become a second row
        String stamp = recorded != null ? Times.format(recorded) : "offset " + ctx.lineOffset();
        String type = r.get("type").asText();
        JsonNode p = r.get("payload");
        String ptype = Json.text(p, "type");
        String sid = ctx.state().path(SESSION).asText(null);
        List<Fact> out = new ArrayList<>();
        switch (type) {
            case "session_meta" -> {
                if (sid != null) {
                    // forked and subagent rollouts repeat their parent's meta after their own: the history that
                    // follows is that thread's
                    String parent = Json.text(p, "id");
                    if (ctx.state().has(REPLAY_OF) && parent != null && !parent.equals(sid)) {
                        ctx.state().put(REPLAY_OF, parent);
                    }
                    return LineOutcome.skip(SkipReasons.ignoredType(FORMAT, "session_meta (parent copy)"));
                }
                sid = Json.text(p, "id");
                if (sid == null) {
                    return LineOutcome.reject("codex session_meta without an id");
                }
                ctx.state().put(SESSION, sid);
                String cwd = Json.text(p, "cwd");
                if (cwd != null) {
                    ctx.state().put(CWD, cwd);
                }
                out.add(new StreamStarted(ref(sid, ctx), at, timeSource, null, cwd, Json.text(p, "cli_version")));
                String forkedFrom = forkedFrom(p);
                if (forkedFrom != null) {
                    ctx.state().put(REPLAY_OF, forkedFrom);
                }
                if ("review".equals(p.path("source").path("subagent").asText(null))) {
                    ctx.state().put(REVIEW_AGENT, true);
                    out.add(new CodexReviewSeen(ref(sid, ctx), at, timeSource, cwd, true, reviewLine(r, ctx)));
                }
            }
            case "turn_context" -> {
                String model = Json.text(p, "model");
                if (model == null) {
                    model = p.path("collaboration_mode").path("settings").path("model").asText(null);
                }
                if (model != null) {
                    ctx.state().put(MODEL, model);
                }
                return LineOutcome.skip(SkipReasons.ignoredType(FORMAT, type));
            }
            case "event_msg" -> {
                if ("token_count".equals(ptype)) {
                    return tokenCount(p, sid, at, stamp, timeSource, ctx);
                }
                if ("entered_review_mode".equals(ptype) && sid != null) {
                    ctx.state().put(IN_REVIEW, true);
                    ThreadUsage.startReview(ctx.state());
                    return LineOutcome.rows(new CodexReviewSeen(ref(sid, ctx), at, timeSource,
                            ctx.state().path(CWD).asText(null), false, reviewLine(r, ctx)));
                }
                if ("exited_review_mode".equals(ptype)) {
                    ctx.state().remove(IN_REVIEW);
                }
                return LineOutcome.skip(SkipReasons.ignoredType(FORMAT, "event_msg/" + ptype));
            }
            case "response_item" -> responseItem(p, ptype, ref(sid, ctx), at, stamp, timeSource, inReview(ctx), out);
            case "compacted" -> {
                return LineOutcome.skip(SkipReasons.ignoredType(FORMAT, type));
            }
            default -> {
                return LineOutcome.skip(SkipReasons.unknownType(FORMAT, type));
            }
        }
        return out.isEmpty() ? LineOutcome.skip(SkipReasons.ignoredType(FORMAT, type + "/" + ptype))
                : LineOutcome.rows(out);
    }

    /**
     * The thread a forked or spawned rollout was made from ({@code forked_from_id}, or the parent of a
     * {@code source.subagent.thread_spawn}), or null for a rollout of its own. Such a file copies the parent's
     * history, token_count lines included, right after its session_meta (formats.md, "Cross-file duplicates").
     */
    private static String forkedFrom(JsonNode meta) {
        String forked = Json.text(meta, "forked_from_id");
        if (forked != null) {
            return forked;
        }
        JsonNode spawn = meta.path("source").path("subagent").path("thread_spawn");
        if (!spawn.isObject()) {
            return null;
        }
        String parent = Json.text(spawn, "parent_thread_id");
        return parent != null ? parent : Json.text(meta, "parent_thread_id");
    }

    /**
     * For a token_count of a forked or spawned rollout: the parent thread when the line belongs to the copied
     * history, else null. The copy is written at once when the thread starts: the token_count lines within the
     * second of the file's first one (the rule ccusage applies too); the first line after that ends the copy.
     * Keyed under the parent, a copied call and the parent's own line are one row, whichever file is read first,
     * and a copy whose parent file is missing still counts once.
     */
    private static String replayedFrom(Instant at, ParseContext ctx) {
        String parent = ctx.state().path(REPLAY_OF).asText(null);
        if (parent == null) {
            return null;
        }
        long second = at.getEpochSecond();
        JsonNode first = ctx.state().get(REPLAY_SECOND);
        if (first == null) {
            ctx.state().put(REPLAY_SECOND, second);
            return parent;
        }
        if (first.asLong() == second) {
            return parent;
        }
        ctx.state().remove(REPLAY_OF); // the thread's own work from here on
        return null;
    }

    private StreamRef ref(String sid, ParseContext ctx) {
        return paths.streamRef(sid, "codex", ctx.path());
    }

    /**
     * A review line's identity: its place in its file and its content. Not its time: the review lines of one batch
     * that carry no readable time all get the batch's read time, and would be one row. The hash tells a copy of the
     * file (the same line at the same place) from another file of the same session.
     */
    private static String reviewLine(JsonNode line, ParseContext ctx) {
        byte[] text = line.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return CodexReviewSeen.sourceLine(ctx.file().fileId(), ctx.lineOffset(),
                io.taclog.source.Hashes.sha256Prefix(text, 0, text.length, 8));
    }

    /** Whether this line belongs to a review thread (the sub-agent's file, or the parent in review mode). */
    private static boolean inReview(ParseContext ctx) {
        return ctx.state().has(REVIEW_AGENT) || ctx.state().has(IN_REVIEW);
    }

    private LineOutcome tokenCount(JsonNode p, String sid, Instant at, String stamp, String timeSource,
                                   ParseContext ctx) {
        JsonNode info = p.get("info");
        if (info == null || !info.isObject()) {
            return LineOutcome.skip(SkipReasons.ignoredType(FORMAT, "token_count without usage"));
        }
        boolean review = inReview(ctx);
        JsonNode last = info.get("last_token_usage");
        TokenUsage lastCall = last != null && last.isObject() ? CodexUsage.of(last) : null;
        CumulativeUsage.Step step = ThreadUsage.advance(ctx.state(), review,
                CodexUsage.of(info.get("total_token_usage")), lastCall);
        if (step.unchanged()) {
            return LineOutcome.skip(SkipReasons.ignoredType(FORMAT, "token_count unchanged total"));
        }
        TokenUsage call = step.call();
        if (call.isZero()) {
            return LineOutcome.skip(SkipReasons.ignoredType(FORMAT, "token_count without new tokens"));
        }
        String model = ctx.state().path(MODEL).asText("unknown");
        // a review thread's call is written alike by the parent and by the sub-agent's own file: a key both share;
        // a forked thread's copy of its parent's history takes the parent's key, so it counts once
        String thread = replayedFrom(at, ctx);
        String key = review ? "codex-review:" + stamp + ":" + step.snapshotKey()
                : "codex:" + (thread != null ? thread : sid != null ? sid : ctx.path()) + ":" + step.snapshotKey();
        return LineOutcome.rows(new ApiCallObserved(ref(sid, ctx), key, null, null, at, timeSource, model, "openai",
                call, true, null, null, review, FORMAT));
    }

    private static void responseItem(JsonNode p, String ptype, StreamRef ref, Instant at, String stamp,
                                     String timeSource, boolean sidechain, List<Fact> out) {
        switch (ptype == null ? "" : ptype) {
            case "message" -> {
                String role = Json.text(p, "role");
                String text = joinText(p.get("content"));
                // a message without a readable role (damage) is still text of the conversation
                String r = "developer".equals(role) || "system".equals(role) ? "system" : role == null ? "unknown"
                        : role;
                out.add(block(ref, "cxm:" + r + ":" + Texts.hash(text) + "@" + stamp, at, timeSource, r, "text", text,
                        null, null, null, null, null, sidechain));
            }
            case "reasoning" -> {
                String text = joinText(p.get("summary"));
                out.add(block(ref, "cxr:" + Texts.hash(text) + "@" + stamp, at, timeSource, "assistant", "thinking",
                        text, null, null, null, null, null, sidechain));
            }
            case "function_call", "custom_tool_call" -> {
                String id = Json.text(p, "call_id");
                String input = "function_call".equals(ptype) ? Json.text(p, "arguments") : Json.text(p, "input");
                String name = Json.text(p, "name");
                out.add(block(ref, "tu:" + id, at, timeSource, "assistant", "tool_use", Texts.preview(input), name,
                        asJson(input), null, null, id, sidechain));
            }
            case "function_call_output", "custom_tool_call_output" -> {
                String id = Json.text(p, "call_id");
                JsonNode o = p.get("output");
                String output = o == null ? "" : o.isTextual() ? o.asText() : joinText(o);
                out.add(block(ref, "tr:" + id, at, timeSource, "user", "tool_result", Texts.preview(output), null,
                        null, output, success(output), id, sidechain));
            }
            default -> {
                // web_search_call, local_shell_call and newer items: not conversation text
            }
        }
    }

    private static ConversationBlock block(StreamRef ref, String key, Instant at, String ts, String role,
                                           String contentType, String content, String toolName, String toolInput,
                                           String toolOutput, Boolean success, String toolUseId, boolean sidechain) {
        return new ConversationBlock(ref, key, at, ts, role, contentType, content == null ? "" : content, toolName,
                toolInput, toolOutput, success, toolUseId, sidechain, null, null, null);
    }

    /** Text of content parts ({type:input_text|output_text|summary_text, text}), or the JSON itself. */
    static String joinText(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        if (content.isObject()) {
            return content.has("text") ? content.get("text").asText() : content.toString();
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : content) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(part.has("text") ? part.get("text").asText() : part.toString());
        }
        return sb.toString();
    }

    /** Tool arguments are a JSON string in Codex logs; store them as JSON when they parse. */
    static String asJson(String s) {
        if (s == null) {
            return null;
        }
        try {
            return LineClassifier.JSON.readTree(s).toString();
        } catch (IOException e) {
            return LineClassifier.JSON.getNodeFactory().textNode(s).toString();
        }
    }

    /** Codex has no is_error; an exit code in structured output is the only evidence. */
    static Boolean success(String output) {
        if (output == null || !output.startsWith("{")) {
            return null;
        }
        try {
            JsonNode n = LineClassifier.JSON.readTree(output);
            JsonNode code = n.path("metadata").path("exit_code");
            return code.isNumber() ? code.asInt() == 0 : null;
        } catch (IOException e) {
            return null;
        }
    }
}
