package io.taclog.parse.tac8.queue;

import io.taclog.model.Fact;
import io.taclog.model.coordinator.DecisionObserved;
import io.taclog.model.coordinator.Sources;
import io.taclog.model.coordinator.Stamp;
import io.taclog.model.coordinator.TaskObserved;
import io.taclog.model.coordinator.TaskStatusChanged;
import io.taclog.model.coordinator.TriggerObserved;
import io.taclog.model.coordinator.WorkerSpawned;
import io.taclog.parse.tac8.FailureTypes;
import io.taclog.parse.tac8.JsonObj;
import io.taclog.parse.tac8.LocalTimes;
import io.taclog.parse.tac8.RepoPaths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What changed between two versions of the work queue, as facts (research section 6.5): a new version
 * is a poll; a new pending id is a detection (a re-detection if the task is known); a pending id whose
 * META attempts grew failed again and waits to retry; an Active entry is a claim ({@code None} path)
 * or a running worker with its recorded start and PID; an Active task re-listed with a new worker, or
 * back in Pending, was re-detected while its worker may run (the spawn-loop signature); entries workers
 * wrote (Completed with a PR, Blocked) and Failed entries are transitions; a task that left the queue
 * completed if it was active (its worker removed the label) and lost its label if it was pending.
 */
public final class QueueDiff {

    private static final String FUNCTION = "run";

    /** Where the diff happens: the keys of its rows, the session, the snapshot's time and known tasks. */
    public record Context(String keyPrefix, String sessionId, Stamp when, LocalTimes times, Set<String> knownTasks,
                          java.util.Map<String, String> runningWorkers, String file, boolean firstSnapshot) {
    }

    private final Context c;
    private final List<Fact> out = new ArrayList<>();

    private QueueDiff(Context c) {
        this.c = c;
    }

    public static List<Fact> diff(QueueSnapshot prev, QueueSnapshot cur, Context c) {
        QueueDiff d = new QueueDiff(c);
        d.run(prev, cur);
        return d.out;
    }

    private void run(QueueSnapshot prev, QueueSnapshot cur) {
        QueueEndings endings = new QueueEndings(c, out);
        poll(prev, cur);
        for (QueueSnapshot.Pending p : cur.pending()) {
            pending(prev, p);
        }
        for (QueueSnapshot.Entry a : cur.active()) {
            active(prev, a);
        }
        for (QueueSnapshot.Entry e : cur.completed()) {
            if (isNew(prev == null ? null : prev.completed(), e)) {
                endings.completed(e);
            }
        }
        for (QueueSnapshot.Entry e : cur.failed()) {
            if (isNew(prev == null ? null : prev.failed(), e)) {
                endings.failed(e);
            }
        }
        for (QueueSnapshot.Entry e : cur.blocked()) {
            if (isNew(prev == null ? null : prev.blocked(), e)) {
                endings.blocked(e);
            }
        }
        if (prev != null) {
            endings.left(prev, cur);
        }
        if (!cur.unparsed().isEmpty() || cur.lastUpdated() == null) {
            endings.unparsed(cur);
        }
    }

    private void poll(QueueSnapshot prev, QueueSnapshot cur) {
        JsonObj data = JsonObj.of().put("file", c.file()).put("last_updated_local", cur.lastUpdated())
                .put("pending", cur.pending().stream().map(QueueSnapshot.Pending::taskId).toList())
                .put("active", cur.active().stream().map(QueueSnapshot.Entry::taskId).toList())
                .put("completed", cur.completed().size()).put("failed", cur.failed().size())
                .put("blocked", cur.blocked().size())
                .put("claim", cur.active().stream().anyMatch(a -> a.path() == null) ? Boolean.TRUE : null)
                .put("first_snapshot_read", prev == null ? Boolean.TRUE : null);
        out.add(new TriggerObserved(key("poll"), c.sessionId(), c.when(), "poll", "filesystem", data.json(), null,
                Sources.QUEUE, false, null));
    }

