package io.taclog.parse.tac8.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taclog.parse.tac8.JsonObj;
import io.taclog.parse.tac8.RepoPaths;
import io.taclog.parse.tac8.rules.RuleMatch;
import java.util.List;

/**
 * The worktree group (research section 3.2, "Worktree handling") and the git output inside it.
 *
 * <p>"Worktree already exists" opens a {@code check} operation and an {@code ensure_worktree} decision;
 * each status line adds an input to both; the decision line ("preserving", "removing") adds the
 * decision's output and a {@code preserve} or {@code remove} operation; removal lines add details to
 * it; "Creating worktree" adds a {@code create} operation, which git's own lines then complete (branch,
 * HEAD, errors). Reaper lines may sit anywhere inside; every row is keyed by the line that opened it,
 * so the group survives batch boundaries and restarts through the per-file state.
 */
final class WorktreeLines {

    private static final String FUNCTION = "ensure_worktree";
    private static final String POINT = "worktree_already_exists";
    private static final List<String> CHECK_ORDER = List.of("has_changes", "worker_running", "file_mtime");
    /** TAC-8 M8+ preserves a changed worktree whose newest file is younger than this. */
    private static final int FRESH_MINUTES = 60;
    /** W16 prints minutes since the epoch when no file outside .git exists (research 3.2). */
    private static final double EPOCH_MINUTES = 1.0e7;

    void handle(LineContext lc) {
        RuleMatch m = lc.m;
        switch (m.target()) {
            case "worktree.exists" -> exists(lc);
            case "worktree.create" -> create(lc);
            case "worktree.header" -> inGroup(lc);
            case "worktree.field" -> field(lc);
            case "worktree.decide" -> decide(lc);
            case "worktree.note" -> note(lc);
            case "worktree.removal" -> removal(lc);
            case "git.preparing", "git.head", "git.error" -> git(lc);
            default -> throw new IllegalStateException("not a worktree target: " + m.target());
        }
    }

    private static void exists(LineContext lc) {
        String path = lc.m.text("path");
        String task = RepoPaths.taskOfWorktree(path);
        ObjectNode g = lc.st.openGroup(LogState.WORKTREE, lc.key);
        g.put("task", task);
        g.put("path", path);
        g.put("opKey", lc.key);
        g.putObject("in");
        lc.keep = LogState.WORKTREE;
        lc.worktree(lc.key, task, "check", path, null, "worktree already exists", null, null, null, null, policy(),
                null);
        lc.decision(lc.key, "worktree", task, FUNCTION, POINT, JsonObj.of().put("worktree_path", path), null, null);
    }

    /** A group line with nothing to store of its own (the "status check:" header). */
    private static void inGroup(LineContext lc) {
        joinGroup(lc);
    }

    private static void field(LineContext lc) {
        ObjectNode g = joinGroup(lc);
        if (g == null) {
            return;
        }
        RuleMatch m = lc.m;
        ObjectNode in = (ObjectNode) g.get("in");
        JsonObj input = JsonObj.of();
        m.fields().forEach((k, v) -> {
            String name = JsonObj.snake(k);
            Object value = switch (k) {
                case "hasChanges", "workerRunning" -> m.bool(k);
                case "workerPid" -> m.integer(k); // "None" -> null: the task had no PID (always, when re-detected)
                case "changedEntries" -> m.integer(k);
                case "fileMtimeAgeMinutes", "workerRuntimeS" -> m.decimal(k);
                default -> v;
            };
            input.put(name, value);
            if ("workerPid".equals(k) && value == null) {
                input.put("worker_pid_printed", "None");
            }
        });
        Double age = m.decimal("fileMtimeAgeMinutes");
        if (age != null && age > EPOCH_MINUTES) {
            input.put("no_files_outside_git", true); // TAC-8 printed minutes since the Unix epoch
        }
        in.setAll(input.node());
        withInputs(lc, g, g.path("key").asText(), null, null, in, JsonObj.of().put("inputs", in.deepCopy()));
        decisionStep(lc, g, input, null, null);
    }

    private static void decide(LineContext lc) {
        ObjectNode g = joinGroup(lc);
        if (g == null) {
            return;
        }
        RuleMatch m = lc.m;
        String action = m.text("action");
        ObjectNode in = (ObjectNode) g.get("in");
        // the old (M2-M7) body states its inputs on the decision line itself
        for (String k : new String[] {"hasChanges", "workerRunning"}) {
            if (m.has(k)) {
                in.put(JsonObj.snake(k), m.bool(k));
            }
        }
        String reason = lc.message();
        g.put("action", action);
        g.put("decisionKey", lc.key);
        g.put("opKey", lc.key);
        String op = "remove".equals(action) ? "remove" : "preserve";
        withInputs(lc, g, lc.key, op, reason, in, policy().put("inputs", in.deepCopy()).put("result", action)
                .put("check", g.path("key").asText()));
        decisionStep(lc, g, null, JsonObj.of().put("action", action).put("operation", lc.key), reason);
    }

    private static void note(LineContext lc) {
        ObjectNode g = joinGroup(lc);
        if (g == null) {
            return;
        }
        ArrayNode notes = g.has("notes") ? (ArrayNode) g.get("notes") : g.putArray("notes");
        notes.add(lc.message());
        detail(lc, g, g.path("opKey").asText(), JsonObj.of().put("notes", notes.deepCopy()));
        decisionStep(lc, g, null, JsonObj.of().put("notes", notes.deepCopy()), null);
    }

