package io.taclog.model;

/** One model's totals as a transcript's final result line reports them. */
public record ModelUsage(String model, long input, long output, long cacheRead, long cacheWrite, long webSearches,
                         Double costUsd, Long contextWindow) {
}
