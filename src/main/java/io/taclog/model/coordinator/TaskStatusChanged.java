package io.taclog.model.coordinator;

import io.taclog.model.Fact;

/**
 * A task moved to another status: one row of {@code task_status_history}, and the task's current
 * status (the latest transition by time), its lifecycle times and PR fields follow.
 *
 * @param derived inferred by taclog (completion from a PR or from the issue leaving the queue...)
 * @param evidenceJson why, for derived transitions
 */
public record TaskStatusChanged(String key, String sessionId, String taskId, Stamp when, String toStatus,
                                String workerId, String reason, String source, boolean derived, String evidenceJson,
                                Integer attempt, Integer maxAttempts, String failureType, Integer pid,
                                String worktreePath, Integer prNumber, String prUrl, String commitsJson)
        implements Fact {

    /** A plain transition with no retry, worker-process or PR details. */
    public static TaskStatusChanged of(String key, String sessionId, String taskId, Stamp when, String toStatus,
                                       String workerId, String reason, String source) {
        return new TaskStatusChanged(key, sessionId, taskId, when, toStatus, workerId, reason, source, false, null,
                null, null, null, null, null, null, null, null);
    }
}
