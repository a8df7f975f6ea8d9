package io.taclog.testing.transcripts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a raw transcript file says, computed here with plain Jackson and nothing of taclog's code, so that
 * tests compare the database with an independent reading: API calls per model after dedupe, conversation
 * blocks after dedupe by natural key, tool calls and their results.
 *
 * <p>The rules are the ones the formats research documents: Claude lines of one response share
 * {@code message.id} and the line with the largest total usage wins; {@code <synthetic>} lines are no API
 * call; cache writes are {@code cache_creation_input_tokens} (1-hour part from {@code cache_creation}, the
 * rest 5-minute). Codex rollouts: per-call tokens are differences of successive cumulative
 * {@code total_token_usage}, an unchanged re-emitted total is no call, cached tokens are inside input tokens,
 * the model is the latest {@code turn_context}'s. codex exec: {@code turn.completed} usage, as differences when
 * successive values only grow within one process ({@code thread.started} starts a process).
 */
public final class RawTranscript {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The four line formats. */
    public enum Format { CLAUDE_STREAM_JSON, CLAUDE_SESSION, CODEX_ROLLOUT, CODEX_EXEC }

    /** Calls and token sums of one model; input excludes cache reads and writes (Anthropic's sense). */
    public record Tokens(long calls, long input, long output, long cacheRead, long cacheWrite5m, long cacheWrite1h) {
        public static final Tokens NONE = new Tokens(0, 0, 0, 0, 0, 0);

        public Tokens plus(Tokens o) {
            return new Tokens(calls + o.calls, input + o.input, output + o.output, cacheRead + o.cacheRead,
                    cacheWrite5m + o.cacheWrite5m, cacheWrite1h + o.cacheWrite1h);
        }

        public long cacheWrite() {
            return cacheWrite5m + cacheWrite1h;
        }

        public long total() {
            return input + output + cacheRead + cacheWrite();
        }
    }

    private final Path file;
    private final List<JsonNode> records = new ArrayList<>();
    private final Format format;

    private final List<String> textLines = new ArrayList<>();

