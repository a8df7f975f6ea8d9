package io.taclog.camel;

import io.taclog.ingest.BatchParser;
import io.taclog.source.TailBatch;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Route step {@code parseBatch}: a {@link TailBatch} body becomes a parsed batch. */
public final class ParseBatchProcessor implements Processor {

    private final BatchParser parser;

    public ParseBatchProcessor(BatchParser parser) {
        this.parser = parser;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        exchange.getMessage().setBody(parser.parse(exchange.getMessage().getMandatoryBody(TailBatch.class)));
    }
}