    private void pending(QueueSnapshot prev, QueueSnapshot.Pending p) {
        String task = p.taskId();
        QueueSnapshot.Pending before = prev == null ? null : prev.pendingOf(task);
        QueueSnapshot.Entry wasActive = prev == null ? null : prev.activeOf(task);
        if (before == null) {
            out.add(new TaskObserved(c.sessionId(), task, c.when(), "github", RepoPaths.issueNumber(task), null,
                    p.title(), null, p.priority(), null, Sources.QUEUE, true));
            boolean known = c.knownTasks().contains(task) || wasActive != null;
            JsonObj data = JsonObj.of().put("task_id", task).put("title", p.title()).put("priority", p.priority())
                    .put("previous_worker", wasActive == null ? null : wasActive.workerId())
                    .put("first_snapshot_read", c.firstSnapshot() ? Boolean.TRUE : null);
            out.add(new TriggerObserved(key("detected:" + task), c.sessionId(), c.when(),
                    known ? "issue_redetected" : "issue_detected", "github", data.json(), task, Sources.QUEUE, false,
                    null));
            String running = c.runningWorkers().get(task);
            if (wasActive != null) {
                redetectedActive(task, wasActive.workerId(), wasActive.path(), wasActive.detail("Started"),
                        wasActive.detail("PID"), "pending again");
            } else if (running != null) {
                redetectedActive(task, running, null, null, null, "pending again");
                // its worker still runs: the task is not done, whatever an earlier absence suggested
                out.add(new TaskStatusChanged(key("still-active:" + task), c.sessionId(), task, c.when(), "active",
                        running, "re-detected while worker " + running + " still runs", Sources.QUEUE, true,
                        JsonObj.of().put("rule", "a re-detected task whose worker runs is still active").json(), null,
                        null, null, null, null, null, null, null));
            } else if (p.meta() == null) {
                out.add(TaskStatusChanged.of(key("status:" + task), c.sessionId(), task, c.when(),
                        known ? "pending" : "detected", null, known ? "re-detected on GitHub"
                                : "new issue in the queue",
                        Sources.QUEUE));
            }
        }
        QueueSnapshot.Meta was = before == null ? null : before.meta();
        QueueSnapshot.Meta now = p.meta();
        if (now != null && (was == null || now.attempts() > was.attempts())) {
            failure(task, now);
        }
    }

    /** The META attempts grew: a launch (or run) failed at {@code failed_at} and the task waits to retry. */
    private void failure(String task, QueueSnapshot.Meta m) {
        Instant failedAt = c.times().instant(m.failedAt());
        Stamp failed = failedAt == null ? c.when() : Stamp.recorded(failedAt);
        String type = m.lastFailure();
        int max = m.maxAttempts() == null ? 3 : m.maxAttempts();
        out.add(new TaskStatusChanged(key("failed:" + task + ":" + m.attempts()), c.sessionId(), task, failed, "failed",
                null, "attempt " + m.attempts() + "/" + max + " failed (" + type + ")", Sources.QUEUE, false, null,
                m.attempts(), max, type, null, null, null, null, null));
        long backoff = FailureTypes.backoffSeconds(m.attempts(), type);
        boolean retry = m.attempts() < max;
        if (retry) {
            out.add(new TaskStatusChanged(key("retry:" + task + ":" + m.attempts()), c.sessionId(), task, c.when(),
                    "pending", null, "retry scheduled after a " + backoff + " s back-off", Sources.QUEUE, false, null,
                    m.attempts(), max, type, null, null, null, null, null));
        }
        JsonObj evidence = JsonObj.of().put("rule", "TAC-8 error_handling: backoff = " + ("startup_error".equals(type)
                ? "300" : "60") + " x 2^attempts, retry while attempts < max").put("meta_failed_at", m.failedAt());
        out.add(new DecisionObserved(key("backoff:" + task + ":" + m.attempts()), c.sessionId(), failed, "task", task,
                "record_failure", "schedule_retry", JsonObj.of().put("attempts", m.attempts()).put("max_attempts", max)
                        .put("failure_type", type).put("failure_types", m.failureTypes()).json(),
                JsonObj.of().put("can_retry", retry).put("backoff_s", retry ? backoff : null)
                        .put("retry_at", retry && failedAt != null ? failedAt.plusSeconds(backoff).toString()
                                : null).json(),
                retry ? "failed " + m.attempts() + "/" + max + ": wait " + backoff + " s, then retry"
                        : "failed " + m.attempts() + "/" + max + ": no retry left",
                null, "work-queue META", Sources.QUEUE, true, evidence.json()));
    }