    private RawTranscript(Path file, List<String> lines) {
        this.file = file;
        try {
            for (String line : lines) {
                String l = line.replace("\0", "");
                if (l.isBlank()) {
                    continue;
                }
                if (!l.startsWith("{")) {
                    textLines.add(l); // stderr text between the JSON lines of a worker log
                    continue;
                }
                JsonNode n = JSON.readTree(l);
                JsonNode raw = n.get("raw");
                records.add(raw != null && raw.isObject() && n.path("timestamp").isNumber() ? raw : n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        this.format = detect();
    }

    /** The lines of a file. */
    public static RawTranscript read(Path file) {
        try {
            return new RawTranscript(file, List.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8)
                    .split("\n")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Lines that make one stream together (e.g. a worker's output before and after a respawn). */
    public static RawTranscript of(String name, List<String> lines) {
        return new RawTranscript(Path.of(name), lines);
    }

    /** Claude API calls per model over several files (copies of one run), deduped across all of them. */
    public static Map<String, Tokens> claudeCallsAcross(RawTranscript... copies) {
        List<String> lines = new ArrayList<>();
        for (RawTranscript t : copies) {
            t.records.forEach(r -> lines.add(r.toString()));
        }
        return new RawTranscript(Path.of("merged"), lines).claudeCalls();
    }

    /** Non-JSON lines (a worker's stderr). */
    public List<String> textLines() {
        return textLines;
    }

    public Path file() {
        return file;
    }

    public Format format() {
        return format;
    }

    /** Every JSON record, recorder wrappers removed. */
    public List<JsonNode> records() {
        return records;
    }

    private Format detect() {
        for (JsonNode r : records) {
            if (r.has("payload")) {
                return Format.CODEX_ROLLOUT;
            }
            String type = r.path("type").asText("");
            if (type.startsWith("thread.") || type.startsWith("turn.") || type.startsWith("item.")) {
                return Format.CODEX_EXEC;
            }
            if (r.has("session_id")) {
                return Format.CLAUDE_STREAM_JSON;
            }
            if (r.has("sessionId") || r.has("leafUuid")) {
                return Format.CLAUDE_SESSION;
            }
        }
        throw new AssertionError("cannot tell the format of " + file);
    }

    /** API calls per model after dedupe. */
    public Map<String, Tokens> callsByModel() {
        return switch (format) {
            case CLAUDE_STREAM_JSON, CLAUDE_SESSION -> claudeCalls();
            case CODEX_ROLLOUT -> rolloutCalls();
            case CODEX_EXEC -> execCalls();
        };
    }

    private Map<String, Tokens> claudeCalls() {
        Map<String, JsonNode> best = new LinkedHashMap<>();
        for (JsonNode r : records) {
            JsonNode m = r.path("message");
            if (!"assistant".equals(r.path("type").asText()) || !m.path("id").isTextual()
                    || "<synthetic>".equals(m.path("model").asText())) {
                continue;
            }
            String id = m.get("id").asText();
            JsonNode prev = best.get(id);
            if (prev == null || claudeTokens(m.path("usage")).total() > claudeTokens(prev.path("usage")).total()) {
                best.put(id, m);
            }
        }
        Map<String, Tokens> out = new TreeMap<>();
        for (JsonNode m : best.values()) {
            out.merge(m.path("model").asText(), claudeTokens(m.path("usage")), Tokens::plus);
        }
        return out;
    }

    /** One Anthropic usage object as one call. */
    public static Tokens claudeTokens(JsonNode u) {
        long write = u.path("cache_creation_input_tokens").asLong(0);
        long oneHour = u.path("cache_creation").path("ephemeral_1h_input_tokens").asLong(0);
        return new Tokens(1, u.path("input_tokens").asLong(0), u.path("output_tokens").asLong(0),
                u.path("cache_read_input_tokens").asLong(0), write - oneHour, oneHour);
    }

    private Map<String, Tokens> rolloutCalls() {
        Map<String, Tokens> out = new TreeMap<>();
        rolloutCallsByKey().values().forEach(c -> out.merge(c.model(), c.tokens(), Tokens::plus));
        return out;
    }

    /** One Codex call as read from the raw lines. */
    public record CodexCall(String model, Tokens tokens) {
    }

    /**
     * Codex calls by a key of this reading: the review thread's calls by time and running total (the parent
     * file and the review sub-agent's file write them alike), the others by position. A {@code token_count}
     * is a call unless its running total equals the previous one of the same thread (main or review); its
     * usage is {@code last_token_usage}. None of the shared rollouts lacks it.
     */
    public Map<String, CodexCall> rolloutCallsByKey() {
        Map<String, CodexCall> out = new LinkedHashMap<>();
        String model = null;
        boolean reviewFile = false;
        boolean inReview = false;
        Map<Boolean, JsonNode> prevTotal = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            JsonNode r = records.get(i);
            JsonNode p = r.path("payload");
            String type = r.path("type").asText();
            String pt = p.path("type").asText();
            if ("session_meta".equals(type) && "review".equals(p.path("source").path("subagent").asText())) {
                reviewFile = true;
            }
            if ("turn_context".equals(type) && p.path("model").isTextual()) {
                model = p.get("model").asText();
            }
            if ("event_msg".equals(type) && "entered_review_mode".equals(pt)) {
                inReview = true;
                prevTotal.remove(true);
            }
            if ("event_msg".equals(type) && "exited_review_mode".equals(pt)) {
                inReview = false;
            }
            if (!"event_msg".equals(type) || !"token_count".equals(pt) || !p.path("info").isObject()) {
                continue;
            }
            boolean review = reviewFile || inReview;
            JsonNode total = p.path("info").path("total_token_usage");
            JsonNode last = p.path("info").path("last_token_usage");
            if (!last.isObject()) {
                throw new AssertionError(file + " line " + (i + 1) + ": no last_token_usage; not read here");
            }
            if (total.equals(prevTotal.get(review))) {
                continue; // a re-emission: the same running total again
            }
            prevTotal.put(review, total);
            long in = last.path("input_tokens").asLong();
            long cached = last.path("cached_input_tokens").asLong();
            long output = last.path("output_tokens").asLong();
            if (in + output == 0) {
                continue;
            }
            String key = review ? "review|" + r.path("timestamp").asText() + "|" + total : "main|" + i;
            out.put(key, new CodexCall(model, new Tokens(1, in - cached, output, cached, 0, 0)));
        }
        return out;
    }

    /** Codex calls per model over several rollouts, a review call written by two of them counted once. */
    public static Map<String, Tokens> codexCallsAcross(List<RawTranscript> rollouts) {
        Map<String, CodexCall> calls = new LinkedHashMap<>();
        for (RawTranscript t : rollouts) {
            t.rolloutCallsByKey().forEach((k, c) -> calls.putIfAbsent(k.startsWith("main|") ? t.file + k : k, c));
        }
        Map<String, Tokens> out = new TreeMap<>();
        calls.values().forEach(c -> out.merge(c.model(), c.tokens(), Tokens::plus));
        return out;
    }

    private Map<String, Tokens> execCalls() {
        Map<String, Tokens> out = new TreeMap<>();
        long[] prev = null;
        for (JsonNode r : records) {
            String type = r.path("type").asText();
            if ("thread.started".equals(type)) {
                prev = null; // a new codex process: its counters start again
            }
            if (!"turn.completed".equals(type)) {
                continue;
            }
            JsonNode u = r.path("usage");
            long[] cur = {u.path("input_tokens").asLong(), u.path("cached_input_tokens").asLong(),
                    u.path("output_tokens").asLong()};
            boolean grew = prev != null && cur[0] >= prev[0] && cur[1] >= prev[1] && cur[2] >= prev[2];
            long[] d = grew ? new long[] {cur[0] - prev[0], cur[1] - prev[1], cur[2] - prev[2]} : cur;
            prev = cur;
            if (d[0] + d[2] == 0) {
                continue;
            }
            out.merge("unknown", new Tokens(1, d[0] - d[1], d[2], d[1], 0, 0), Tokens::plus);
        }
        return out;
    }

    /**
     * Natural keys of the conversation blocks: tool calls by their id, tool results by the id they answer,
     * assistant text and thinking by (message id, kind, text) since every line of a response repeats the
     * message, everything else by its position in the file.
     */
    public Set<String> blockKeys() {
        Set<String> keys = new LinkedHashSet<>();
        for (int i = 0; i < records.size(); i++) {
            JsonNode r = records.get(i);
            String type = r.path("type").asText();
            switch (format) {
                case CODEX_ROLLOUT -> {
                    JsonNode p = r.path("payload");
                    String pt = p.path("type").asText();
                    if (!"response_item".equals(type)) {
                        continue;
                    }
                    switch (pt) {
                        case "message" -> keys.add("m|" + p.path("role").asText() + "|" + p.path("content")
                                + "|" + r.path("timestamp").asText());
                        case "reasoning" -> keys.add("r|" + p.path("summary") + "|" + r.path("timestamp").asText());
                        case "function_call", "custom_tool_call" -> keys.add("tu|" + p.path("call_id").asText());
                        case "function_call_output", "custom_tool_call_output" ->
                                keys.add("tr|" + p.path("call_id").asText());
                        default -> {
                        }
                    }
                }
                case CODEX_EXEC -> {
                    JsonNode item = r.path("item");
                    String it = item.path("type").asText();
                    if (!"item.completed".equals(type) || "error".equals(it)) {
                        continue;
                    }
                    if (Set.of("agent_message", "reasoning", "plan").contains(it)) {
                        keys.add("x|" + i);
                    } else if (Set.of("command_execution", "mcp_tool_call", "file_change", "web_search",
                            "todo_list", "collab_tool_call").contains(it)) {
                        keys.add("tu|" + i);
                        keys.add("tr|" + i);
                    }
                }
                default -> claudeBlockKeys(r, i, keys);
            }
        }
        return keys;
    }

    private static void claudeBlockKeys(JsonNode r, int line, Set<String> keys) {
        String type = r.path("type").asText();
        if ("system".equals(type) && "compact_boundary".equals(r.path("subtype").asText())
                && r.has("sessionId")) {
            keys.add("compact|" + line);
            return;
        }
        if (!"user".equals(type) && !"assistant".equals(type)) {
            return;
        }
        JsonNode m = r.path("message");
        JsonNode content = m.path("content");
        if (content.isTextual()) {
            keys.add("s|" + line);
            return;
        }
        int i = 0;
        for (JsonNode b : content) {
            String bt = b.path("type").asText();
            if ("tool_use".equals(bt)) {
                keys.add("tu|" + b.path("id").asText());
            } else if ("tool_result".equals(bt)) {
                keys.add("tr|" + b.path("tool_use_id").asText());
            } else if ("assistant".equals(type) && m.path("id").isTextual()) {
                keys.add("a|" + m.get("id").asText() + "|" + bt + "|" + b.path("text") + b.path("thinking"));
            } else {
                keys.add("b|" + line + "|" + i);
            }
            i++;
        }
    }

    /** Claude tool calls: tool_use id to tool name. */
    public Map<String, String> claudeToolUses() {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode r : records) {
            if ("assistant".equals(r.path("type").asText())) {
                for (JsonNode b : r.path("message").path("content")) {
                    if ("tool_use".equals(b.path("type").asText())) {
                        out.put(b.path("id").asText(), b.path("name").asText());
                    }
                }
            }
        }
        return out;
    }

    /** Claude tool results: the tool_use id they answer to their is_error (absent = false, not an error). */
    public Map<String, Boolean> claudeToolResultErrors() {
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (JsonNode r : records) {
            if ("user".equals(r.path("type").asText())) {
                for (JsonNode b : r.path("message").path("content")) {
                    if ("tool_result".equals(b.path("type").asText())) {
                        out.put(b.path("tool_use_id").asText(), b.path("is_error").asBoolean(false));
                    }
                }
            }
        }
        return out;
    }

    /** Codex rollout call ids of function and custom tool calls, and of their outputs. */
    public Map<String, Boolean> codexCallsAnswered() {
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (JsonNode r : records) {
            String pt = r.path("payload").path("type").asText();
            String id = r.path("payload").path("call_id").asText();
            if ("function_call".equals(pt) || "custom_tool_call".equals(pt)) {
                out.putIfAbsent(id, false);
            } else if ("function_call_output".equals(pt) || "custom_tool_call_output".equals(pt)) {
                out.put(id, true);
            }
        }
        return out;
    }

    /** The final stream-json {@code result} record, or null. */
    public JsonNode result() {
        JsonNode last = null;
        for (JsonNode r : records) {
            if ("result".equals(r.path("type").asText())) {
                last = r;
            }
        }
        return last;
    }
}
