package io.taclog.camel;

import io.taclog.ingest.ParsedBatch;
import io.taclog.sink.BatchWriter;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Processor;

/** Route step {@code commitBatch}: commits a parsed batch and leaves the receipt on the exchange. */
public final class CommitBatchProcessor implements Processor {

    private final BatchWriter writer;

    public CommitBatchProcessor(BatchWriter writer) {
        this.writer = writer;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        ParsedBatch parsed = body(exchange);
        BatchWriter.Summary summary = writer.commit(parsed);
        exchange.setProperty(CommitReceipt.PROPERTY, new CommitReceipt(parsed.source(), parsed.endStates(), summary));
    }

    private static ParsedBatch body(Exchange exchange) throws InvalidPayloadException {
        return exchange.getMessage().getMandatoryBody(ParsedBatch.class);
    }
}
