package io.taclog.query;

/**
 * One line of a cost report.
 *
 * @param estimatedUsd sum of the per-call estimates from the price table (unpriced calls excluded)
 * @param reportedUsd the part of {@code costUsd} that comes from agent-reported totals
 * @param costUsd the figure to trust: the worker's reported cost where its transcript has one,
 *     prorated over its calls, else the estimate
 * @param basis 'reported', 'estimated' or 'mixed': where {@code costUsd} comes from
 * @param unpricedCalls calls whose model has no price (NULL cost, never counted as $0)
 */
public record CostRow(String key, String model, long calls, long tokensInput, long tokensOutput, long tokensCacheRead,
                      long tokensCacheWrite, double estimatedUsd, double reportedUsd, double costUsd, String basis,
                      long unpricedCalls) {
}
