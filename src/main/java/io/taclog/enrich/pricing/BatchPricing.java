package io.taclog.enrich.pricing;

import io.taclog.model.ApiCallObserved;
import io.taclog.model.Fact;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Route step {@code priceCalls}: the cost estimate of every API call of a batch, computed on the source's thread
 * before the batch waits for the writer. Keyed by the very fact object the writer will store (identity, not
 * equality: two sightings of one response are equal in nothing but their key).
 */
public final class BatchPricing {

    private final PriceTable prices;

    public BatchPricing(PriceTable prices) {
        this.prices = prices;
    }

    /** Estimates for the API calls among {@code facts}; other facts are left out. */
    public Map<Fact, CostEstimate> price(Iterable<Fact> facts) {
        Map<Fact, CostEstimate> out = new IdentityHashMap<>();
        for (Fact f : facts) {
            if (f instanceof ApiCallObserved c) {
                out.put(c, prices.estimate(c.model(), c.usage()));
            }
        }
        return out;
    }
}
