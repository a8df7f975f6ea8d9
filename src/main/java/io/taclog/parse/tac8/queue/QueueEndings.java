package io.taclog.parse.tac8.queue;

import io.taclog.ingest.LineClassifier;
import io.taclog.model.Fact;
import io.taclog.model.coordinator.CoordinatorEvent;
import io.taclog.model.coordinator.Sources;
import io.taclog.model.coordinator.Stamp;
import io.taclog.model.coordinator.TaskStatusChanged;
import io.taclog.model.coordinator.TriggerObserved;
import io.taclog.model.coordinator.WorkerSpawned;
import io.taclog.parse.tac8.FailureTypes;
import io.taclog.parse.tac8.JsonObj;
import io.taclog.parse.tac8.RepoPaths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ends of a task in a work-queue diff: entries workers wrote (Completed, Blocked), Failed entries,
 * tasks that left the queue, and lines outside the grammar.
 */
final class QueueEndings {

    private static final Pattern PR = Pattern.compile("(?:#|/pull/)(\\d+)");

    private final QueueDiff.Context c;
    private final List<Fact> out;

    QueueEndings(QueueDiff.Context c, List<Fact> out) {
        this.c = c;
        this.out = out;
    }

    void completed(QueueSnapshot.Entry e) {
        String pr = e.inlinePr() != null ? e.inlinePr() : e.detail("PR");
        Integer prNumber = prNumber(pr);
        String prUrl = pr != null && pr.startsWith("http") ? pr : null;
        Instant at = c.times().instant(e.detail("Completed"));
        List<String> commits = new ArrayList<>();
        for (String s : new String[] {e.commit(), e.detail("Commit"), e.detail("Commits")}) {
            if (s != null) {
                for (String x : s.split(",\\s*")) {
                    if (!x.isBlank() && !commits.contains(x.strip())) {
                        commits.add(x.strip());
                    }
                }
            }
        }
        out.add(new TaskStatusChanged(key("completed:" + e.taskId() + ":" + e.workerId()), c.sessionId(), e.taskId(),
                at == null ? c.when() : Stamp.recorded(at), "completed", e.workerId(), "Completed entry"
                + (e.detail("Status") == null ? "" : ": " + e.detail("Status")), Sources.QUEUE, false,
                JsonObj.of().put("written_by", "the worker (TAC-8 itself never writes Completed entries)")
                        .put("details", e.details().isEmpty() ? null : new TreeMap<>(e.details()))
                        .json(), null, null, null, null, null, prNumber, prUrl,
                commits.isEmpty() ? null : LineClassifier.JSON.valueToTree(commits).toString()));
    }

    void failed(QueueSnapshot.Entry e) {
        Integer attempts = null;
        Integer max = null;
        String a = e.detail("Attempts");
        if (a != null && a.matches("\\d+/\\d+")) {
            attempts = Integer.valueOf(a.substring(0, a.indexOf('/')));
            max = Integer.valueOf(a.substring(a.indexOf('/') + 1));
        }
        String types = e.detail("Failure types");
        String type = types == null ? null : types.substring(types.lastIndexOf(',') + 1).strip();
        Instant at = c.times().instant(e.detail("Failed"));
        String reason = e.detail("Reason");
        boolean permanent = e.icon().startsWith("☠");
        out.add(new TaskStatusChanged(key("failedentry:" + e.taskId() + ":" + e.workerId()), c.sessionId(), e.taskId(),
                at == null ? c.when() : Stamp.recorded(at), "failed", e.workerId(), (permanent ? "failed permanently: "
                : "") + (reason == null ? "Failed entry" : reason), Sources.QUEUE, false,
                e.bullets().isEmpty() ? null : JsonObj.of().put("alerts", e.bullets()).json(), attempts, max,
                type == null && reason != null ? FailureTypes.categorize(reason, null, null) : type, null, null, null,
                null, null));
        if (at == null && e.workerId() != null) {
            // no Failed: time means a launch failure (only check_completions writes one): the worker never ran
            out.add(new WorkerSpawned(key("failedworker:" + e.workerId()), c.sessionId(), e.workerId(), e.taskId(),
                    c.when(), null, RepoPaths.worktree(null, e.taskId()), RepoPaths.branch(e.workerId()), null, null,
                    "failed", reason, Sources.QUEUE, false));
        }
    }

