package io.taclog.enrich.pricing;

import java.util.List;

/**
 * Prices of one model.
 *
 * @param longContextThreshold prompt size (input + cache reads + cache writes) above which the whole
 *     request is billed at {@code longContext} rates; null when the model has no such tier
 */
public record ModelPrice(String id, String provider, List<String> aliases, Rates rates,
                         Long longContextThreshold, Rates longContext) {

    public ModelPrice {
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
    }
}
