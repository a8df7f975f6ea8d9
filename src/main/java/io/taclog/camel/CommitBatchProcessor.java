package io.taclog.camel;

import io.taclog.ingest.ParsedBatch;
import io.taclog.sink.BatchWriter;
import java.util.function.LongConsumer;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Processor;

/** Route step {@code commitBatch}: commits a parsed batch and leaves the receipt on the exchange. */
public final class CommitBatchProcessor implements Processor {

    private final BatchWriter writer;
    /** Told each commit's duration in nanoseconds when metrics are on; null (no clock read at all) when off. */
    private volatile LongConsumer commitNanos;

    public CommitBatchProcessor(BatchWriter writer) {
        this.writer = writer;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        ParsedBatch parsed = body(exchange);
        LongConsumer timer = commitNanos;
        long start = timer == null ? 0 : System.nanoTime();
        BatchWriter.Summary summary = writer.commit(parsed);
        if (timer != null) {
            timer.accept(System.nanoTime() - start);
        }
        exchange.setProperty(CommitReceipt.PROPERTY, new CommitReceipt(parsed.source(), parsed.endStates(), summary));
    }

    /** Times every successful commit from now on (the metrics endpoint). */
    public void timeCommits(LongConsumer nanos) {
        this.commitNanos = nanos;
    }

    private static ParsedBatch body(Exchange exchange) throws InvalidPayloadException {
        return exchange.getMessage().getMandatoryBody(ParsedBatch.class);
    }
}
