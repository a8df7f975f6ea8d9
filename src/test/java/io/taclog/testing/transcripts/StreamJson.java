package io.taclog.testing.transcripts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.UUID;

/**
 * Lines of a Claude Code {@code --output-format stream-json --verbose} stream in the real 2.x shapes, for tests
 * that need a few lines of their own (the larger scenarios live as files under fixtures/transcripts/).
 */
public final class StreamJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String sessionId;

    public StreamJson(String sessionId) {
        this.sessionId = sessionId;
    }

    public String sessionId() {
        return sessionId;
    }

    public String init(String model, String cwd) {
        ObjectNode r = JSON.createObjectNode().put("type", "system").put("subtype", "init").put("cwd", cwd)
                .put("session_id", sessionId);
        r.putArray("tools").add("Bash").add("Read").add("Edit");
        r.putArray("mcp_servers");
        r.put("model", model).put("permissionMode", "bypassPermissions").put("apiKeySource", "none")
                .put("claude_code_version", "2.1.4").put("uuid", UUID.randomUUID().toString());
        return r.toString();
    }

    /** One line of an API response with one text block. */
    public String text(String messageId, String model, String text, long in, long out, long cacheRead,
                       long cacheWrite) {
        ObjectNode block = JSON.createObjectNode().put("type", "text").put("text", text);
        return assistant(messageId, model, block, in, out, cacheRead, cacheWrite);
    }

    /** One line of an API response with one tool_use block. */
    public String toolUse(String messageId, String model, String toolUseId, String name, long in, long out,
                          long cacheRead, long cacheWrite) {
        ObjectNode block = JSON.createObjectNode().put("type", "tool_use").put("id", toolUseId).put("name", name);
        block.putObject("input").put("command", "true");
        return assistant(messageId, model, block, in, out, cacheRead, cacheWrite);
    }

    private String assistant(String messageId, String model, ObjectNode block, long in, long out, long cacheRead,
                             long cacheWrite) {
        ObjectNode r = JSON.createObjectNode().put("type", "assistant");
        ObjectNode m = r.putObject("message").put("model", model).put("id", messageId).put("type", "message")
                .put("role", "assistant");
        m.putArray("content").add(block);
        m.putNull("stop_reason");
        m.putNull("stop_sequence");
        ObjectNode u = m.putObject("usage").put("input_tokens", in).put("cache_creation_input_tokens", cacheWrite)
                .put("cache_read_input_tokens", cacheRead);
        u.putObject("cache_creation").put("ephemeral_5m_input_tokens", cacheWrite).put("ephemeral_1h_input_tokens", 0);
        u.put("output_tokens", out).put("service_tier", "standard");
        m.putNull("context_management");
        r.putNull("parent_tool_use_id");
        r.put("session_id", sessionId).put("uuid", UUID.randomUUID().toString());
        return r.toString();
    }

    /** A user line answering a tool call. */
    public String toolResult(String toolUseId, String content, Boolean isError) {
        ObjectNode r = JSON.createObjectNode().put("type", "user");
        ObjectNode m = r.putObject("message").put("role", "user");
        ObjectNode b = m.putArray("content").addObject().put("tool_use_id", toolUseId).put("type", "tool_result")
                .put("content", content);
        if (isError != null) {
            b.put("is_error", isError);
        }
        r.putNull("parent_tool_use_id");
        r.put("session_id", sessionId).put("uuid", UUID.randomUUID().toString());
        return r.toString();
    }
}
