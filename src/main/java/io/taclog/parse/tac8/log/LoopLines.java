package io.taclog.parse.tac8.log;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taclog.model.coordinator.Sources;
import io.taclog.model.coordinator.TaskStatusChanged;
import io.taclog.model.coordinator.WorkerSpawned;
import io.taclog.parse.tac8.FailureTypes;
import io.taclog.parse.tac8.JsonObj;
import io.taclog.parse.tac8.RepoPaths;
import io.taclog.parse.tac8.rules.RuleMatch;

/**
 * The run loop's own prints: issues found, label removals, retry back-off and relaunch, launch
 * failures, main-loop errors and a failed GitHub fetch (research section 3.2, "Polling").
 */
final class LoopLines {

    private static final String COMPONENT = "coordinator";
    private static final String RUN = "run";

    private final TracebackLines tracebacks;

    LoopLines(TracebackLines tracebacks) {
        this.tracebacks = tracebacks;
    }

    void handle(LineContext lc) {
        RuleMatch m = lc.m;
        switch (m.target()) {
            case "poll.found" -> lc.trigger("issues_found", "github", JsonObj.of().put("count", m.integer("count"))
                    .put("note", "TAC-8 prints only the count; the ids are the new entries of the next tasks.md"),
                    null);
            case "label.removed" -> labelRemoved(lc);
            case "label.summary" -> {
                ObjectNode g = lc.st.group(LogState.LABELS);
                int seen = g == null ? 0 : g.path("count").asInt();
                lc.event("label_cleanup", COMPONENT, null, null);
                lc.patchEvent(lc.key, JsonObj.of().put("removal_lines", seen)
                        .put("consistent", m.integer("count") != null && m.integer("count") == seen));
                lc.st.fetchFailed(false);
            }
            case "retry.backoff" -> {
                String task = m.text("task");
                lc.decision(lc.key, "task", task, RUN, "retry_backoff_wait",
                        JsonObj.of().put("task_id", task).put("remaining_s", m.integer("remaining"))
                                .put("attempts", lc.st.attempt(task) == 0 ? null : lc.st.attempt(task)),
                        JsonObj.of().put("action", "wait"), "task is in retry back-off");
            }
            case "retry.attempt" -> {
                String task = m.text("task");
                int attempt = m.requiredInt("attempt");
                lc.st.attempt(task, attempt - 1); // "attempt {attempt_count+1}": failures so far
                lc.decision(lc.key, "task", task, RUN, "retry",
                        JsonObj.of().put("task_id", task).put("attempt", attempt).put("max_attempts",
                                m.integer("max")),
                        JsonObj.of().put("action", "relaunch"), "back-off elapsed; relaunching");
                lc.status(new TaskStatusChanged(lc.key, lc.session, task, lc.when, "assigned", null,
                        "retry attempt " + attempt + "/" + m.text("max"), Sources.LOG, false, null, attempt,
                        m.integer("max"), null, null, null, null, null, null));
            }
            case "launch.failed" -> launchFailed(lc);
            case "loop.error" -> {
                lc.event("main_loop_error", COMPONENT, null, null);
                attachPendingExit(lc, "the gh/git call that failed just before this error");
                tracebacks.errorLine(lc, m.text("error"));
            }
            case "github.fetch_failed" -> {
                lc.event("github_fetch_failed", "github", null, null);
                attachPendingExit(lc, "the gh issue list call");
                lc.st.fetchFailed(true);
                lc.keep = LogState.LABELS;
            }
            default -> throw new IllegalStateException("not a loop target: " + m.target());
        }
    }