    void blocked(QueueSnapshot.Entry e) {
        StringBuilder why = new StringBuilder("Blocked entry");
        for (String k : new String[] {"Status", "Details", "Action needed"}) {
            if (e.detail(k) != null) {
                why.append("; ").append(k).append(": ").append(e.detail(k));
            }
        }
        out.add(new TaskStatusChanged(key("blocked:" + e.taskId() + ":" + e.workerId()), c.sessionId(), e.taskId(),
                c.when(), "blocked", e.workerId(), why.toString(), Sources.QUEUE, false,
                JsonObj.of().put("written_by", "the worker (BLOCKED.md / its own tasks.md edit)")
                        .put("section", e.section()).put("line", e.line()).json(),
                null, null, null, null, e.path(), null, null, null));
    }

    /** Tasks in the previous version that are in no section of this one. */
    void left(QueueSnapshot prev, QueueSnapshot cur) {
        Set<String> now = cur.taskIds();
        for (QueueSnapshot.Entry a : prev.active()) {
            if (!now.contains(a.taskId())) {
                JsonObj evidence = JsonObj.of().put("rule", "left_queue").put("why", "an active task is re-detected "
                        + "on every poll while its issue keeps the label; absent from this version, so the label was "
                        + "removed (the worker does that when it is done) or the issue closed")
                        .put("last_worker", a.workerId()).put("last_seen_last_updated", prev.lastUpdated())
                        .put("absent_in_last_updated", cur.lastUpdated())
                        .put("caveat", "a failed GitHub fetch empties the list for one cycle (research finding 5); a "
                                + "later re-detection reverts this");
                out.add(new TaskStatusChanged(key("left:" + a.taskId()), c.sessionId(), a.taskId(), c.when(),
                        "completed", a.workerId(), "left the work queue while active", Sources.QUEUE, true,
                        evidence.json(), null, null, null, null, null, null, null, null));
            }
        }
        for (QueueSnapshot.Pending p : prev.pending()) {
            if (!now.contains(p.taskId())) {
                out.add(new TriggerObserved(key("label:" + p.taskId()), c.sessionId(), c.when(), "label_removed",
                        "github", JsonObj.of().put("task_id", p.taskId()).put("seen_as", "pending task left the queue")
                                .json(), p.taskId(), Sources.QUEUE, false, null));
                out.add(TaskStatusChanged.of(key("removed:" + p.taskId()), c.sessionId(), p.taskId(), c.when(),
                        "removed", null, "left the work queue while pending (label removed or issue closed)",
                        Sources.QUEUE));
            }
        }
    }

    void unparsed(QueueSnapshot cur) {
        List<String> lines = cur.unparsed().stream().limit(50)
                .map(u -> u.line() + (u.section() == null ? "" : " [" + u.section() + "]") + ": " + u.text()).toList();
        String message = cur.lastUpdated() == null && cur.taskIds().isEmpty()
                ? "work-queue file is not in the TAC-8 format (" + cur.unparsed().size() + " unparsed lines)"
                : cur.unparsed().size()
                        + " work-queue line(s) outside the coordinator's grammar (worker or human edits)";
        out.add(new CoordinatorEvent(key("unparsed"), c.sessionId(), c.when(), "work_queue_unparsed",
                cur.lastUpdated() == null ? "warning" : "info", "work_queue", message,
                JsonObj.of().put("file", c.file()).put("unparsed", cur.unparsed().size()).put("lines", lines)
                        .put("last_updated_missing", cur.lastUpdated() == null ? Boolean.TRUE : null).json(),
                null, null, null, Sources.QUEUE, false));
    }

    private String key(String part) {
        return c.keyPrefix() + ":" + part;
    }

    private static Integer prNumber(String pr) {
        if (pr == null) {
            return null;
        }
        Matcher m = PR.matcher(pr);
        return m.find() ? Integer.valueOf(m.group(1)) : null;
    }
}
