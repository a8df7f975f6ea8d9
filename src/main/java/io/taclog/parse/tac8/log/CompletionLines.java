package io.taclog.parse.tac8.log;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taclog.model.coordinator.Sources;
import io.taclog.model.coordinator.TaskStatusChanged;
import io.taclog.parse.tac8.JsonObj;
import io.taclog.parse.tac8.RepoPaths;
import io.taclog.parse.tac8.rules.RuleMatch;

/**
 * The completion check (D01-D24, A01): never printed by the real TAC-8 (research finding 4), mapped so
 * that a fixed coordinator's log is understood: a {@code check_completions} decision per finished
 * worker, and the task's completion, block, retry or failure with its PR.
 */
final class CompletionLines {

    private static final String FUNCTION = "check_completions";
    private static final String POINT = "worker_finished";

    void handle(LineContext lc) {
        RuleMatch m = lc.m;
        if ("completion.start".equals(m.target())) {
            ObjectNode cc = lc.st.openGroup(LogState.COMPLETION, lc.key);
            cc.put("worker", m.text("worker"));
            cc.put("task", m.text("task"));
            lc.keep = LogState.COMPLETION;
            lc.decision(lc.key, "worker", m.text("worker"), FUNCTION, POINT,
                    JsonObj.of().put("worker_id", m.text("worker")).put("task_id", m.text("task")), null, null);
            return;
        }
        ObjectNode cc = lc.st.group(LogState.COMPLETION);
        if (cc == null) {
            lc.orphan("completion");
            return;
        }
        lc.keep = LogState.COMPLETION;
        String worker = cc.path("worker").asText();
        String task = m.text("task") != null ? m.text("task") : cc.path("task").asText();
        String group = cc.path("key").asText();
        switch (m.target()) {
            case "completion.field" -> {
                JsonObj in = JsonObj.of();
                m.fields().forEach((k, v) -> in.put(JsonObj.snake(k), m.decimal(k) != null ? m.decimal(k) : v));
                lc.decision(group, "worker", worker, FUNCTION, POINT, in, null, null);
            }
            case "completion.pr" -> {
                Integer pr = m.integer("pr");
                String url = m.text("url");
                if (pr == null && url != null && url.matches(".*/pull/\\d+/?$")) {
                    pr = Integer.valueOf(url.replaceAll(".*/pull/(\\d+)/?$", "$1"));
                }
                lc.decision(group, "worker", worker, FUNCTION, POINT, null,
                        JsonObj.of().put("result", "completed").put("pr_number", pr).put("pr_url", url), lc.message());
                lc.status(new TaskStatusChanged(lc.key, lc.session, task, lc.when, "completed", worker,
                        "PR created", Sources.LOG, false, null, null, null, null, null, null, pr, url, null));
            }
            case "completion.comment", "completion.comment_url" -> {
                lc.interleaved = "completion.comment_url".equals(m.target());
                lc.decision(group, "worker", worker, FUNCTION, POINT, null, JsonObj.of().put("comment_posted", true)
                        .put("comment_url", m.text("url")).put("issue", m.integer("issue")), null);
            }
            case "completion.comment_failed", "completion.cleanup_failed" -> {
                lc.event("completion.comment_failed".equals(m.target()) ? "comment_failed" : "cleanup_failed",
                        "coordinator", worker, task);
                lc.decision(group, "worker", worker, FUNCTION, POINT, null,
                        JsonObj.of().put(JsonObj.snake(m.target().substring(11)), m.text("error")), null);
            }
            case "completion.cleanup" -> lc.worktree(lc.key, RepoPaths.taskOfWorktree(m.text("path")), "remove",
                    m.text("path"), null, "cleanup after the task completed", null, null, null, null, null, worker);
            case "completion.blocked" -> {
                lc.decision(group, "worker", worker, FUNCTION, POINT, null, JsonObj.of().put("result", "blocked"),
                        lc.message());
                lc.status(task, "blocked", worker, "blocked: waiting for a human (BLOCKED.md)");
            }
            case "completion.failed" -> {
                String error = m.text("error");
                lc.event("task_failed", "coordinator", worker, task);
                lc.decision(group, "worker", worker, FUNCTION, POINT, null,
                        JsonObj.of().put("result", "failed").put("error", error), lc.message());
                lc.status(task, "failed", worker, error);
            }
            case "completion.retry" -> {
                Integer attempt = m.integer("attempt");
                String type = m.text("failureType");
                cc.put("attempt", attempt);
                lc.decision(group, "worker", worker, FUNCTION, POINT, null, JsonObj.of().put("result", "retry")
                        .put("attempt", attempt).put("max_attempts", m.integer("max")).put("failure_type", type),
                        lc.message());
                lc.status(new TaskStatusChanged(lc.key, lc.session, task, lc.when, "pending", worker,
                        "failed attempt " + attempt + "/" + m.text("max") + " (" + type + "); will retry", Sources.LOG,
                        false, null, attempt, m.integer("max"), type, null, null, null, null, null));
            }
            case "completion.retry_in" -> lc.decision(group, "worker", worker, FUNCTION, POINT, null,
                    JsonObj.of().put("backoff_s", m.integer("seconds")), null);
            case "completion.failed_permanently" -> {
                String type = m.text("failureType");
                lc.decision(group, "worker", worker, FUNCTION, POINT, null, JsonObj.of().put("result", "failed")
                        .put("attempts", m.integer("attempts")).put("failure_type", type), lc.message());
                lc.status(new TaskStatusChanged(lc.key, lc.session, task, lc.when, "failed", worker,
                        "failed permanently after " + m.text("attempts") + " attempts (" + type + ")", Sources.LOG,
                        false, null, m.integer("attempts"), null, type, null, null, null, null, null));
            }
            case "completion.alert" -> {
                ArrayNode alerts = cc.has("alerts") ? (ArrayNode) cc.get("alerts") : cc.putArray("alerts");
                alerts.add(m.text("alert"));
                lc.decision(group, "worker", worker, FUNCTION, POINT, null, JsonObj.of().put("alerts",
                        alerts.deepCopy()),
                        null);
            }
            default -> throw new IllegalStateException("not a completion target: " + m.target());
        }
    }
}
