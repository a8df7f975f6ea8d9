package io.taclog.parse.tac8.log;

import io.taclog.model.Fact;
import io.taclog.model.coordinator.CoordinatorEvent;
import io.taclog.model.coordinator.DecisionObserved;
import io.taclog.model.coordinator.Sources;
import io.taclog.model.coordinator.Stamp;
import io.taclog.model.coordinator.TaskStatusChanged;
import io.taclog.model.coordinator.TriggerObserved;
import io.taclog.model.coordinator.WorktreeOperation;
import io.taclog.parse.tac8.JsonObj;
import io.taclog.parse.tac8.rules.RuleMatch;
import java.util.List;

/**
 * One coordinator.log line being interpreted: its key (file and offset), session, time, rule match
 * and the per-file state; collects the facts the line yields.
 */
final class LineContext {

    static final String SOURCE_FILE = "adws/coordinator.py";

    final String key;
    final String session;
    final Stamp when;
    final LogState st;
    final RuleMatch m;
    final String text;
    final String file;
    private final List<Fact> out;
    /** The group this line belongs to (kept open after it); null closes every group. */
    String keep;
    /** Reaper lines, git output and tracebacks interleave with groups without ending them. */
    boolean interleaved;

    LineContext(String key, String session, Stamp when, LogState st, RuleMatch m, String text, String file,
                List<Fact> out) {
        this.key = key;
        this.session = session;
        this.when = when;
        this.st = st;
        this.m = m;
        this.text = text;
        this.file = file;
        this.out = out;
    }

    void add(Fact f) {
        out.add(f);
    }

    List<Fact> facts() {
        return out;
    }

    String ruleId() {
        return m == null ? null : m.id();
    }

    String severity() {
        return m == null ? "info" : m.rule().severity();
    }

    String component(String fallback) {
        return m != null && m.rule().component() != null ? m.rule().component() : fallback;
    }

    /** The printed text without its indentation (messages read better that way). */
    String message() {
        return text.strip();
    }

    JsonObj details() {
        JsonObj d = JsonObj.of().put("rule", ruleId());
        if (m != null) {
            m.fields().forEach((k, v) -> d.put(JsonObj.snake(k), v));
        }
        return d;
    }

    void event(String key, String type, String severity, String component, String message, JsonObj details,
               String worker, String task) {
        out.add(new CoordinatorEvent(key, session, when, type, severity, component, message,
                details == null ? null : details.json(), null, worker, task, Sources.LOG, false));
    }

    /** A system event for this line with the rule's severity and the line's fields as details. */
    void event(String type, String component, String worker, String task) {
        event(key, type, severity(), component(component), message(), details(), worker, task);
    }

    void patchEvent(String eventKey, JsonObj details) {
        out.add(CoordinatorEvent.patch(eventKey, session, when, details.json()));
    }

    void decision(String key, String contextType, String contextId, String function, String point, JsonObj input,
                  JsonObj output, String reason) {
        out.add(new DecisionObserved(key, session, when, contextType, contextId, function, point,
                input == null ? null : input.json(), output == null ? null : output.json(), reason, null,
                SOURCE_FILE, Sources.LOG, false, null));
    }

    void trigger(String type, String triggerSource, JsonObj data, String task) {
        out.add(new TriggerObserved(key, session, when, type, triggerSource, data == null ? null : data.json(), task,
                Sources.LOG, false, null));
    }

    void status(String task, String toStatus, String worker, String reason) {
        out.add(TaskStatusChanged.of(key, session, task, when, toStatus, worker, reason, Sources.LOG));
    }

    void status(TaskStatusChanged change) {
        out.add(change);
    }

    void worktree(String key, String task, String operation, String path, String branch, String reason,
                  Boolean hadChanges, Boolean workerRunning, Integer workerPid, Double age, JsonObj logic,
                  String worker) {
        out.add(new WorktreeOperation(key, session, task, when, operation, path, branch, reason, hadChanges,
                hadChanges == null ? null : !hadChanges, workerRunning, workerPid, age,
                logic == null ? null : logic.json(), worker, Sources.LOG, false));
    }

    /** A line that belongs to a group that is not open (reordered, or its start was lost). */
    void orphan(String expectedGroup) {
        JsonObj d = details().put("expected_group", expectedGroup)
                .put("reason", "the line belongs to a multi-line group that is not open here (reordered by "
                        + "buffering, or the group's first line was lost)");
        event(key, "orphan_line", "warning".equals(severity()) || "error".equals(severity()) ? severity() : "info",
                component("coordinator"), message(), d, null, m == null ? null : m.text("task"));
    }
}
