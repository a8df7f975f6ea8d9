package io.taclog.camel;

import io.taclog.ingest.ParsedBatch;
import io.taclog.sink.BatchWriter;
import io.taclog.sink.FactWriters;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Route step {@code planBatch}: decides which facts of a parsed batch are written as fewer statements (the
 * several lines of one API response become one row), on the source's thread instead of the writer's.
 */
public final class PlanBatchProcessor implements Processor {

    private final FactWriters writers;

    public PlanBatchProcessor(FactWriters writers) {
        this.writers = writers;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        ParsedBatch batch = exchange.getMessage().getMandatoryBody(ParsedBatch.class);
        exchange.getMessage().setBody(batch.withPlan(writers.plan(BatchWriter.factsOf(batch.lines()))));
    }
}
