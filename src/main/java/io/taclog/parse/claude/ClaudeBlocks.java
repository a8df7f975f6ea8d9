package io.taclog.parse.claude;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taclog.ingest.ParseContext;
import io.taclog.model.ConversationBlock;
import io.taclog.model.Fact;
import io.taclog.model.PullRequestObserved;
import io.taclog.model.StreamRef;
import io.taclog.parse.Json;
import io.taclog.parse.Texts;
import io.taclog.source.Hashes;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a Claude message (string content or an array of text, thinking, tool_use, tool_result and image
 * blocks) into conversation rows, the same way for stream-json and session files so that the two copies
 * of one run produce the same natural keys.
 */
final class ClaudeBlocks {

    private static final Pattern PR_URL = Pattern.compile("https://github\\.com/[\\w.-]+/[\\w.-]+/pull/(\\d+)");
    private static final String PR_CALLS = "prCreateCalls";
    private static final int MAX_PENDING_PR_CALLS = 64;

    private final boolean keepImages;

    ClaudeBlocks(boolean keepImages) {
        this.keepImages = keepImages;
    }

    /** Where a message sits: its stream, time, role and the ids that identify it. */
    record Message(StreamRef stream, Instant at, String timeSource, String role, boolean sidechain,
                   String parentToolUseId, String messageId, String model, String uuid) {
    }

    void addBlocks(Message m, JsonNode content, ParseContext ctx, List<Fact> out) {
        if (content == null || content.isNull()) {
            return;
        }
        if (content.isTextual()) {
            String text = content.asText();
            out.add(block(m, textKey(m, "text", text, 0, ctx), "text", text, null, null, null, null, null));
            return;
        }
        if (!content.isArray()) {
            return;
        }
        int i = 0;
        for (JsonNode b : content) {
            String type = Json.text(b, "type");
            if (type == null) {
                continue;
            }
            switch (type) {
                case "text" -> {
                    String text = Json.text(b, "text");
                    out.add(block(m, textKey(m, "text", text, i, ctx), "text", text, null, null, null, null, null));
                }
                case "thinking", "redacted_thinking" -> {
                    String text = "thinking".equals(type) ? Json.text(b, "thinking") : "[redacted thinking]";
                    out.add(block(m, textKey(m, "thinking", text, i, ctx), "thinking", text, null, null, null, null,
                            null));
                }
                case "tool_use", "server_tool_use" -> {
                    String id = Json.text(b, "id");
                    String name = Json.text(b, "name");
                    String input = b.has("input") ? b.get("input").toString() : "{}";
                    out.add(block(m, "tu:" + id, "tool_use", Texts.preview(input), name, input, null, null, id));
                    rememberPrCreate(b, id, ctx);
                }
                case "tool_result" -> {
                    String id = Json.text(b, "tool_use_id");
                    String output = resultText(b.get("content"));
                    boolean error = Json.flag(b, "is_error"); // absent means success
                    out.add(block(m, "tr:" + id, "tool_result", Texts.preview(output), null, null, output, !error, id));
                    pullRequest(m, id, output, error, ctx, out);
                }
                case "image" -> {
                    String text = image(b);
                    out.add(block(m, textKey(m, "image", text, i, ctx), "image", text, null, null, null, null, null));
                }
                default -> {
                    String text = b.toString();
                    out.add(block(m, textKey(m, type, text, i, ctx), type, Texts.preview(text), null, null, null, null,
                            null));
                }
            }
            i++;
        }
    }

    private ConversationBlock block(Message m, String key, String contentType, String content, String toolName,
                                    String toolInput, String toolOutput, Boolean success, String toolUseId) {
        return new ConversationBlock(m.stream(), key, m.at(), m.timeSource(), m.role(), contentType,
                content == null ? "" : content, toolName, toolInput, toolOutput, success, toolUseId, m.sidechain(),
                m.parentToolUseId(), m.messageId(), m.model());
    }

    /**
     * Natural key of a text-like block: the API message id for assistant blocks (shared by both copies of
     * a run); the line's uuid for user text; the byte offset as a last resort.
     */
    private static String textKey(Message m, String kind, String text, int index, ParseContext ctx) {
        String h = Texts.hash(text);
        if (m.messageId() != null) {
            return "a:" + m.messageId() + ":" + kind + ":" + h;
        }
        if (m.uuid() != null) {
            return m.role().charAt(0) + ":" + m.uuid() + ":" + index + ":" + kind + ":" + h;
        }
        return m.role().charAt(0) + "@" + ctx.file().fileId() + ":" + ctx.lineOffset() + ":" + index + ":" + h;
    }

    /** Text of a tool result's content: a string, or text and image blocks. */
    String resultText(JsonNode c) {
        if (c == null || c.isNull()) {
            return "";
        }
        if (c.isTextual()) {
            return c.asText();
        }
        if (!c.isArray()) {
            return c.toString();
        }
        StringBuilder sb = new StringBuilder();
        for (JsonNode part : c) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            String type = Json.text(part, "type");
            if ("text".equals(type)) {
                sb.append(Json.text(part, "text"));
            } else if ("image".equals(type)) {
                sb.append(image(part));
            } else {
                sb.append(part.toString());
            }
        }
        return sb.toString();
    }

    /**
     * Base64 images are replaced by a placeholder with media type, decoded size and SHA-256 (unless
     * configured to keep them).
     */
    String image(JsonNode b) {
        JsonNode src = b.path("source");
        String media = src.path("media_type").asText("unknown");
        String data = src.path("data").asText("");
        if (keepImages) {
            return "data:" + media + ";base64," + data;
        }
        try {
            byte[] bytes = Base64.getMimeDecoder().decode(data);
            return "[image " + media + ", " + bytes.length + " bytes, sha256 " + Hashes.sha256Hex(bytes) + "]";
        } catch (IllegalArgumentException e) {
            return "[image " + media + ", " + data.length() + " base64 characters (not decodable)]";
        }
    }

    /** Remembers Bash calls that run `gh pr create`, so their output can be recognised as a new PR. */
    private static void rememberPrCreate(JsonNode toolUse, String id, ParseContext ctx) {
        String command = toolUse.path("input").path("command").asText("");
        if (id == null || !command.contains("gh pr create")) {
            return;
        }
        ArrayNode pending = ctx.state().has(PR_CALLS) ? (ArrayNode) ctx.state().get(PR_CALLS)
                : ctx.state().putArray(PR_CALLS);
        pending.add(id);
        while (pending.size() > MAX_PENDING_PR_CALLS) {
            pending.remove(0);
        }
    }

    private static void pullRequest(Message m, String toolUseId, String output, boolean error, ParseContext ctx,
                                    List<Fact> out) {
        JsonNode pending = ctx.state().get(PR_CALLS);
        if (error || toolUseId == null || pending == null) {
            return;
        }
        for (int i = 0; i < pending.size(); i++) {
            if (toolUseId.equals(pending.get(i).asText())) {
                ((ArrayNode) pending).remove(i);
                if (pending.isEmpty()) {
                    ((ObjectNode) ctx.state()).remove(PR_CALLS);
                }
                Matcher pr = PR_URL.matcher(output);
                if (pr.find()) {
                    out.add(new PullRequestObserved(m.stream(), m.at(), m.timeSource(),
                            Integer.parseInt(pr.group(1)), pr.group(), "gh pr create (" + toolUseId + ")"));
                }
                return;
            }
        }
    }
}
