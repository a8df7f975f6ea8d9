package io.taclog.parse.tac8.log;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taclog.model.coordinator.Sources;
import io.taclog.model.coordinator.TaskStatusChanged;
import io.taclog.model.coordinator.WorkerSpawned;
import io.taclog.parse.tac8.JsonObj;
import io.taclog.parse.tac8.RepoPaths;
import io.taclog.parse.tac8.rules.RuleMatch;

/**
 * The spawn group (X01-X03, X11-X13 and the branch-only provider lines): a {@code spawn_worker}
 * decision opened by "Spawning worker for", completed by the command and "Worker ... started"; the
 * started line creates the worker (through the worker linker, which joins a transcript seen earlier)
 * and moves the task to active. The worktree group just before it lends the worktree path.
 */
final class SpawnLines {

    private static final String FUNCTION = "spawn_worker";

    void handle(LineContext lc) {
        RuleMatch m = lc.m;
        switch (m.target()) {
            case "spawn.start" -> start(lc);
            case "spawn.command" -> command(lc);
            case "spawn.detail" -> detail(lc);
            case "spawn.started" -> started(lc);
            case "spawn.provider_unavailable" -> {
                ObjectNode sp = lc.st.group(LogState.SPAWN);
                lc.event("provider_unavailable", "coordinator", null, sp == null ? null : sp.path("task").asText());
                if (sp != null) {
                    lc.keep = LogState.SPAWN;
                    lc.decision(sp.path("key").asText(), "task", sp.path("task").asText(), FUNCTION, FUNCTION, null,
                            JsonObj.of().put("launched", false).put("provider_unavailable", m.text("provider")),
                            lc.message());
                }
            }
            default -> throw new IllegalStateException("not a spawn target: " + m.target());
        }
    }

    private static void start(LineContext lc) {
        String task = lc.m.text("task");
        ObjectNode wt = lc.st.group(LogState.WORKTREE);
        ObjectNode sp = lc.st.openGroup(LogState.SPAWN, lc.key);
        sp.put("task", task);
        if (lc.m.text("runner") != null) {
            sp.put("runner", lc.m.text("runner"));
        }
        JsonObj input = JsonObj.of().put("task_id", task).put("runner", lc.m.text("runner"));
        if (wt != null && task.equals(wt.path("task").asText())) {
            sp.put("path", wt.path("path").asText());
            sp.put("wtKey", wt.path("key").asText());
            if (wt.has("createKey")) {
                sp.put("createKey", wt.path("createKey").asText());
            }
            if (wt.has("decisionKey")) {
                sp.put("decisionKey", wt.path("decisionKey").asText());
            }
            input.put("worktree_path", wt.path("path").asText()).put("worktree_action",
                    wt.has("createKey") ? "create" : wt.path("action").asText(null))
                    .put("worktree_decision", wt.path("key").asText());
        }
        lc.keep = LogState.SPAWN;
        lc.decision(lc.key, "task", task, FUNCTION, FUNCTION, input, null, null);
    }

    private static void command(LineContext lc) {
        ObjectNode sp = lc.st.group(LogState.SPAWN);
        if (sp == null) {
            lc.orphan("spawn");
            return;
        }
        lc.keep = LogState.SPAWN;
        String command = lc.m.text("command");
        String prompt = RepoPaths.promptOfCommand(command);
        sp.put("command", command);
        if (prompt != null) {
            sp.put("prompt", prompt);
        }
        lc.decision(sp.path("key").asText(), "task", sp.path("task").asText(), FUNCTION, FUNCTION,
                JsonObj.of().put("command", command).put("prompt_file", prompt)
                        .put("model", RepoPaths.modelOfCommand(command)), null, null);
    }

    private static void detail(LineContext lc) {
        ObjectNode sp = lc.st.group(LogState.SPAWN);
        if (sp == null) {
            lc.orphan("spawn");
            return;
        }
        lc.keep = LogState.SPAWN;
        JsonObj input = JsonObj.of();
        lc.m.fields().forEach((k, v) -> input.put(JsonObj.snake(k), v));
        lc.decision(sp.path("key").asText(), "task", sp.path("task").asText(), FUNCTION, FUNCTION, input, null, null);
    }

    private static void started(LineContext lc) {
        ObjectNode sp = lc.st.group(LogState.SPAWN);
        if (sp == null) {
            lc.orphan("spawn");
            return;
        }
        lc.keep = LogState.SPAWN;
        String task = sp.path("task").asText();
        String worker = lc.m.text("worker");
        Integer pid = lc.m.integer("pid");
        String root = lc.st.root();
        String path = sp.has("path") ? sp.path("path").asText() : RepoPaths.worktree(root, task);
        boolean tacx = "tac-x".equals(sp.path("runner").asText(null));
        String prompt = sp.has("prompt") ? sp.path("prompt").asText() : tacx ? null : RepoPaths.promptFile(root, task);
        lc.add(new WorkerSpawned(lc.key, lc.session, worker, task, lc.when, pid, path, RepoPaths.branch(worker),
                prompt, RepoPaths.workerLog(root, task), "running", null, Sources.LOG, true));
        lc.decision(sp.path("key").asText(), "task", task, FUNCTION, FUNCTION, null,
                JsonObj.of().put("launched", true).put("worker_id", worker).put("pid", pid), "worker started");
        lc.status(new TaskStatusChanged(lc.key, lc.session, task, lc.when, "active", worker, "worker " + worker
                + " started (PID " + pid + ")", Sources.LOG, false, null, null, null, null, pid, path, null, null,
                null));
        // the worktree rows of this spawn now know their worker (and the branch, unless git printed it)
        if (sp.has("createKey")) {
            lc.worktree(sp.path("createKey").asText(), task, null, path, RepoPaths.branch(worker), null, null, null,
                    null, null, null, worker);
        } else if (sp.has("decisionKey")) {
            lc.worktree(sp.path("decisionKey").asText(), task, null, path, null, null, null, null, null, null,
                    JsonObj.of().put("shared_with_worker", worker), worker);
        }
    }
}
