package io.taclog.camel;

import io.taclog.sink.BatchWriter;
import io.taclog.source.TailBatch;
import java.util.Map;

/**
 * Proof that a batch committed, left on the exchange by the commit step. The tail consumer advances
 * its offsets only when it finds the receipt for the very batch it sent.
 */
public record CommitReceipt(TailBatch batch, Map<Long, String> endStates, BatchWriter.Summary summary) {

    /** Exchange property that carries the receipt. */
    public static final String PROPERTY = "taclog.commitReceipt";
}
