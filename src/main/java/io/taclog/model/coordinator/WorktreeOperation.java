package io.taclog.model.coordinator;

import io.taclog.model.Fact;

/**
 * A row of {@code worktree_operations}, keyed by the line that opened it. Later lines of the same
 * group send the same key: non-null fields replace, the decision logic is merged (RFC 7386).
 */
public record WorktreeOperation(String key, String sessionId, String taskId, Stamp when, String operation,
                                String worktreePath, String branchName, String reason, Boolean hadChanges,
                                Boolean wasClean, Boolean workerRunning, Integer workerPid, Double mtimeAgeMinutes,
                                String logicJson, String workerId, String source, boolean derived) implements Fact {
}
