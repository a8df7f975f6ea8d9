package io.taclog.camel;

import io.taclog.ingest.ParsedBatch;
import java.util.function.UnaryOperator;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * A route step between parsing and the commit ({@code planBatch}, {@code priceCalls}, {@code pairToolCalls}):
 * takes the parsed batch and passes on the batch with what the step adds. The work itself is plain Java
 * (docs/routes.md).
 */
final class BatchStep implements Processor {

    private final String name;
    private final UnaryOperator<ParsedBatch> step;

    BatchStep(String name, UnaryOperator<ParsedBatch> step) {
        this.name = name;
        this.step = step;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        exchange.getMessage().setBody(step.apply(exchange.getMessage().getMandatoryBody(ParsedBatch.class)));
    }

    @Override
    public String toString() {
        return name;
    }
}
