package io.taclog.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taclog.testing.CliRun;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Optional;

/**
 * Databases the dashboard tests serve, each built once per JVM by a real backfill: the bundled demo (as the README's
 * first command loads it), and a hostile transcript whose every string tries to run script in the page.
 */
final class DashboardFixtures {

    /** In the hostile tool output, past its first 2,000 characters: search must find it in the whole text. */
    static final String MARKER = "ZEBRAFISH-7731";
    /** Characters of the hostile transcript's big tool output (about 5 MB). */
    static final int BIG_OUTPUT_CHARS = 5 * 1024 * 1024;
    static final String HOSTILE_TASK = "gh-666";
    static final String HOSTILE_SESSION = "6e7a1c2d-0b9f-4c55-9d1e-5a5a5a5a5a5a";
    /** What the page must show as text; each would set window.__pwned if it ran. */
    static final String SCRIPT = "<script>window.__pwned=1</script>";
    static final String IMG = "<img src=x onerror=\"window.__pwned=2\">";
    static final String JS_LINK = "[click me](javascript:window.__pwned=3)";
    static final String JS_URL = "javascript:window.__pwned=4";

    private static Path demo;
    private static Path hostile;
    private static Path hostileDir;

    private DashboardFixtures() {
    }

    /** The demo database (samples/taclog.properties, backfilled into a temporary file). */
    static synchronized Path demo() throws Exception {
        if (demo == null) {
            Path dir = Files.createTempDirectory("taclog-dash-demo-");
            demo = dir.resolve("demo.db");
            CliRun r = CliRun.of("backfill", "--config", "samples/taclog.properties", "--db", demo.toString(),
                    "--no-progress");
            assertEquals(0, r.code(), () -> "demo backfill failed:\n" + r.out() + r.err());
        }
        return demo;
    }

    /** A database holding one hostile worker transcript ({@link #writeHostile}). */
    static synchronized Path hostile() throws Exception {
        if (hostile == null) {
            hostileDir = Files.createTempDirectory("taclog-dash-hostile-");
            writeHostile(hostileDir.resolve("logs").resolve(HOSTILE_TASK + ".jsonl"));
            hostile = hostileDir.resolve("hostile.db");
            CliRun r = CliRun.of("backfill", "--db", hostile.toString(), "--watch",
                    hostileDir.resolve("logs").toString(), "--no-progress");
            assertEquals(0, r.code(), () -> "hostile backfill failed:\n" + r.out() + r.err());
        }
        return hostile;
    }

    static DashboardSettings settings(Path db) {
        return new DashboardSettings(db, "127.0.0.1", 0, Optional.empty(), ZoneId.of("UTC"), Optional.of(1.0),
                100_000);
    }

