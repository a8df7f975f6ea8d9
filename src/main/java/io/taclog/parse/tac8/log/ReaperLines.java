package io.taclog.parse.tac8.log;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.taclog.model.coordinator.Sources;
import io.taclog.model.coordinator.WorkerStatusChanged;
import io.taclog.parse.tac8.JsonObj;
import io.taclog.parse.tac8.rules.RuleMatch;

/**
 * The SIGCHLD handler's lines (K01-K03), printed at any point, also inside other groups. K01 is the
 * only trace of a worker's end; K02 with a non-zero exit is the only trace of a failed git/gh call,
 * whose status the coordinator itself usually never saw (research finding 5).
 */
final class ReaperLines {

    void handle(LineContext lc) {
        lc.interleaved = true;
        RuleMatch m = lc.m;
        if ("reaper.worker".equals(m.target())) {
            int exit = m.requiredInt("exit");
            String reason = exit < 0 ? "killed by signal " + (-exit) + (exit == -9 ? " (SIGKILL, e.g. the OOM killer)"
                    : "")
                    : exit == 0 ? null : "exited with status " + exit;
            lc.add(new WorkerStatusChanged(lc.key, m.text("worker"), lc.when, exit == 0 ? "exited" : "failed", exit,
                    reason, Sources.LOG));
            lc.event(lc.key, "worker_exited", exit == 0 ? "info" : "warning", "reaper", lc.message(), lc.details(),
                    m.text("worker"), null);
            return;
        }
        int exit = m.requiredInt("exit");
        int pid = m.requiredInt("pid");
        lc.event(lc.key, "child_reaped", exit == 0 ? "debug" : "warning", "reaper", lc.message(),
                lc.details().put("note", exit == 0 ? null : "a git/gh child failed; the coordinator probably "
                        + "treated the call as a success (its SIGCHLD handler reaped the status)"), null, null);
        if (exit == 0) {
            return;
        }
        ObjectNode wt = lc.st.group(LogState.WORKTREE);
        if (wt != null) {
            // inside a worktree group the child is one of its git calls (status, remove, prune)
            String op = wt.path("opKey").asText();
            lc.worktree(op, wt.path("task").asText(), null, wt.path("path").asText(null), null, null, null, null,
                    null, null, JsonObj.of().put("real_exit_code", exit).put("real_exit_pid", pid)
                            .put("real_exit_evidence", lc.key).put("real_exit_derived", true), null);
            lc.patchEvent(lc.key, JsonObj.of().put("attached_to", op).put("attached_as", "git call of the worktree "
                    + "check"));
            return;
        }
        lc.st.pendingExit(lc.key, pid, exit); // the next error line (R12, F01, R11) is what it caused
    }
}
