package io.taclog.model;

import java.time.Instant;
import java.util.List;

/** The final {@code result} line of a Claude Code run: what the agent itself reports. */
public record WorkerResultReported(StreamRef stream, Instant at, String timeSource, Double totalCostUsd,
                                   Double durationMs, Double durationApiMs, Integer numTurns, String subtype,
                                   boolean isError, String resultText, String usageJson, List<ModelUsage> modelUsage,
                                   Integer apiErrorStatus) implements Fact {

    public WorkerResultReported {
        modelUsage = modelUsage == null ? List.of() : List.copyOf(modelUsage);
    }
}
