package io.taclog.parse.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.taclog.ingest.LineOutcome;
import io.taclog.ingest.ParseContext;
import io.taclog.ingest.RecordHandler;
import io.taclog.model.Fact;
import io.taclog.model.Times;
import io.taclog.model.coordinator.CoordinatorEvent;
import io.taclog.model.coordinator.DecisionObserved;
import io.taclog.model.coordinator.SessionEnded;
import io.taclog.model.coordinator.SessionStarted;
import io.taclog.model.coordinator.Sources;
import io.taclog.model.coordinator.Stamp;
import io.taclog.model.coordinator.TaskObserved;
import io.taclog.model.coordinator.TaskStatusChanged;
import io.taclog.model.coordinator.TriggerObserved;
import io.taclog.model.coordinator.WorkerSpawned;
import io.taclog.model.coordinator.WorkerStatusChanged;
import io.taclog.model.coordinator.WorktreeOperation;
import io.taclog.parse.tac8.LocalTimes;
import io.taclog.parse.tac8.RepoPaths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSONL event contract (docs/coordinator-events.md): one object a line, {@code event} names the
 * logger call of the seed's API, the other fields are its arguments with the seed's column names, and
 * {@code ts} is the time. A record without {@code session_id} belongs to the latest session its file
 * opened and has not ended. An unknown event is kept as a system event with the record as details; a
 * record missing what its call needs is rejected with the reason, and the file goes on.
 */
public final class CoordinatorEventHandler implements RecordHandler {

    public static final String FORMAT = "coordinator-events";
    private static final String OPEN = "openSessions";
    private static final int MAX_OPEN = 32;

    private final Map<String, String> theirsToContract = new HashMap<>();
    private final LocalTimes times;

    /** @param fieldMap contract name to the coordinator's own name (taclog.coordinator.events.field-map) */
    public CoordinatorEventHandler(Map<String, String> fieldMap, LocalTimes times) {
        fieldMap.forEach((contract, theirs) -> theirsToContract.put(theirs, contract));
        this.times = times;
    }

    @Override
    public String format() {
        return FORMAT;
    }

    @Override
    public boolean accepts(JsonNode record, ParseContext ctx) {
        return true; // the kind's only format: everything in an events file is judged by the contract
    }