    private static void removal(LineContext lc) {
        ObjectNode g = joinGroup(lc);
        if (g == null) {
            return;
        }
        JsonObj removal = JsonObj.of();
        lc.m.fields().forEach((k, v) -> removal.put(JsonObj.snake(k), v));
        if (lc.m.has("gitExitCode")) {
            // what the coordinator saw: usually 0 because its reaper took the real status
            removal.put("git_exit_code", lc.m.integer("gitExitCode")).put("git_exit_code_seen_by", "coordinator");
        }
        ObjectNode stored = g.has("removal") ? (ObjectNode) g.get("removal") : g.putObject("removal");
        stored.setAll(removal.node());
        detail(lc, g, g.path("opKey").asText(), JsonObj.of().put("removal", stored.deepCopy()));
    }

    private static void create(LineContext lc) {
        String path = lc.m.text("path");
        ObjectNode g = lc.st.group(LogState.WORKTREE);
        String after = null;
        if (g != null && path.equals(g.path("path").asText())) {
            after = g.path("key").asText();
        } else {
            g = lc.st.openGroup(LogState.WORKTREE, lc.key);
            g.put("task", RepoPaths.taskOfWorktree(path));
            g.put("path", path);
            g.putObject("in");
        }
        g.put("createKey", lc.key);
        g.put("opKey", lc.key);
        lc.keep = LogState.WORKTREE;
        lc.worktree(lc.key, g.path("task").asText(), "create", path, null,
                after == null ? "no worktree for the task yet" : "after " + g.path("action").asText("the check"),
                null, null, null, null, JsonObj.of().put("after_check", after), null);
    }

    private static void git(LineContext lc) {
        lc.interleaved = true;
        RuleMatch m = lc.m;
        ObjectNode g = lc.st.group(LogState.WORKTREE);
        String create = g == null ? null : g.path("createKey").asText(null);
        boolean error = "git.error".equals(m.target());
        if (error || create == null) {
            lc.event(lc.key, error ? "git_error" : "git_output", error ? "error" : lc.severity(), "git", lc.message(),
                    lc.details().put("worktree_operation", create), RepoPaths.workerInText(lc.text),
                    g == null ? null : g.path("task").asText(null));
        }
        if (create == null) {
            return;
        }
        String task = g.path("task").asText();
        String path = g.path("path").asText();
        switch (m.target()) {
            case "git.preparing" -> {
                String branch = m.text("branch");
                lc.worktree(create, task, null, path, branch, null, null, null, null, null, null,
                        RepoPaths.workerInText(branch));
            }
            case "git.head" -> detail(lc, g, create,
                    JsonObj.of().put("head_commit", m.text("commit")).put("head_subject", m.text("subject")));
            default -> {
                ArrayNode errors = g.has("gitErrors") ? (ArrayNode) g.get("gitErrors") : g.putArray("gitErrors");
                errors.add(lc.message());
                detail(lc, g, create, JsonObj.of().put("failed", true).put("git_errors", errors.deepCopy()));
            }
        }
    }

    /**
     * The open worktree group, which this line then belongs to; null, the line reported as an orphan, when no
     * group is open (reordered by buffering, or its first line was lost).
     */
    private static ObjectNode joinGroup(LineContext lc) {
        ObjectNode g = lc.st.group(LogState.WORKTREE);
        if (g == null) {
            lc.orphan("worktree");
            return null;
        }
        lc.keep = LogState.WORKTREE;
        return g;
    }

    /** How the coordinator decides (check order, freshness threshold): stored with the check and its result. */
    private static JsonObj policy() {
        return JsonObj.of().put("check_order", CHECK_ORDER).put("threshold_minutes", FRESH_MINUTES);
    }

    /** A worktree operation row carrying the status-check inputs gathered so far. */
    private static void withInputs(LineContext lc, ObjectNode g, String key, String op, String reason, JsonNode in,
                                   JsonObj logic) {
        lc.worktree(key, g.path("task").asText(), op, g.path("path").asText(), null, reason, bool(in, "has_changes"),
                bool(in, "worker_running"), integer(in, "worker_pid"),
                in.has("file_mtime_age_minutes") ? in.get("file_mtime_age_minutes").asDouble() : null, logic, null);
    }

    /** More details of one of the group's operations (the one keyed {@code key}). */
    private static void detail(LineContext lc, ObjectNode g, String key, JsonObj logic) {
        lc.worktree(key, g.path("task").asText(), null, g.path("path").asText(), null, null, null, null, null, null,
                logic, null);
    }

    /** A step of the group's ensure_worktree decision, which is keyed by the line that opened the group. */
    private static void decisionStep(LineContext lc, ObjectNode g, JsonObj input, JsonObj output, String reason) {
        lc.decision(g.path("key").asText(), "worktree", g.path("task").asText(), FUNCTION, POINT, input, output,
                reason);
    }

    private static Boolean bool(JsonNode in, String k) {
        JsonNode v = in.get(k);
        return v == null || v.isNull() ? null : v.asBoolean();
    }

    private static Integer integer(JsonNode in, String k) {
        JsonNode v = in.get(k);
        return v == null || !v.isNumber() ? null : v.asInt();
    }
}
