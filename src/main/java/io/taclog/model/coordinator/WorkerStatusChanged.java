package io.taclog.model.coordinator;

import io.taclog.model.Fact;

/** A worker process ended or changed status (TAC-8 reaper line, a {@code worker_status_change} event). */
public record WorkerStatusChanged(String key, String workerId, Stamp when, String status, Integer exitCode,
                                  String failureReason, String source) implements Fact {
}
