package io.taclog.camel;

import io.taclog.enrich.pricing.BatchPricing;
import io.taclog.ingest.ParsedBatch;
import io.taclog.sink.BatchWriter;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Route step {@code priceCalls}: prices the API calls a batch will store (after {@code planBatch}, the merged
 * calls; without it, every sighting).
 */
public final class PriceCallsProcessor implements Processor {

    private final BatchPricing pricing;

    public PriceCallsProcessor(BatchPricing pricing) {
        this.pricing = pricing;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        ParsedBatch batch = exchange.getMessage().getMandatoryBody(ParsedBatch.class);
        exchange.getMessage().setBody(batch.withPrices(pricing.price(BatchWriter.factsToStore(batch))));
    }
}