    /**
     * A Claude Code stream-json transcript in which every string an LLM or a tool controls is an attack: script
     * tags, event-handler attributes, javascript: links in text, tool inputs, thinking, a failed result, a subagent
     * and an image's media type, and one tool output of about 5 MB.
     */
    static void writeHostile(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        ObjectMapper m = new ObjectMapper();
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            ObjectNode init = m.createObjectNode().put("type", "system").put("subtype", "init")
                    .put("cwd", "/tmp/trees/" + HOSTILE_TASK).put("session_id", HOSTILE_SESSION)
                    .put("model", "claude-sonnet-4-5-20250929");
            line(w, m, init);
            line(w, m, assistant(m, "msg_hostile_01", null, m.createObjectNode().put("type", "text").put("text",
                    "Hello " + SCRIPT + " and " + IMG + " and " + JS_LINK + " and " + JS_URL
                            + " and <a href=\"javascript:window.__pwned=5\">a link</a>")));
            line(w, m, assistant(m, "msg_hostile_02", null, m.createObjectNode().put("type", "thinking")
                    .put("thinking", "I think " + SCRIPT).put("signature", "sig")));
            ObjectNode input = m.createObjectNode().put("command", "echo '" + SCRIPT + "'").put("description", IMG);
            line(w, m, assistant(m, "msg_hostile_03", null, m.createObjectNode().put("type", "tool_use")
                    .put("id", "toolu_hostile_big").put("name", "Bash<script>window.__pwned=6</script>")
                    .set("input", input)));
            StringBuilder big = new StringBuilder(BIG_OUTPUT_CHARS + 200);
            big.append(SCRIPT).append('\n').append(IMG).append('\n');
            int n = 0;
            while (big.length() < BIG_OUTPUT_CHARS) {
                big.append("line ").append(n++).append(": <b>bold?</b> <iframe src=\"javascript:window.__pwned=7\">\n");
            }
            big.append(MARKER).append(" end of the output\n");
            line(w, m, toolResult(m, "toolu_hostile_big", big.toString(), false));
            line(w, m, assistant(m, "msg_hostile_04", null, m.createObjectNode().put("type", "tool_use")
                    .put("id", "toolu_hostile_fail").put("name", "Read")
                    .set("input", m.createObjectNode().put("file_path", "/etc/<svg onload=window.__pwned=8>"))));
            line(w, m, toolResult(m, "toolu_hostile_fail", "Error: <b onmouseover=window.__pwned=9>no such file</b>",
                    true));
            line(w, m, assistant(m, "msg_hostile_05", null, m.createObjectNode().put("type", "tool_use")
                    .put("id", "toolu_hostile_task").put("name", "Task").set("input", m.createObjectNode()
                            .put("description", "<script>window.__pwned=10</script>").put("subagent_type", "Explore")
                            .put("prompt", "look"))));
            line(w, m, assistant(m, "msg_hostile_06", "toolu_hostile_task", m.createObjectNode().put("type", "text")
                    .put("text", "subagent says " + IMG)));
            line(w, m, toolResult(m, "toolu_hostile_task", "subagent result " + SCRIPT, false));
            ObjectNode image = m.createObjectNode().put("type", "image");
            image.set("source", m.createObjectNode().put("type", "base64").put("media_type", "image/png")
                    .put("data", "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="));
            ObjectNode user = m.createObjectNode().put("type", "user").put("session_id", HOSTILE_SESSION);
            ObjectNode msg = user.putObject("message").put("role", "user");
            msg.putArray("content").add(image).add(m.createObjectNode().put("type", "text").put("text",
                    "a picture " + SCRIPT));
            line(w, m, user);
            ObjectNode result = m.createObjectNode().put("type", "result").put("subtype", "success")
                    .put("is_error", false).put("duration_ms", 4000).put("num_turns", 3)
                    .put("result", "done " + SCRIPT).put("session_id", HOSTILE_SESSION).put("total_cost_usd", 0.0421);
            line(w, m, result);
        }
    }

    private static ObjectNode assistant(ObjectMapper m, String id, String parent, ObjectNode block) {
        ObjectNode line = m.createObjectNode().put("type", "assistant").put("session_id", HOSTILE_SESSION);
        if (parent != null) {
            line.put("parent_tool_use_id", parent);
        }
        ObjectNode msg = line.putObject("message").put("model", "claude-sonnet-4-5-20250929").put("id", id)
                .put("type", "message").put("role", "assistant");
        ArrayNode content = msg.putArray("content");
        content.add(block);
        msg.putObject("usage").put("input_tokens", 10).put("output_tokens", 20).put("cache_read_input_tokens", 1000)
                .put("cache_creation_input_tokens", 100);
        return line;
    }

    private static ObjectNode toolResult(ObjectMapper m, String id, String content, boolean error) {
        ObjectNode line = m.createObjectNode().put("type", "user").put("session_id", HOSTILE_SESSION);
        ObjectNode msg = line.putObject("message").put("role", "user");
        ObjectNode r = m.createObjectNode().put("type", "tool_result").put("tool_use_id", id).put("content", content);
        if (error) {
            r.put("is_error", true);
        }
        msg.putArray("content").add(r);
        return line;
    }

    private static void line(BufferedWriter w, ObjectMapper m, ObjectNode node) throws Exception {
        w.write(m.writeValueAsString(node));
        w.write('\n');
    }
}
