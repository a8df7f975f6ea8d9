package io.taclog.camel;

import io.taclog.ingest.IngestMonitor;
import io.taclog.source.TailBatch;
import io.taclog.source.Tailer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.ScheduledPollConsumer;

/**
 * Polls a {@link Tailer}: each batch is one exchange, processed synchronously (parse, then commit), and
 * the in-memory offsets advance only when the exchange carries the commit receipt for that batch. A
 * failed batch rewinds the files to their committed offsets and the poll fails, so Camel backs off and
 * polls again.
 */
final class TailConsumer extends ScheduledPollConsumer {

    private final TailEndpoint endpoint;
    private Tailer tailer;
    private boolean reportedDrained;

    TailConsumer(TailEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
    }

    private String sourceId() {
        return getRouteId() + ":" + endpoint.getKind();
    }

    @Override
    protected void doStart() throws Exception {
        tailer = new Tailer(endpoint.options(), endpoint.tailComponent().registry());
        monitor().register(sourceId());
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        if (tailer != null) {
            tailer.close();
            tailer = null;
        }
    }

    @Override
    protected int poll() throws Exception {
        int batches = 0;
        while (isRunAllowed()) {
            TailBatch batch = tailer.nextBatch();
            if (batch.isEmpty()) {
                if (tailer.options().oneShot() && !tailer.drained()) {
                    tailer.rescanSoon(); // backfill: confirm with a fresh scan that nothing is left
                    continue;
                }
                break;
            }
            process(batch);
            batches++;
        }
        if (tailer.options().oneShot() && tailer.drained() && !reportedDrained) {
            reportedDrained = true;
            monitor().drained(sourceId());
        }
        return batches;
    }

    private void process(TailBatch batch) throws Exception {
        Exchange exchange = createExchange(false);
        try {
            exchange.getMessage().setBody(batch);
            try {
                getProcessor().process(exchange);
            } catch (Exception e) {
                exchange.setException(e);
            }
            CommitReceipt receipt = exchange.getProperty(CommitReceipt.PROPERTY, CommitReceipt.class);
            Exception failure = exchange.getException();
            if (failure == null && (receipt == null || receipt.batch() != batch)) {
                failure = new IllegalStateException("route " + getRouteId()
                        + " did not commit the batch: it must end with the commitBatch step");
            }
            if (failure != null) {
                tailer.rollback(batch);
                monitor().failed();
                throw failure;
            }
            tailer.confirm(batch, receipt.endStates());
            var s = receipt.summary();
            monitor().committed(s.lines(), s.rows(), s.skipped(), s.rejected(), s.bytes());
            monitor().filesCommitted(batch.files().keySet());
        } finally {
            releaseExchange(exchange, false);
        }
    }

    private IngestMonitor monitor() {
        return endpoint.tailComponent().monitor();
    }
}