    private static void labelRemoved(LineContext lc) {
        RuleMatch m = lc.m;
        String task = m.text("task");
        boolean suspect = lc.st.fetchFailed();
        ObjectNode g = lc.st.group(LogState.LABELS);
        if (g == null) {
            g = lc.st.openGroup(LogState.LABELS, lc.key);
        }
        g.put("count", g.path("count").asInt() + 1);
        lc.keep = LogState.LABELS;
        lc.trigger("label_removed", "github", JsonObj.of().put("task_id", task).put("label", m.text("label"))
                .put("suspect", suspect ? Boolean.TRUE : null)
                .put("why_suspect", suspect ? "printed right after a failed GitHub fetch: the empty issue list "
                        + "removes every pending task (research finding 5)" : null), task);
        lc.decision(lc.key, "task", task, RUN, "remove_unlabelled_pending_task",
                JsonObj.of().put("task_id", task).put("label", m.text("label")).put("fetch_failed_this_cycle", suspect),
                JsonObj.of().put("action", "remove"), lc.message());
        lc.status(task, "removed", null, "no longer has the " + m.text("label") + " label"
                + (suspect ? " (suspect: right after a failed GitHub fetch)" : ""));
    }

    private void launchFailed(LineContext lc) {
        RuleMatch m = lc.m;
        String task = m.text("task");
        String error = m.text("error");
        String worker = RepoPaths.workerInText(error);
        ObjectNode sp = lc.st.group(LogState.SPAWN);
        if (sp != null && !task.equals(sp.path("task").asText())) {
            sp = null;
        }
        ObjectNode wt = lc.st.group(LogState.WORKTREE);
        if (wt != null && !task.equals(wt.path("task").asText())) {
            wt = null;
        }
        int attempt = lc.st.attempt(task) + 1;
        lc.st.attempt(task, attempt);
        String type = FailureTypes.categorize(error, null, null);
        JsonObj details = lc.details().put("failure_type", type).put("attempt", attempt).put("worker_id", worker);
        lc.event(lc.key, "launch_failed", "error", COMPONENT, lc.message(), details, worker, task);
        attachPendingExit(lc, "the git/gh call of this launch");
        String decisionKey = sp != null ? sp.path("key").asText() : lc.key;
        if (sp == null) {
            lc.decision(decisionKey, "task", task, "spawn_worker", "spawn_worker",
                    JsonObj.of().put("task_id", task), null, null);
        }
        lc.decision(decisionKey, "task", task, "spawn_worker", "spawn_worker", null,
                JsonObj.of().put("launched", false).put("error", error).put("failure_type", type)
                        .put("failure_type_by", "taclog, with TAC-8's categorize_error rules").put("attempt", attempt),
                "launch failed: " + error);
        if (wt != null) {
            String opKey = wt.has("createKey") ? wt.path("createKey").asText() : wt.path("opKey").asText();
            lc.worktree(opKey, task, null, wt.path("path").asText(null), null, null, null, null, null, null,
                    JsonObj.of().put("launch_failed", true).put("launch_error", error), worker);
        }
        String path = wt != null ? wt.path("path").asText(null) : RepoPaths.worktree(lc.st.root(), task);
        if (worker != null) {
            lc.add(new WorkerSpawned(lc.key, lc.session, worker, task, lc.when, null, path,
                    RepoPaths.branch(worker), null, RepoPaths.workerLog(lc.st.root(), task), "failed",
                    "launch failed: " + error, Sources.LOG, false));
        }
        lc.status(new TaskStatusChanged(lc.key, lc.session, task, lc.when, "failed", worker, "launch failed: " + error,
                Sources.LOG, false, null, attempt, null, type, null, path, null, null, null));
    }

    /**
     * A reaper line reported a non-zero exit just before this error: that is the real exit status of the
     * git/gh call behind it, which the coordinator itself saw as 0 or as an unparsable reply (finding 5).
     */
    static void attachPendingExit(LineContext lc, String what) {
        ObjectNode e = lc.st.pendingExit();
        if (e == null) {
            return;
        }
        lc.patchEvent(lc.key, JsonObj.of().put("real_exit_code", e.path("code").asInt())
                .put("real_exit_pid", e.path("pid").asInt()).put("real_exit_evidence", e.path("key").asText())
                .put("real_exit_derived", true).put("real_exit_of", what));
        lc.patchEvent(e.path("key").asText(), JsonObj.of().put("attached_to", lc.key).put("attached_as", what));
        lc.st.clearPendingExit();
    }
}
