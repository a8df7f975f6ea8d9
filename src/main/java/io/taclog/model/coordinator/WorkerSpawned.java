package io.taclog.model.coordinator;

import io.taclog.model.Fact;

/**
 * The coordinator's record of a worker (TAC-8 spawn line, a work-queue Active entry, a
 * {@code worker_spawn} event). {@code launched} is false for a launch that failed before a process ran.
 */
public record WorkerSpawned(String key, String sessionId, String workerId, String taskId, Stamp when, Integer pid,
                            String worktreePath, String branchName, String promptFile, String logFile,
                            String status, String failureReason, String source, boolean launched)
        implements Fact {
}
