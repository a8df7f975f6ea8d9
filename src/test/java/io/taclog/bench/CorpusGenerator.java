package io.taclog.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Random;
import java.util.UUID;

/**
 * Writes a corpus of worker transcripts in the real Claude Code stream-json shape: an init line, then
 * turns of assistant lines (one per content block, repeating the usage with growing output tokens, as
 * the real files do) and user tool_result lines whose sizes follow the real samples (mostly 200 B to a
 * few KB, some tens of KB, a few 100-300 KB, and occasional ~250 KB base64 screenshots), and a result
 * line. Deterministic for a given seed.
 */
public final class CorpusGenerator {

    private final Random random;
    private final String filler;

    public CorpusGenerator(long seed) {
        this.random = new Random(seed);
        StringBuilder sb = new StringBuilder();
        String[] words = {"const", "value", "return", "function", "import", "export", "interface", "number", "string",
            "await", "async", "props", "render", "state", "the", "file", "line", "test", "error", "config"};
        while (sb.length() < 400_000) {
            sb.append(words[random.nextInt(words.length)]).append(random.nextInt(8) == 0 ? "\\n" : " ");
        }
        this.filler = sb.toString();
    }

    /** Writes files until about {@code totalBytes}; returns {lines, bytes}. */
    public long[] write(Path dir, int files, long totalBytes) throws IOException {
        Files.createDirectories(dir);
        long perFile = Math.max(1, totalBytes / files);
        long lines = 0;
        long bytes = 0;
        for (int f = 0; f < files; f++) {
            Path p = dir.resolve("gh-" + (1000 + f) + ".jsonl");
            long[] r = writeFile(p, perFile);
            lines += r[0];
            bytes += r[1];
        }
        return new long[] {lines, bytes};
    }

    private long[] writeFile(Path p, long target) throws IOException {
        String sid = new UUID(random.nextLong(), random.nextLong()).toString();
        long lines = 0;
        long bytes = 0;
        try (BufferedWriter w = Files.newBufferedWriter(p, StandardCharsets.UTF_8)) {
            bytes += line(w, "{\"type\":\"system\",\"subtype\":\"init\",\"cwd\":\"/home/demo/repo/trees/gh-1\","
                    + "\"session_id\":\"" + sid + "\",\"tools\":[\"Task\",\"Bash\",\"Read\",\"Edit\",\"Write\"],"
                    + "\"mcp_servers\":[],\"model\":\"claude-sonnet-4-5-20250929\",\"permissionMode\":"
                    + "\"bypassPermissions\",\"apiKeySource\":\"none\",\"claude_code_version\":\"2.1.4\",\"uuid\":\""
                    + UUID.randomUUID() + "\"}");
            lines++;
            long cacheRead = 20_000;
            int turn = 0;
            while (bytes < target) {
                String msg = "msg_" + Long.toHexString(random.nextLong());
                String toolId = "toolu_" + Long.toHexString(random.nextLong());
                cacheRead += 1000 + random.nextInt(4000);
                int out = 20 + random.nextInt(600);
                bytes += line(w, assistant(sid, msg, "{\"type\":\"text\",\"text\":\"" + text(80 + random.nextInt(400))
                        + "\"}", 1, cacheRead));
                bytes += line(w, assistant(sid, msg, "{\"type\":\"tool_use\",\"id\":\"" + toolId
                        + "\",\"name\":\"Read\","
                        + "\"input\":{\"file_path\":\"/home/demo/repo/src/file" + turn + ".ts\"}}", out, cacheRead));
                bytes += line(w, toolResult(sid, toolId));
                lines += 3;
                turn++;
            }
            bytes += line(w, "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"duration_ms\":590082,"
                    + "\"duration_api_ms\":610351,\"num_turns\":" + turn + ",\"result\":\"done\","
                    + "\"session_id\":\"" + sid
                    + "\",\"total_cost_usd\":1.82,\"usage\":{\"input_tokens\":667,"
                    + "\"cache_creation_input_tokens\":71751,"
                    + "\"cache_read_input_tokens\":3180197,\"output_tokens\":33546},\"modelUsage\":{"
                    + "\"claude-sonnet-4-5-20250929\":{\"inputTokens\":667,\"outputTokens\":33546,"
                    + "\"cacheReadInputTokens\":3180197,\"cacheCreationInputTokens\":71751,\"webSearchRequests\":0,"
                    + "\"costUSD\":1.82,\"contextWindow\":200000}},\"permission_denials\":[],\"uuid\":\""
                    + UUID.randomUUID() + "\"}");
            lines++;
        }
        return new long[] {lines, bytes};
    }

    private String assistant(String sid, String msg, String block, int out, long cacheRead) {
        return "{\"type\":\"assistant\",\"message\":{\"model\":\"claude-sonnet-4-5-20250929\",\"id\":\"" + msg
                + "\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[" + block + "],\"stop_reason\":null,"
                + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":4,\"cache_creation_input_tokens\":812,"
                + "\"cache_read_input_tokens\":" + cacheRead + ",\"cache_creation\":{\"ephemeral_5m_input_tokens\":812,"
                + "\"ephemeral_1h_input_tokens\":0},\"output_tokens\":" + out + ",\"service_tier\":\"standard\"}},"
                + "\"parent_tool_use_id\":null,\"session_id\":\"" + sid + "\",\"uuid\":\"" + UUID.randomUUID() + "\"}";
    }

    private String toolResult(String sid, String toolId) {
        int r = random.nextInt(100);
        String content;
        if (r < 2) {
            byte[] png = new byte[180_000 + random.nextInt(10_000)];
            random.nextBytes(png);
            content = "[{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\""
                    + Base64.getEncoder().encodeToString(png) + "\"}}]";
        } else {
            int size = r < 60 ? 200 + random.nextInt(2000) : r < 90 ? 2000 + random.nextInt(30_000)
                    : r < 98 ? 30_000 + random.nextInt(70_000) : 100_000 + random.nextInt(200_000);
            content = "\"" + text(size) + "\"";
        }
        return "{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":[{\"tool_use_id\":\"" + toolId
                + "\",\"type\":\"tool_result\",\"content\":" + content + "}]},\"parent_tool_use_id\":null,"
                + "\"session_id\":\"" + sid + "\",\"uuid\":\"" + UUID.randomUUID() + "\"}";
    }

    private String text(int n) {
        int start = random.nextInt(filler.length() - n - 2);
        String s = filler.substring(start, start + n);
        return s.endsWith("\\") ? s + "n" : s;
    }

    private static long line(BufferedWriter w, String s) throws IOException {
        w.write(s);
        w.write('\n');
        return s.getBytes(StandardCharsets.UTF_8).length + 1L;
    }
}
