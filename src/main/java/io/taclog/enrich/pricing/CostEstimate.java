package io.taclog.enrich.pricing;

/**
 * The estimated cost of one call and what produced it.
 *
 * @param costUsd null when the model is unknown (never 0 for an unknown model)
 * @param pricedAs price-table id that matched, or null
 * @param longContext true when the long-context tier applied
 */
public record CostEstimate(Double costUsd, String pricedAs, String priceVersion, boolean longContext) {

    public static CostEstimate unknown(String priceVersion) {
        return new CostEstimate(null, null, priceVersion, false);
    }

    public boolean known() {
        return costUsd != null;
    }
}
