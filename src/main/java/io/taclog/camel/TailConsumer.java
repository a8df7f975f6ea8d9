package io.taclog.camel;

import io.taclog.ingest.IngestMonitor;
import io.taclog.ingest.ParsedBatch;
import io.taclog.sink.ConversationsPending;
import io.taclog.source.TailBatch;
import io.taclog.source.Tailer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.support.ScheduledPollConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a {@link Tailer}: each batch is one exchange. The route parses it and hands it to the writer; the
 * writer may be another route on another thread (a SEDA hand-off), so the next batch is read and parsed
 * while this one commits. The in-memory offsets advance only when the exchange completes with the commit
 * receipt of that very batch. When a batch fails, no new batch is read until every batch in flight has
 * completed; then every file rewinds to its committed offset and the poll fails, so Camel backs off and
 * the uncommitted bytes are read again.
 *
 * <p>Completions arrive on the writer's thread and are queued; the tailer itself is only touched from the
 * polling thread.
 */
final class TailConsumer extends ScheduledPollConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(TailConsumer.class);

    private final TailEndpoint endpoint;
    private final Queue<Completed> completed = new ConcurrentLinkedQueue<>();
    private final Object inFlightLock = new Object();
    private int inFlight;
    private Tailer tailer;
    /** When this consumer started: a backfill waits at most a while for sources that never start. */
    private long startedNanos;
    private Exception failure;
    private boolean reportedDrained;
    /**
     * After a batch that waits for the split layout's conversations file (ConversationsPending: its disk is away and
     * the spool is full): no reading until then, quietly (the database warned once), the pause growing to 30 s.
     */
    private long pausedUntilNanos;
    private long pauseMillis;

    /** How one batch's exchange ended: with the receipt of its commit, or with a failure. */
    private record Completed(TailBatch batch, CommitReceipt receipt, Exception failure) {
    }

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
        startedNanos = System.nanoTime();
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
        if (!monitor().sourceStatsWanted()) {
            return pollBatches();
        }
        long started = System.nanoTime();
        monitor().sourceStats(getRouteId(), s -> s.polling(started));
        try {
            return pollBatches();
        } finally {
            Tailer t = tailer;
            if (t != null) {
                Tailer.Stats now = t.stats();
                monitor().sourceStats(getRouteId(), s -> s.polled(now, System.nanoTime()));
            }
        }
    }

    private int pollBatches() throws Exception {
        applyCompleted();
        if (failure != null) {
            return recoverFromFailure();
        }
        if (pausedUntilNanos != 0 && System.nanoTime() - pausedUntilNanos < 0) {
            return 0;
        }
        int batches = 0;
        boolean oneShot = tailer.options().oneShot();
        // a backfill reads this kind after others (IngestMonitor.readAfter): wait for them here, woken when one
        // drains, rather than until the next poll (up to a poll interval lost at every start)
        if (oneShot && !monitor().awaitMayRead(endpoint.getKind(), startedNanos, getDelay())) {
            return 0;
        }
        while (isRunAllowed()) {
            applyCompleted();
            if (failure != null) {
                break;
            }
            TailBatch batch = tailer.nextBatch();
            if (!batch.isEmpty()) {
                send(batch);
                batches++;
                continue;
            }
            if (!oneShot) {
                break; // live: the next poll comes after the configured delay
            }
            // backfill: nothing to read now. Batches still in flight may free room for queued files (or fail and
            // make their bytes unread again): wait for them, then confirm with a fresh scan that nothing is left.
            if (awaitInFlight()) {
                continue;
            }
            if (!tailer.drained()) {
                tailer.rescanSoon();
                continue;
            }
            break;
        }
        if (failure != null) {
            return recoverFromFailure();
        }
        // a backfill ends when every source is drained; a sidecar's sources say once that they caught up with
        // what was there at start (the work queue applies its first version after that, as a backfill does)
        boolean caughtUp = oneShot ? tailer.drained() : tailer.scannedOnce() && batches == 0;
        if (!reportedDrained && caughtUp && inFlight() == 0 && tailer.settled()) {
            reportedDrained = true;
            monitor().drained(sourceId());
        }
        return batches;
    }

    /** Sends one batch down the route; it completes here (one route) or on the writer's thread (hand-off). */
    private void send(TailBatch batch) {
        Exchange exchange = createExchange(false);
        exchange.getExchangeExtension().addOnCompletion(new BatchCompletion(batch));
        synchronized (inFlightLock) {
            inFlight++;
        }
        try {
            exchange.getMessage().setBody(batch);
            try {
                getProcessor().process(exchange);
            } catch (Exception e) {
                exchange.setException(e);
            }
            ParsedBatch parsed = exchange.getException() == null
                    ? exchange.getMessage().getBody(ParsedBatch.class) : null;
            if (parsed != null && parsed.source() == batch) {
                tailer.parsed(batch, parsed.endStates());
            }
        } finally {
            releaseExchange(exchange, false);
        }
    }

    /** Applies the completions that arrived: commits move offsets, the first failure stops reading. */
    private void applyCompleted() {
        Completed c;
        while ((c = completed.poll()) != null) {
            if (c.failure() != null) {
                monitor().failed();
                if (failure == null) {
                    failure = c.failure();
                }
                continue;
            }
            tailer.confirm(c.batch(), c.receipt().endStates());
            pauseMillis = 0;
            pausedUntilNanos = 0;
            var s = c.receipt().summary();
            monitor().committed(s.lines(), s.rows(), s.skipped(), s.rejected(), s.bytes());
            monitor().filesCommitted(c.batch().files().keySet());
        }
    }

    /**
     * After a failure: wait until nothing is in flight (later batches of the same files fail as stale, others
     * may still commit), rewind every file to its committed offset and fail this poll so Camel backs off.
     */
    private int recoverFromFailure() throws Exception {
        while (inFlight() > 0 && isRunAllowed()) {
            awaitInFlight();
            applyCompleted();
        }
        applyCompleted();
        tailer.rewindAll();
        Exception f = failure;
        failure = null;
        if (waitsForConversations(f)) {
            pauseMillis = pauseMillis == 0 ? 500 : Math.min(pauseMillis * 2, 30_000);
            pausedUntilNanos = System.nanoTime() + pauseMillis * 1_000_000;
            LOG.debug("{}: a batch waits for the conversations file ({}); reading again in {} ms", sourceId(),
                    f.getMessage(), pauseMillis);
            return 0;
        }
        throw f;
    }

    private static boolean waitsForConversations(Throwable f) {
        for (Throwable t = f; t != null; t = t.getCause()) {
            if (t instanceof ConversationsPending) {
                return true;
            }
        }
        return false;
    }

    private int inFlight() {
        synchronized (inFlightLock) {
            return inFlight;
        }
    }

    /** Waits (a little) for batches in flight to complete; true when something was in flight. */
    private boolean awaitInFlight() throws InterruptedException {
        synchronized (inFlightLock) {
            if (inFlight == 0) {
                return false;
            }
            inFlightLock.wait(50);
            return true;
        }
    }

    private void completedWith(Completed c) {
        completed.add(c);
        synchronized (inFlightLock) {
            inFlight--;
            inFlightLock.notifyAll();
        }
    }

    private IngestMonitor monitor() {
        return endpoint.tailComponent().monitor();
    }

    /** Reports how a batch's exchange ended; it may run on the writer's thread. */
    private final class BatchCompletion implements Synchronization {
        private final TailBatch batch;

        BatchCompletion(TailBatch batch) {
            this.batch = batch;
        }

        @Override
        public void onComplete(Exchange exchange) {
            CommitReceipt receipt = exchange.getProperty(CommitReceipt.PROPERTY, CommitReceipt.class);
            if (receipt == null || receipt.batch() != batch) {
                completedWith(new Completed(batch, null, new IllegalStateException("route " + getRouteId()
                        + " did not commit the batch: it must end with the commitBatch step")));
            } else {
                completedWith(new Completed(batch, receipt, null));
            }
        }

        @Override
        public void onFailure(Exchange exchange) {
            Exception e = exchange.getException();
            completedWith(new Completed(batch, null, e != null ? e
                    : new IllegalStateException("batch failed in route " + getRouteId())));
        }
    }
}