    @Override
    public LineOutcome handle(JsonNode raw, ParseContext ctx) {
        EventRecord r = new EventRecord(raw, theirsToContract);
        String event = r.text("event");
        if (event == null || event.isBlank()) {
            return LineOutcome.reject("event record without 'event' (the logger call: start_session, end_session, "
                    + "event, trigger, decision, task_detected, task_status_change, worker_spawn, "
                    + "worker_status_change, worktree_operation)");
        }
        Instant ts = time(r);
        if (ts == null) {
            return LineOutcome.reject("event '" + event + "': missing or unreadable 'ts' (ISO-8601, or epoch seconds)");
        }
        Stamp when = Stamp.recorded(ts);
        String key = "E" + ctx.file().fileId() + ":" + ctx.lineOffset();
        String session = r.text("session_id");
        if (session == null && !"start_session".equals(event)) {
            session = latestOpen(ctx);
            if (session == null) {
                return LineOutcome.reject("event '" + event + "' has no session_id and its file has no open session "
                        + "(no start_session before it, or every session ended)");
            }
        }
        List<Fact> out = new ArrayList<>(2);
        switch (event) {
            case "start_session" -> {
                if (session == null) {
                    session = "ev-" + ctx.file().fileId() + "-" + ctx.lineOffset();
                }
                out.add(new SessionStarted(session, when, Sources.EVENT, ctx.path(), key, r.json("config"),
                        r.integer("pid"), r.text("hostname"), r.text("git_branch"), r.text("git_commit"),
                        r.text("python_version"), r.text("tac_version"), false, false));
            }
            case "end_session" -> {
                out.add(new SessionEnded(session, when, r.text("exit_reason") == null ? "normal"
                        : r.text("exit_reason"),
                        r.has("exit_reason"), false));
            }
            case "event" -> out.add(new CoordinatorEvent(key, session, when, r.required("event_type"),
                    severity(r), r.text("component"), r.required("message"), r.json("details"), r.text("stack_trace"),
                    r.text("worker_id"), r.text("task_id"), Sources.EVENT, false));
            case "trigger" -> out.add(new TriggerObserved(key, session, when, r.required("trigger_type"),
                    r.text("trigger_source"), r.json("trigger_data"), r.text("task_id"), Sources.EVENT, false, null));
            case "decision" -> out.add(new DecisionObserved(key, session, when, r.required("context_type"),
                    r.text("context_id"), r.required("function_name"), r.required("decision_point"),
                    r.json("decision_input"), r.json("decision_output"), r.text("decision_reason"),
                    r.decimal("duration_ms"), r.text("source_file"), Sources.EVENT, false, null));
            case "task_detected" -> {
                String task = r.required("task_id");
                out.add(new TaskObserved(session, task, when, r.text("source") == null ? "github" : r.text("source"),
                        r.integer("issue_number") != null ? r.integer("issue_number") : RepoPaths.issueNumber(task),
                        r.text("issue_url"), r.text("title"), r.text("description"), r.integer("priority"),
                        r.json("labels"), Sources.EVENT, true));
                out.add(TaskStatusChanged.of(key, session, task, when, "detected", null, "task_detected event",
                        Sources.EVENT));
            }
            case "task_status_change" -> out.add(new TaskStatusChanged(key, session, r.required("task_id"), when,
                    r.required("status"), r.text("worker_id"), r.text("reason") != null ? r.text("reason")
                    : r.text("failure_reason"), Sources.EVENT, false, null, r.integer("attempt"),
                    r.integer("max_attempts"), r.text("failure_type"), r.integer("pid"), r.text("worktree_path"),
                    r.integer("pr_number"), r.text("pr_url"), r.json("commits")));
            case "worker_spawn" -> {
                Integer pid = r.integer("pid");
                String status = r.text("status") == null ? "running" : r.text("status");
                boolean launched = pid != null || !"failed".equals(status);
                out.add(new WorkerSpawned(key, session, r.required("worker_id"), r.required("task_id"), when, pid,
                        r.text("worktree_path"), r.text("branch_name"), r.text("prompt_file"), r.text("log_file"),
                        status, r.text("failure_reason"), Sources.EVENT, launched));
            }
            case "worker_status_change" -> out.add(new WorkerStatusChanged(key, r.required("worker_id"), when,
                    r.required("status"), r.integer("exit_code"), r.text("failure_reason"), Sources.EVENT));
            case "worktree_operation" -> {
                Boolean changes = r.bool("had_changes");
                Boolean clean = r.bool("was_clean");
                out.add(new WorktreeOperation(key, session, r.required("task_id"), when, r.required("operation"),
                        r.required("worktree_path"), r.text("branch_name"), r.text("decision_reason"), changes,
                        clean != null ? clean : changes == null ? null : !changes, r.bool("worker_running"),
                        r.integer("worker_pid"), r.decimal("file_mtime_age_minutes"), r.json("decision_logic"),
                        r.text("worker_id"), Sources.EVENT, false));
            }
            default -> out.add(new CoordinatorEvent(key, session, when, "unknown_event", "warning", FORMAT,
                    "unknown coordinator event '" + event + "' (kept as it came)", r.node().toString(), null,
                    r.text("worker_id"), r.text("task_id"), Sources.EVENT, false));
        }
        if (!r.problems().isEmpty()) {
            return LineOutcome.reject("event '" + event + "': " + String.join("; ", r.problems()));
        }
        if ("start_session".equals(event)) {
            open(ctx, session); // only an accepted record changes which sessions are open
        } else if ("end_session".equals(event)) {
            close(ctx, session);
        }
        return LineOutcome.rows(out);
    }

    private Instant time(EventRecord r) {
        JsonNode ts = r.node().get("ts");
        if (ts == null || ts.isNull()) {
            return null;
        }
        if (ts.isNumber()) {
            return Times.fromEpochSeconds(ts.asDouble());
        }
        String t = ts.asText();
        Instant withZone = Times.parseOrNull(t);
        return withZone != null ? withZone : times.instant(t);
    }

    private static String severity(EventRecord r) {
        String s = r.text("severity");
        return s == null ? "info" : s;
    }

    private static ArrayNode openSessions(ParseContext ctx) {
        JsonNode n = ctx.state().get(OPEN);
        return n instanceof ArrayNode a ? a : ctx.state().putArray(OPEN);
    }

    private static String latestOpen(ParseContext ctx) {
        ArrayNode a = openSessions(ctx);
        return a.isEmpty() ? null : a.get(a.size() - 1).asText();
    }

    private static void open(ParseContext ctx, String session) {
        close(ctx, session);
        ArrayNode a = openSessions(ctx);
        a.add(session);
        while (a.size() > MAX_OPEN) {
            a.remove(0);
        }
    }

    private static void close(ParseContext ctx, String session) {
        ArrayNode a = openSessions(ctx);
        for (int i = a.size() - 1; i >= 0; i--) {
            if (a.get(i).asText().equals(session)) {
                a.remove(i);
            }
        }
    }
}
