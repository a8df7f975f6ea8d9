package io.taclog.camel;

import io.taclog.enrich.pairing.BatchToolPairing;
import io.taclog.ingest.ParsedBatch;
import io.taclog.sink.BatchWriter;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Route step {@code pairToolCalls}: pairs the tool results of a batch with their calls in the same batch. */
public final class PairToolCallsProcessor implements Processor {

    private final BatchToolPairing pairing = new BatchToolPairing();

    @Override
    public void process(Exchange exchange) throws Exception {
        ParsedBatch batch = exchange.getMessage().getMandatoryBody(ParsedBatch.class);
        exchange.getMessage().setBody(batch.withPairs(pairing.pair(BatchWriter.factsToStore(batch))));
    }
}
