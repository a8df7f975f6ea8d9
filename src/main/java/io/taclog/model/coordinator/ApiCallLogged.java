package io.taclog.model.coordinator;

import io.taclog.model.Fact;
import java.time.Instant;

/**
 * One line of the coordinator's own API-call log ({@code logs/api/api-calls-<date>.jsonl}, TAC-8
 * api_logger): a per-run estimate that the worker's transcript supersedes.
 *
 * @param startedAt start of the call (its epoch {@code start_time}, else its naive {@code timestamp})
 * @param tokensInput null when the coordinator counted none (it usually cannot)
 */
public record ApiCallLogged(String taskId, String workerId, Instant startedAt, String timeSource, String model,
                            String promptFile, Long tokensInput, Long tokensOutput, Double durationSeconds,
                            Double tokensPerSecond, Boolean success, String errorMessage, Integer exitCode,
                            Double coordinatorEstimateUsd, String dedupKey) implements Fact {
}
