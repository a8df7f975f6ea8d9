package io.taclog.cli;

import io.taclog.query.TaskStory;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * Renders an evidence bundle as Markdown for a PR. Transcript text is untrusted (written by an LLM and
 * by tools): inline values are escaped and longer text goes into code fences longer than any backtick
 * run inside it, so nothing in a transcript can inject Markdown or HTML.
 */
final class MarkdownBundle {

    private static final int MAX_BLOCK_CHARS = 4000;
    private final PrintWriter out;

    MarkdownBundle(PrintWriter out) {
        this.out = out;
    }

    @SuppressWarnings("unchecked")
    void write(Map<String, Object> b) {
        Map<String, Object> task = (Map<String, Object>) b.get("task");
        Map<String, Object> totals = (Map<String, Object>) b.get("totals");
        out.printf("# Evidence for task %s%n%n", inline(task.get("task_id")));
        out.printf("- **Title:** %s%n", inline(task.get("title")));
        out.printf("- **Status:** %s%s%n", inline(task.get("status")),
                task.get("pr_number") == null ? "" : " (PR #" + inline(task.get("pr_number")) + ")");
        out.printf("- **Cost:** $%.4f (%s; price-table estimate $%.4f)%n", (Double) totals.get("cost_usd"),
                inline(totals.get("basis")), (Double) totals.get("estimated_usd"));
        out.printf("- **Workers:** %s, **API calls:** %s, **tool calls:** %s (%s failed), **errors:** %s%n",
                totals.get("workers"), totals.get("calls"), totals.get("tool_calls"), totals.get("tool_failures"),
                totals.get("errors"));
        out.printf("- **Generated:** %s (bundle version %s)%n%n", b.get("generated_at"), b.get("bundle_version"));
        section("Decisions", (List<Map<String, Object>>) b.get("decisions"), "timestamp", "function_name",
                "decision_point", "decision_reason");
        section("Status history", (List<Map<String, Object>>) b.get("status_history"), "timestamp", "from_status",
                "to_status", "worker_id", "reason");
        section("Worktree operations", (List<Map<String, Object>>) b.get("worktree_operations"), "timestamp",
                "operation", "worktree_path", "decision_reason");
        for (Map<String, Object> w : (List<Map<String, Object>>) b.get("workers")) {
            worker(w);
        }
        section("Errors and warnings", (List<Map<String, Object>>) b.get("errors"), "timestamp", "severity",
                "event_type", "message");
        out.flush();
    }

    @SuppressWarnings("unchecked")
    private void worker(Map<String, Object> w) {
        TaskStory.WorkerSummary s = (TaskStory.WorkerSummary) w.get("summary");
        out.printf("## Worker %s%n%n", inline(s.workerId()));
        out.printf("- status %s, spawned %s, %s calls, cost $%.4f (%s)%n%n", inline(s.status()), inline(s.spawnedAt()),
                s.calls(), s.costUsd(), s.basis());
        section("Cost breakdown", (List<Map<String, Object>>) w.get("cost_breakdown"), "model", "is_sidechain",
                "calls", "tokens_input", "tokens_output", "tokens_cache_read", "tokens_cache_write_5m",
                "tokens_cache_write_1h", "estimated_usd", "price_versions");
        section("Reported by the agent", (List<Map<String, Object>>) w.get("reported_model_usage"), "model",
                "tokens_input", "tokens_output", "tokens_cached_read", "tokens_cached_write", "reported_cost_usd");
        out.println("### Conversation");
        out.println();
        for (Map<String, Object> m : (List<Map<String, Object>>) w.get("conversation")) {
            String type = String.valueOf(m.get("content_type"));
            out.printf("**%s %s** %s%s%n%n", inline(m.get("message_index")), inline(m.get("role")), inline(type),
                    m.get("tool_name") == null ? "" : " `" + inline(m.get("tool_name")).replace("`", "") + "`");
            Object body = "tool_use".equals(type) ? m.get("tool_input") : "tool_result".equals(type)
                    ? m.get("tool_output") : m.get("content");
            fenced(body);
        }
    }

    private void section(String title, List<Map<String, Object>> rows, String... cols) {
        out.printf("### %s%n%n", title);
        if (rows == null || rows.isEmpty()) {
            out.println("(none)");
            out.println();
            return;
        }
        out.println("| " + String.join(" | ", cols) + " |");
        out.println("|" + " --- |".repeat(cols.length));
        for (Map<String, Object> r : rows) {
            StringBuilder sb = new StringBuilder("|");
            for (String c : cols) {
                sb.append(' ').append(inline(r.get(c))).append(" |");
            }
            out.println(sb);
        }
        out.println();
    }

    private void fenced(Object value) {
        String text = value == null ? "" : String.valueOf(value);
        if (text.length() > MAX_BLOCK_CHARS) {
            text = text.substring(0, MAX_BLOCK_CHARS) + "\n... [" + (text.length() - MAX_BLOCK_CHARS)
                    + " more characters in the JSON bundle]";
        }
        String fence = "`".repeat(Math.max(3, longestBacktickRun(text) + 1));
        out.println(fence + "text");
        out.println(text);
        out.println(fence);
        out.println();
    }

    private static int longestBacktickRun(String s) {
        int best = 0;
        int run = 0;
        for (int i = 0; i < s.length(); i++) {
            run = s.charAt(i) == '`' ? run + 1 : 0;
            best = Math.max(best, run);
        }
        return best;
    }

    /** Escapes a value for inline Markdown (tables, bold text): no markup, no HTML, one line. */
    static String inline(Object v) {
        if (v == null) {
            return "";
        }
        String s = String.valueOf(v).replace('\n', ' ').replace('\r', ' ');
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\', '`', '*', '_', '[', ']', '#', '|', '!', '~' -> sb.append('\\').append(c);
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                default -> sb.append(c < 0x20 ? ' ' : c);
            }
        }
        return sb.length() > 300 ? sb.substring(0, 300) + "..." : sb.toString();
    }
}
