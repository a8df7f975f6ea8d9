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

    /**
     * The grand total of a report's rows, as {@code query cost} and the dashboard print it: the sums, and the basis
     * "reported" or "estimated" when every row has it, "mixed" otherwise.
     */
    public static CostRow total(java.util.List<CostRow> rows) {
        long calls = 0;
        long in = 0;
        long out = 0;
        long cr = 0;
        long cw = 0;
        long unpriced = 0;
        double est = 0;
        double reported = 0;
        double cost = 0;
        boolean anyReported = false;
        boolean anyEstimated = false;
        for (CostRow r : rows) {
            calls += r.calls();
            in += r.tokensInput();
            out += r.tokensOutput();
            cr += r.tokensCacheRead();
            cw += r.tokensCacheWrite();
            unpriced += r.unpricedCalls();
            est += r.estimatedUsd();
            reported += r.reportedUsd();
            cost += r.costUsd();
            anyReported |= !"estimated".equals(r.basis());
            anyEstimated |= !"reported".equals(r.basis());
        }
        String basis = anyReported && anyEstimated ? "mixed" : anyReported ? "reported" : "estimated";
        return new CostRow("total", null, calls, in, out, cr, cw, est, reported, cost, basis, unpriced);
    }
}