    private void active(QueueSnapshot prev, QueueSnapshot.Entry a) {
        String task = a.taskId();
        String worker = a.workerId();
        QueueSnapshot.Entry before = prev == null ? null : prev.activeOf(task);
        boolean sameWorker = before != null && Objects.equals(before.workerId(), worker);
        if (before != null && !sameWorker) {
            redetectedActive(task, before.workerId(), before.path(), before.detail("Started"), before.detail("PID"),
                    "listed again with worker " + worker);
        }
        if (before == null && (prev == null || prev.pendingOf(task) == null)) {
            // listed as active without having been seen pending: the coordinator detected it earlier
            out.add(new TaskObserved(c.sessionId(), task, c.when(), "github", RepoPaths.issueNumber(task), null,
                    a.title(), null, a.priority(), null, Sources.QUEUE, true));
            out.add(new TriggerObserved(key("detected:" + task), c.sessionId(), c.when(),
                    c.knownTasks().contains(task) ? "issue_redetected" : "issue_detected", "github",
                    JsonObj.of().put("task_id", task).put("title", a.title()).put("seen_as", "active")
                            .put("first_snapshot_read", c.firstSnapshot() ? Boolean.TRUE : null).json(), task,
                    Sources.QUEUE, false, null));
        }
        if (!sameWorker && a.path() == null) {
            out.add(new TaskStatusChanged(key("claim:" + task + ":" + worker), c.sessionId(), task, c.when(),
                    "assigned",
                    worker, "claimed by worker " + worker, Sources.QUEUE, false, null, null, null, null, null, null,
                    null, null, null));
        }
        if (a.path() != null && (!sameWorker || before.path() == null)) {
            Instant started = c.times().instant(a.detail("Started"));
            Stamp when = started == null ? c.when() : Stamp.recorded(started);
            Integer pid = integer(a.detail("PID"));
            String root = rootOf(a.path(), task);
            out.add(new WorkerSpawned(key("spawn:" + worker), c.sessionId(), worker, task, when, pid, a.path(),
                    RepoPaths.branch(worker), RepoPaths.promptFile(root, task), RepoPaths.workerLog(root, task),
                    "running", null, Sources.QUEUE, true));
            out.add(new TaskStatusChanged(key("active:" + task + ":" + worker), c.sessionId(), task, when, "active",
                    worker, "worker " + worker + " started" + (pid == null ? "" : " (PID " + pid + ")"), Sources.QUEUE,
                    false, null, null, null, null, pid, a.path(), null, null, null));
        }
    }

    /** A task listed as active before is detected again: TAC-8 never reads its Active lines back (finding 3). */
    private void redetectedActive(String task, String worker, String path, String started, String pid, String how) {
        JsonObj evidence = JsonObj.of().put("rule", "a task with a running worker detected again (TAC-8 never reads "
                + "its Active lines back): the spawn-loop signature").put("previous_worker", worker)
                .put("previous_started", started).put("previous_pid", pid);
        out.add(new DecisionObserved(key("redetected:" + task), c.sessionId(), c.when(), "task", task, FUNCTION,
                "redetected_active_task", JsonObj.of().put("task_id", task).put("previous_worker", worker)
                        .put("previous_worktree", path).json(),
                JsonObj.of().put("action", "spawn_again").json(), "task " + how + " while worker " + worker
                        + " may still run", null, "work-queue diff", Sources.QUEUE, true, evidence.json()));
    }

    private String key(String part) {
        return c.keyPrefix() + ":" + part;
    }

    private static boolean isNew(List<QueueSnapshot.Entry> before, QueueSnapshot.Entry e) {
        if (before == null) {
            return true;
        }
        return before.stream().noneMatch(b -> b.taskId().equals(e.taskId())
                && Objects.equals(b.workerId(), e.workerId()));
    }

    private static String rootOf(String path, String task) {
        String suffix = "/trees/" + task;
        return path.endsWith(suffix) ? path.substring(0, path.length() - suffix.length()) : null;
    }

    private static Integer integer(String s) {
        return s != null && s.strip().matches("\\d{1,9}") ? Integer.valueOf(s.strip()) : null;
    }
}
